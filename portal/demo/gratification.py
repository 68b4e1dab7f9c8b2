"""Gratification demo data: a few reports by the demo employees (one late, one refusal, one draft),
made through the services, then dated back. The UPG account is upg.inspektorat."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.workdays import today
from portal.extensions import db
from portal.gratification import services
from portal.gratification.models import Custody, GiftReport, GiverRelation, ObjectKind, ReportType

Obj = services.ObjectFields
# The KPK's form asks for the reporter's address and telephone; the demo's are made up.
ADDRESS = "Jl. Jenderal Sudirman No. 1, Kelurahan Jati, Kecamatan Padang Timur, Kota Padang"
PHONE = "0812 0000 0000"
REPORTS = [
    # (login, type, days ago, giver, institution, relation, occasion, place, chronology, objects, send)
    ("asn.dinkes", ReportType.RECEIPT, 6, "Budi Santoso", "CV Sehat Sentosa", GiverRelation.SUPPLIER, "Idulfitri",
     "Kantor Dinas Kesehatan", "Rekanan pengadaan alat kesehatan mengantar parsel dan amplop ke meja saya.",
     [Obj(ObjectKind.FOOD, "Parsel makanan dan minuman", 450000, Custody.UPG),
      Obj(ObjectKind.MONEY, "Amplop berisi uang tunai", 2000000, Custody.UPG)], True),
    ("asn.disdik", ReportType.REFUSAL, 3, "Orang tua murid", "", GiverRelation.SERVICE_USER, "Penerimaan rapor",
     "SD Negeri Padang", "Orang tua murid menawarkan voucer belanja setelah pembagian rapor; saya menolaknya.",
     [Obj(ObjectKind.VOUCHER, "Voucer belanja swalayan", 500000, Custody.REPORTER)], True),
    ("kadis.dinkes", ReportType.RECEIPT, 70, "Direktur PT Minang Farma", "PT Minang Farma", GiverRelation.SUPPLIER,
     "Peresmian gedung", "Hotel di Padang", "Diberi tiket perjalanan dan menginap setelah acara peresmian.",
     [Obj(ObjectKind.TICKET, "Tiket pesawat Padang-Jakarta pulang pergi", 3500000, Custody.REPORTER)], True),
    ("sekretaris.dinkes", ReportType.OFFER, 2, "Tidak diketahui", "", GiverRelation.UNKNOWN, "Pengurusan izin",
     "Kantor Dinas Kesehatan", "Seseorang menawarkan uang agar izin praktik cepat diproses.",
     [Obj(ObjectKind.MONEY, "Uang tunai yang ditawarkan", 1000000, Custody.REPORTER)], False),
]


def load(echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(GiftReport)):
        echo("Gratification: demo reports already present")
        return
    users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(
        [r[0] for r in REPORTS])))}
    made = 0
    for login, kind, ago, giver, institution, relation, occasion, place, story, objects, send in REPORTS:
        user = users.get(login)
        if user is None or user.employee is None:
            continue
        fields = services.ReportFields(report_type=kind, reporter_address=ADDRESS, reporter_phone=PHONE,
                                       giver_name=giver, giver_institution=institution,
                                       giver_relation=relation, occasion=occasion,
                                       received_on=today() - timedelta(days=ago), place=place, chronology=story,
                                       refused=kind == ReportType.REFUSAL, objects=list(objects))
        services.save(None, reporter=user.employee, fields=fields, send=send, actor=user)
        made += 1
    echo(f"Gratification: {made} demo reports (one late, one refusal, one draft); the UPG logs in as upg.inspektorat")
    load_shared_giver(echo)


def load_shared_giver(echo) -> None:
    """One more report, from Disdik, of a gift by the giver kadis.dinkes reported above, its name
    written another way: the early-detection page then shows "gifts from one giver were reported
    in 2 OPDs" for both OPDs (the giver's digest, portal/gratification/givers.py)."""
    user = db.session.scalar(sa.select(User).where(User.username == "kadis.disdik"))
    if user is None or user.employee is None:
        return
    fields = services.ReportFields(
        report_type=ReportType.RECEIPT, reporter_address=ADDRESS, reporter_phone=PHONE,
        giver_name="Bagian pemasaran", giver_institution="pt. minang  farma",
        giver_relation=GiverRelation.SUPPLIER, occasion="Kunjungan kerja", received_on=today() - timedelta(days=4),
        place="Kantor Dinas Pendidikan dan Kebudayaan",
        chronology="Perwakilan perusahaan farmasi memberikan bingkisan setelah presentasi produk di kantor.",
        objects=[Obj(ObjectKind.GOODS, "Bingkisan berisi tas dan alat tulis", 750000, Custody.REPORTER)])
    services.save(None, reporter=user.employee, fields=fields, send=True, actor=user)
    echo("Gratification: one more report from another OPD naming the same giver (an early-detection signal)")
