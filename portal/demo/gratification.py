"""Gratification demo data: gift reports in every state of the UPG's workflow, by employees of
several OPDs over the past months: a draft, one waiting to be registered, one registered, one
waiting for the reporter's answer, two with the KPK, one with a handover due, three closed (one
settled at the UPG when the settings allow it), a refusal, three sent late.

Everything goes through the services: the reporters' (services.save, submit) and the UPG's
(upg.py, acting as upg.inspektorat). The steps of every report are run in the order of their
days, so register and receipt numbers follow the calendar, and each step is dated back to its
day at once (the next step checks its dates against the ones before). Nothing is added when a
report exists.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.clock import to_utc, utcnow
from portal.core.notices import Notice
from portal.core.workdays import add_workdays, holidays_between, is_workday, today
from portal.documents.models import IssuedNumber
from portal.extensions import db
from portal.gratification import services, upg
from portal.gratification.models import (
    Custody,
    Decision,
    GiftReport,
    GiverRelation,
    ObjectKind,
    ReportType,
    Status,
)
from portal.org.models import Employee, Opd
from portal.web import urls

Obj = services.ObjectFields
# The KPK's form asks for the reporter's address and telephone; the demo's are made up.
ADDRESS = "Jl. Jenderal Sudirman No. 1, Kelurahan Jati, Kecamatan Padang Timur, Kota Padang"
PHONE = "0812 0000 0000"
LEBARAN = None  # `received`: a few days before the last Idul Fitri with time for the whole workflow after it


@dataclass(frozen=True)
class Case:
    reporter: str  # a demo login, or an OPD's code: the first of its staff
    kind: ReportType
    received: int | None  # days ago, or LEBARAN (days before Idul Fitri: `before_lebaran`)
    giver: str
    institution: str
    relation: GiverRelation
    occasion: str
    place: str
    chronology: str
    objects: tuple[Obj, ...]
    # (step, days after receipt), in order; the day goes back to the working day before when it is none.
    steps: tuple[tuple[str, int], ...]
    address: str = ""
    relation_other: str = ""
    decision: Decision | None = None
    text: str = ""  # the UPG's question, the handover's note or the settling note
    before_lebaran: int = 0


CASES = (
    Case("kadis.disdik", ReportType.RECEIPT, LEBARAN, "Staf pemasaran penerbit", "CV Pustaka Ranah Minang",
         GiverRelation.SUPPLIER, "Menjelang Idulfitri", "Kantor Dinas Pendidikan dan Kebudayaan",
         "Menjelang libur Idulfitri, staf pemasaran penerbit buku pelajaran yang menjadi penyedia buku "
         "sekolah datang ke kantor dan meninggalkan parsel serta amplop di meja saya. Keesokan harinya parsel dan "
         "amplop itu saya titipkan ke UPG.",
         (Obj(ObjectKind.FOOD, "Parsel Lebaran berisi sirup, kue kering dan kurma", 850000, Custody.UPG),
          Obj(ObjectKind.MONEY, "Amplop berisi uang tunai", 5000000, Custody.UPG)),
         (("sent", 1), ("registered", 9), ("forwarded", 16), ("decided", 50), ("handover", 54), ("closed", 56)),
         address="Jl. Bagindo Aziz Chan, Padang", decision=Decision.STATE, before_lebaran=5,
         text="Uang tunai Rp5.000.000 disetor ke rekening KPK sesuai keputusan; parsel makanan yang mudah rusak "
              "diserahkan ke panti asuhan dengan berita acara."),
    Case("KEC-KURANJI", ReportType.RECEIPT, LEBARAN, "Pengurus koperasi pedagang", "Koperasi Pedagang Pasar Kuranji",
         GiverRelation.SERVICE_USER, "Menjelang Idulfitri", "Kantor Camat Kuranji",
         "Pengurus koperasi pedagang mengantarkan parsel makanan ke kantor camat menjelang Idulfitri sebagai ucapan "
         "terima kasih atas pelayanan perizinan pasar.",
         (Obj(ObjectKind.FOOD, "Parsel makanan dan minuman", 400000, Custody.UPG),),
         (("sent", 2), ("registered", 9), ("settled", 11)), before_lebaran=5,
         text="Parsel makanan bernilai kecil dan mudah rusak; diserahkan ke panti asuhan di Kecamatan Kuranji "
              "dengan berita acara serah terima."),
    Case("DISKOMINFO", ReportType.RECEIPT, 230, "Panitia seminar", "Panitia Seminar Transformasi Digital Daerah",
         GiverRelation.OTHER, "Menjadi narasumber seminar", "Sebuah hotel di Padang",
         "Setelah saya menjadi narasumber seminar atas surat tugas kepala dinas, panitia memberikan cendera mata dan "
         "amplop honorarium di luar honor yang sudah dibayarkan sesuai standar biaya.",
         (Obj(ObjectKind.GOODS, "Plakat dan tas cendera mata", 350000, Custody.REPORTER),
          Obj(ObjectKind.MONEY, "Amplop honorarium tambahan", 1500000, Custody.REPORTER)),
         (("sent", 56), ("registered", 57), ("forwarded", 62), ("decided", 92), ("closed", 94)),
         relation_other="Penyelenggara seminar tempat saya menjadi narasumber", decision=Decision.RECIPIENT),
    Case("DPMPTSP", ReportType.RECEIPT, 125, "Pemohon izin", "Toko Bangunan Sinar Andalas", GiverRelation.SERVICE_USER,
         "Setelah persetujuan bangunan gedung terbit", "Loket pelayanan Mal Pelayanan Publik",
         "Beberapa hari setelah persetujuan bangunan gedung terbit, pemohon kembali ke loket dan menyerahkan voucer "
         "belanja sebagai ucapan terima kasih. Saya baru tahu kewajiban melapor dari sosialisasi di kantor.",
         (Obj(ObjectKind.VOUCHER, "Voucer belanja swalayan", 1000000, Custody.REPORTER),),
         (("sent", 48), ("registered", 49), ("forwarded", 53), ("decided", 70), ("handover", 74), ("closed", 76)),
         decision=Decision.STATE_REDEEMABLE,
         text="Voucer saya simpan untuk keperluan kantor; nilainya Rp1.000.000 sudah saya setor ke rekening KPK."),
    Case("kadis.dinkes", ReportType.RECEIPT, 75, "Direktur pemasaran", "PT Minang Farma", GiverRelation.SUPPLIER,
         "Peresmian gedung gudang farmasi", "Hotel di Padang",
         "Setelah acara peresmian gudang farmasi, penyedia obat memberi saya tiket pesawat dan voucer menginap untuk "
         "kunjungan ke pabriknya di Jakarta. Tiket belum saya pakai.",
         (Obj(ObjectKind.TICKET, "Tiket pesawat Padang-Jakarta pulang pergi", 3500000, Custody.REPORTER),
          Obj(ObjectKind.TICKET, "Voucer menginap dua malam di hotel di Jakarta", 2400000, Custody.REPORTER)),
         (("sent", 50), ("registered", 51), ("forwarded", 55))),
    Case("sekretaris.disdik", ReportType.RECEIPT, 45, "Kuasa direktur", "CV Bukit Barisan Konstruksi",
         GiverRelation.SUPPLIER, "Setelah pembayaran termin pekerjaan", "Kantor Dinas Pendidikan dan Kebudayaan",
         "Setelah termin kedua pekerjaan rehabilitasi gedung sekolah dibayarkan, kuasa direktur rekanan datang ke "
         "ruangan saya dan memberikan amplop sebagai ucapan terima kasih. Amplop saya simpan dan tidak saya pakai.",
         (Obj(ObjectKind.MONEY, "Amplop berisi uang tunai", 2500000, Custody.REPORTER),),
         (("sent", 3), ("registered", 6), ("forwarded", 13), ("decided", 41)),
         address="Jl. By Pass, Padang", decision=Decision.STATE),
    Case("asn.disdik", ReportType.REFUSAL, 16, "Orang tua murid", "", GiverRelation.SERVICE_USER,
         "Konsultasi nilai anak", "SD negeri tempat saya mengajar",
         "Setelah konsultasi nilai anaknya, orang tua murid menawarkan voucer belanja kepada saya. Saya menolaknya "
         "saat itu juga dan menjelaskan bahwa guru tidak boleh menerima pemberian terkait tugasnya.",
         (Obj(ObjectKind.VOUCHER, "Voucer belanja swalayan", 500000, Custody.REPORTER),),
         (("sent", 1), ("registered", 2), ("forwarded", 8))),
    Case("asn.dinkes", ReportType.RECEIPT, 20, "Perwakilan distributor", "PT Andalas Medika Distribusi",
         GiverRelation.SUPPLIER, "Setelah rapat evaluasi penyedia", "Kantor Dinas Kesehatan",
         "Seusai rapat evaluasi penyedia obat dan bahan medis habis pakai, perwakilan distributor menitipkan sebuah "
         "kotak berisi jam tangan untuk saya kepada staf di ruangan.",
         (Obj(ObjectKind.GOODS, "Jam tangan dalam kotak", 2750000, Custody.UPG),),
         (("sent", 2), ("registered", 4), ("asked", 8)),
         text="Mohon lampirkan foto jam tangan beserta kotaknya, dan jelaskan peran Saudara dalam evaluasi penyedia "
              "tersebut."),
    Case("DPUPR", ReportType.RECEIPT, 9, "Pelaksana lapangan", "CV Tigo Sapilin Konstruksi", GiverRelation.SUPPLIER,
         "Setelah serah terima pertama pekerjaan", "Lokasi pekerjaan saluran drainase, Padang Utara",
         "Seusai pemeriksaan untuk serah terima pertama pekerjaan saluran drainase, pelaksana lapangan memberikan "
         "kain songket dan voucer makan malam kepada saya sebagai anggota tim pemeriksa.",
         (Obj(ObjectKind.GOODS, "Kain songket", 1750000, Custody.REPORTER),
          Obj(ObjectKind.VOUCHER, "Voucer makan malam di restoran", 600000, Custody.UPG)),
         (("sent", 2), ("registered", 5))),
    Case("asn.dinkes", ReportType.RECEIPT, 6, "Budi Santoso", "CV Sehat Sentosa", GiverRelation.SUPPLIER,
         "Setelah serah terima alat kesehatan", "Kantor Dinas Kesehatan",
         "Rekanan pengadaan alat kesehatan mengantar parsel dan amplop ke meja saya setelah serah terima barang.",
         (Obj(ObjectKind.FOOD, "Parsel makanan dan minuman", 450000, Custody.UPG),
          Obj(ObjectKind.MONEY, "Amplop berisi uang tunai", 2000000, Custody.UPG)),
         (("sent", 4),)),
    Case("sekretaris.dinkes", ReportType.OFFER, 2, "Tidak diketahui", "", GiverRelation.UNKNOWN, "Pengurusan izin",
         "Kantor Dinas Kesehatan", "Seseorang menawarkan uang agar izin praktik cepat diproses.",
         (Obj(ObjectKind.MONEY, "Uang tunai yang ditawarkan", 1000000, Custody.REPORTER),),
         (("draft", 0),)),
)
# The hour each step is done at, later along the workflow: steps that fall on one day keep their order.
HOURS = {"draft": time(8, 40), "sent": time(9, 15), "registered": time(10, 5), "asked": time(11, 30),
         "forwarded": time(13, 30), "settled": time(14, 0), "decided": time(14, 20), "handover": time(15, 0),
         "closed": time(15, 40)}


def load(echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(GiftReport)):
        echo("Gratification: demo reports already present")
        return
    upg_user = db.session.scalar(sa.select(User).where(User.username == "upg.inspektorat"))
    if upg_user is None:
        echo("Gratification: no upg.inspektorat in the demo data; skipped")
        return
    settling = upg.may_settle()  # settling at the UPG is Pemko policy, off until the admin turns it on
    cases = [(case, user) for case in CASES if (user := _reporter(case.reporter)) is not None
             and (settling or "settled" not in dict(case.steps))]
    on = today()
    lebaran = _last_lebaran(on)
    plan = []  # (day, hour, case, step, received)
    for n, (case, _user) in enumerate(cases):
        received = (lebaran - timedelta(days=case.before_lebaran) if case.received is LEBARAN
                    else on - timedelta(days=case.received))
        day = received
        for step, after in case.steps:
            day = max(day, _working_day_before(min(received + timedelta(days=after), on)))
            plan.append((day, HOURS[step], n, step, received))
    reports: dict[int, GiftReport] = {}
    for day, hour, n, step, received in sorted(plan, key=lambda p: p[:3]):
        case, reporter = cases[n]
        if n not in reports:
            reports[n] = _draft(case, received, reporter)
            reports[n].created_at = reports[n].history[0].at = _at(day, HOURS["draft"])
        if step != "draft":
            _step(reports[n], case, step, day, _at(day, hour), reporter=reporter, upg_user=upg_user)
    db.session.flush()
    late = sum(r.late for r in reports.values())
    echo(f"Gratification: {len(reports)} demo reports in the UPG's workflow, {late} sent late "
         f"(settling at the UPG {'on' if settling else 'off'}); the UPG logs in as upg.inspektorat")
    load_shared_giver(echo)


def load_shared_giver(echo) -> None:
    """One more report, from Dinas Sosial, of a gift by the giver kadis.dinkes reported above, its
    name written another way: the early-detection page then shows "gifts from one giver were
    reported in 2 OPDs" for both OPDs (the giver's digest, portal/gratification/givers.py)."""
    user = _reporter("DINSOS")
    if user is None:
        return
    fields = services.ReportFields(
        report_type=ReportType.RECEIPT, reporter_address=ADDRESS, reporter_phone=PHONE,
        giver_name="Bagian pemasaran", giver_institution="pt. minang  farma",
        giver_relation=GiverRelation.SUPPLIER, occasion="Kunjungan kerja", received_on=today() - timedelta(days=4),
        place="Kantor Dinas Sosial",
        chronology="Perwakilan perusahaan farmasi memberikan bingkisan setelah presentasi produk di kantor.",
        objects=[Obj(ObjectKind.GOODS, "Bingkisan berisi tas dan alat tulis", 750000, Custody.REPORTER)])
    services.save(None, reporter=user.employee, fields=fields, send=True, actor=user)
    echo("Gratification: one more report from another OPD naming the same giver (an early-detection signal)")


def _reporter(key: str) -> User | None:
    """A demo login, or the first of an OPD's staff (OPD codes are upper case)."""
    if not key.isupper():
        user = db.session.scalar(sa.select(User).where(User.username == key))
        return user if user is not None and user.employee is not None else None
    employee = db.session.scalar(
        sa.select(Employee).join(Opd, Employee.opd_id == Opd.id)
        .where(Opd.code == key, Employee.active.is_(True), Employee.is_opd_head.is_(False),
               Employee.position.not_like("Kepala%")).order_by(Employee.id).limit(1))
    return employee.user if employee is not None else None


def _last_lebaran(on: date) -> date:
    """The first day of the last Idul Fitri at least 100 days ago: room for a whole workflow after it."""
    days = [d for d, name in holidays_between(on - timedelta(days=480), on - timedelta(days=100)).items()
            if name.startswith("Hari Raya Idul Fitri")]
    return max(days, default=on - timedelta(days=260))


def _at(day: date, hour: time) -> datetime:
    return min(to_utc(day, hour), utcnow())  # a step of this morning is not dated this afternoon


def _working_day_before(day: date) -> date:
    """The day itself when it is a working day, else the working day before it."""
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def _nik(employee: Employee) -> str:
    """A made-up NIK of Kota Padang (13 71) with the employee's birth date (women: day + 40)."""
    birth = employee.birth_date
    return f"137105{birth.day + (40 if employee.gender == 'P' else 0):02d}{birth:%m%y}{employee.id % 10000:04d}"


def _draft(case: Case, received: date, reporter: User) -> GiftReport:
    fields = services.ReportFields(
        report_type=case.kind, nik=_nik(reporter.employee), reporter_address=ADDRESS, reporter_phone=PHONE,
        giver_name=case.giver,
        giver_institution=case.institution, giver_address=case.address, giver_relation=case.relation,
        giver_relation_other=case.relation_other, occasion=case.occasion, received_on=received, place=case.place,
        chronology=case.chronology, objects=list(case.objects))
    return services.save(None, reporter=reporter.employee, fields=fields, actor=reporter)


def _step(r: GiftReport, case: Case, step: str, day: date, at, *, reporter: User, upg_user: User) -> None:
    """One step of the workflow through its service, then dated back to `day` (`at` on the history)."""
    if step == "sent":
        services.submit(r, actor=reporter)
        r.sent_on, r.late = day, bool(r.due_on and day > r.due_on)
        r.history[-1].late = r.late
    elif step == "registered":
        upg.register(r, actor=upg_user)
        r.registered_on, r.forward_due_on = day, add_workdays(day, upg.forward_days())
        db.session.execute(sa.update(IssuedNumber).where(IssuedNumber.kind == upg.RECEIPT,
                                                         IssuedNumber.number == r.receipt_no).values(issued_at=at))
    elif step == "asked":
        upg.ask(r, case.text, actor=upg_user).at = at
        r.waiting_since = day
    elif step == "forwarded":
        upg.forward(r, kpk_reference=f"GOL-{day.year}-{4700 + r.id:05d}", sent_on=day, actor=upg_user)
    elif step == "decided":
        upg.decide(r, decision=case.decision, decision_no=f"SK-{r.id:03d}/GRA/{day.year}", decision_on=day,
                   actor=upg_user)
    elif step == "handover":
        at_upg = any(o.custody == Custody.UPG for o in r.objects)  # the UPG hands over what it keeps
        upg.record_handover(r, on=day, note=case.text, upload=("bukti-setor.png", _proof(r, day)),
                            actor=upg_user if at_upg else reporter)
        r.attachments[-1].created_at = at
    elif step == "settled":
        upg.settle(r, case.text, actor=upg_user)
    elif step == "closed":
        upg.close(r, actor=upg_user)
    r.history[-1].at = at
    # The reporter's notices of this step (a question, the KPK's decision) on its day; read once closed.
    link = urls.path("gratification.detail", report_id=r.id)
    for notice in db.session.scalars(sa.select(Notice).where(Notice.link == link)):
        if notice.created_at > at:
            notice.created_at = at
        if r.status == Status.CLOSED and notice.read_at is None:
            notice.read_at = at


def _proof(r: GiftReport, day: date) -> bytes:
    """A picture of a deposit slip: the handover's proof."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, 413, 173), outline=(60, 60, 60), width=2)
    lines = ("BUKTI SETOR (contoh data demo)", f"Laporan gratifikasi {r.register_no}", f"Tanggal {day:%d-%m-%Y}",
             f"Jumlah Rp{r.total_value:,}".replace(",", "."), "Penerima: rekening penampungan KPK")
    for i, line in enumerate(lines):
        draw.text((22, 22 + 28 * i), line, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
