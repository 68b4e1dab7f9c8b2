"""Socialisation sessions: the Inspectorate's session of Friday 9 August 2019 (coi.md: the
sekretaris and kepala tata usaha of every OPD, in Ruang Abu Bakar Ja'ar, Balai Kota Padang,
speakers from the Inspektorat and the Kabag Hukum Setdako), and sessions still to come."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.clock import local, to_utc, utcnow
from portal.extensions import db
from portal.home.models import Regulation
from portal.learning.models import Module
from portal.org.models import Employee, Opd
from portal.socialisation import records, services
from portal.socialisation.models import AttendanceStatus, Method, Participant, SocialisationSession, Source

VENUE_2019 = "Ruang Abu Bakar Ja'ar, Balai Kota Padang"
MINUTES_2019 = (
    "Sosialisasi Peraturan Wali Kota Padang Nomor 15 Tahun 2019 tentang Sistem Penanganan Pengaduan "
    "(Whistleblowing System) Tindak Pidana Korupsi dan Peraturan Wali Kota Padang Nomor 27 Tahun 2019 tentang "
    "Penanganan Benturan Kepentingan, bagi sekretaris dan kepala tata usaha seluruh OPD.\n\n"
    "Narasumber dari Inspektorat Kota Padang dan Kepala Bagian Hukum Setdako menyampaikan isi kedua peraturan. "
    "Peserta diminta meneruskan materi kepada pegawai di OPD masing-masing.\n\n"
    "(Notula contoh dalam data demo: ringkasan acara bersumber dari pemberitaan, bukan notula asli.)"
)


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _fields(title, start: datetime, hours: float, *, late_minutes=15, opd_ids=(), regulation_ids=(), module_ids=(),
            speakers="", description="", capacity=None) -> services.SessionFields:
    return services.SessionFields(
        title=title, starts_at=start, ends_at=start + timedelta(hours=hours),
        late_after=start + timedelta(minutes=late_minutes), venue=VENUE_2019, description=description,
        speakers=speakers, opd_ids=tuple(opd_ids), regulation_ids=tuple(regulation_ids),
        module_ids=tuple(module_ids), capacity=capacity)


def _wib(day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(day, time(hour, minute))


def load(rng, echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(SocialisationSession)):
        echo("Sessions: demo sessions already present")
        return
    inspektur, dinkes_secretary = _user("inspektur"), _user("sekretaris.dinkes")
    opds = list(db.session.scalars(sa.select(Opd).where(Opd.active.is_(True)).order_by(Opd.id)))
    regulations = {r.topic: r.id for r in db.session.scalars(sa.select(Regulation))}
    modules = {m.topic: m.id for m in db.session.scalars(sa.select(Module))}

    # 9 August 2019: two people per OPD (the secretary's stand-ins: the most senior below the head).
    day = date(2019, 8, 9)
    s2019 = services.save_session(None, _fields(
        "Sosialisasi Perwako No. 15 Tahun 2019 dan Perwako No. 27 Tahun 2019", _wib(day, 9), 3,
        opd_ids=[o.id for o in opds], regulation_ids=[regulations[t] for t in ("wbs", "coi") if t in regulations],
        speakers="Inspektorat Kota Padang\nYopi Krislova, Kepala Bagian Hukum Setdako Padang",
        description="Sosialisasi kepada sekretaris dan kepala tata usaha seluruh OPD."), actor=inspektur)
    logins = {u.employee_id for u in (_user("sekretaris.dinkes"), _user("sekretaris.disdik"))}
    for opd in opds:
        staff = list(db.session.scalars(sa.select(Employee).where(Employee.opd_id == opd.id, Employee.active.is_(True),
                                                                  Employee.is_opd_head.is_(False))
                                        .order_by(Employee.id)))
        chosen = [e for e in staff if e.id in logins][:2]
        chosen += [e for e in staff if e not in chosen][: 2 - len(chosen)]
        for employee in chosen:
            db.session.add(Participant(session=s2019, employee=employee, opd_id=opd.id, source=Source.INVITED))
    db.session.flush()
    for p in s2019.participants:
        roll = rng.random()
        if roll < 0.08:
            p.status = AttendanceStatus.EXCUSED
            continue
        if roll < 0.12:
            continue  # absent: closing marks them
        late = roll > 0.9
        p.status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
        p.checked_in_at = s2019.starts_at + timedelta(minutes=rng.randint(20, 45) if late else rng.randint(-20, 10))
        p.method = Method.MANUAL if rng.random() < 0.4 else Method.QR
        p.marked_by_id = inspektur.id if p.method == Method.MANUAL else None
    records.save_minutes(s2019, MINUTES_2019, actor=inspektur)
    services.close(s2019, actor=inspektur, now=s2019.ends_at + timedelta(hours=1))
    s2019.created_at = s2019.starts_at - timedelta(days=7)

    # Earlier this year: Dinas Kesehatan and Disdikbud, most of their staff came.
    local_today = local(utcnow()).date()
    held = max(local_today - timedelta(days=60), date(local_today.year, 1, 2))
    if held < local_today:
        pair = [o for o in opds if o.code in ("DINKES", "DISDIKBUD")]
        recent = services.save_session(None, _fields(
            "Sosialisasi penanganan benturan kepentingan dan WBS", _wib(held, 9), 3,
            opd_ids=[o.id for o in pair], regulation_ids=[regulations[t] for t in ("wbs", "coi") if t in regulations],
            module_ids=[modules[t] for t in ("coi", "wbs") if t in modules], speakers="Inspektorat Kota Padang"),
            actor=inspektur)
        recent.venue = "Aula Balai Kota Padang"
        staff = list(db.session.scalars(sa.select(Employee).where(Employee.opd_id.in_([o.id for o in pair]),
                                                                  Employee.active.is_(True)).order_by(Employee.id)))
        asn_id = _user("asn.dinkes").employee_id
        for employee in staff:
            if employee.id != asn_id and rng.random() < 0.35:
                continue
            late = rng.random() < 0.1
            db.session.add(Participant(
                session=recent, employee=employee, opd_id=employee.opd_id, source=Source.NOMINATED,
                status=AttendanceStatus.LATE if late else AttendanceStatus.PRESENT, method=Method.QR,
                checked_in_at=recent.starts_at + timedelta(
                    minutes=rng.randint(20, 40) if late else rng.randint(-25, 5))))
        db.session.flush()
        services.close(recent, actor=inspektur, now=recent.ends_at + timedelta(minutes=30))

    # Coming up: a city-wide session with two OPDs invited, and asn.dinkes on its list.
    soon = (local(utcnow()) + timedelta(days=7)).date()
    upcoming = services.save_session(None, _fields(
        "Pengendalian gratifikasi dan Whistleblowing System", _wib(soon, 9), 2.5,
        opd_ids=[o.id for o in opds if o.code in ("DINKES", "DISDIKBUD", "BKPSDM")],
        regulation_ids=[regulations[t] for t in ("wbs", "gratification") if t in regulations],
        module_ids=[modules[t] for t in ("gratification", "wbs") if t in modules],
        speakers="Inspektorat Kota Padang", capacity=120), actor=inspektur)
    asn = _user("asn.dinkes").employee
    services.add_participants(upcoming, asn.nip, actor=dinkes_secretary, source=Source.NOMINATED,
                              only_opd_id=asn.opd_id)
    # The secretary's own session for Dinas Kesehatan.
    later = (local(utcnow()) + timedelta(days=14)).date()
    own = services.save_session(None, _fields(
        "Internalisasi penanganan benturan kepentingan di Dinas Kesehatan", _wib(later, 13, 30), 2,
        regulation_ids=[regulations["coi"]] if "coi" in regulations else [],
        module_ids=[modules["coi"]] if "coi" in modules else []), actor=dinkes_secretary)
    own.venue = "Aula Dinas Kesehatan Kota Padang"
    # Today, all day: the organiser's QR screen can be tried at once.
    today_local = local(utcnow()).date()
    services.save_session(None, _fields("Uji coba presensi QR", _wib(today_local, 7, 30), 16, late_minutes=60,
                                        opd_ids=[o.id for o in opds]), actor=inspektur)
    db.session.commit()
    echo(f"Sessions: 9 August 2019 with {len(s2019.participants)} participants, and 4 more")
