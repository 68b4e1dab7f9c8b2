"""The session's paperwork: invitation, attendance list (daftar hadir), minutes (notula),
and the evidence pack per OPD for the Zona Integritas evaluation (elearning.md §5.4)."""
from __future__ import annotations

import io
import zipfile

from flask import current_app
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import gettext as _

from portal.core import pdf, signals, signing, storage, tables
from portal.core.clock import local, utcnow
from portal.socialisation import records, services
from portal.socialisation.models import Participant, SocialisationSession
from portal.web.urls import absolute_url


def _locale() -> str:
    return str(get_locale() or "id")


def _base(session: SocialisationSession, opd_name: str | None) -> dict:
    locale = _locale()
    return {
        "lang": locale,
        "government": current_app.config["GOVERNMENT_NAME"],
        "inspectorate": current_app.config["INSPECTORATE_NAME"],
        "organiser": session.owner_opd.name if session.owner_opd else current_app.config["INSPECTORATE_NAME"],
        "title": session.title,
        "description": session.description,
        "day": format_date(local(session.starts_at).date(), "full"),
        "start": format_time(session.starts_at, "short"),
        "end": format_time(session.ends_at, "short"),
        "late_after": format_time(session.late_after, "short"),
        "venue": session.venue,
        "speakers": session.speaker_lines,
        "regulations": [f"{r.short_name}: {r.title(locale)}" for r in session.regulations],
        "modules": [m.title_en if locale == "en" else m.title_id for m in session.modules],
        "invited": [o.name for o in session.invited_opds],
        "opd": opd_name or "",
    }


def invitation_pdf(session: SocialisationSession) -> bytes:
    return pdf.render("pdf/session_invitation.html", _base(session, None), sign_as=signing.Document.SESSION_INVITATION)


def _rows(rows: list[Participant]) -> list[dict]:
    return [{
        "no": i, "name": p.employee.name, "nip": p.employee.nip, "position": p.employee.position,
        "opd": p.opd.name, "status": str(p.status.label), "attended": p.status.attended,
        "time": format_time(p.checked_in_at, "short") if p.checked_in_at else "",
        "method": str(p.method.label) if p.method else "",
    } for i, p in enumerate(rows, 1)]


def attendance_pdf(session: SocialisationSession, rows: list[Participant], opd_name: str | None = None) -> bytes:
    counts = services.counts(rows)
    return pdf.render("pdf/session_attendance.html", {
        **_base(session, opd_name), "rows": _rows(rows),
        "counts": [[str(status.label), n] for status, n in counts.items()],
        "generated": format_datetime(utcnow(), "medium"),
        "closed": bool(session.closed_at),
    }, sign_as=signing.Document.SESSION_ATTENDANCE)


def minutes_pdf(session: SocialisationSession) -> bytes:
    return pdf.render("pdf/session_minutes.html", {
        **_base(session, None),
        "paragraphs": [p.strip() for p in session.minutes.split("\n\n") if p.strip()],
        "attended": sum(1 for p in services.participants(session) if p.status.attended),
    }, sign_as=signing.Document.SESSION_MINUTES)


def evidence_pack(session: SocialisationSession, opd_id: int, opd_name: str) -> bytes:
    """A ZIP for one OPD: invitation, its attendance list, minutes, photos, certificate codes,
    and an index saying what each file is."""
    rows = services.participants(session, opd_id)
    codes: dict[int, str] = {}
    for found in signals.collect(signals.participant_certificate_codes, session, participants=rows):
        codes.update(found)
    files: list[tuple[str, str, bytes]] = [
        ("01-undangan.pdf", _("Invitation"), invitation_pdf(session)),
        ("02-daftar-hadir.pdf", _("Attendance list"), attendance_pdf(session, rows, opd_name)),
    ]
    if session.minutes:
        files.append(("03-notula.pdf", _("Minutes"), minutes_pdf(session)))
    for n, photo in enumerate(session.photos, 1):
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(photo.media_type, "img")
        files.append((f"04-foto-{n:02d}.{ext}", photo.caption, storage.read(records.PHOTO_AREA, photo.storage_key)))
    header = [_("Name"), _("NIP"), _("Position"), _("Attendance"), _("Certificate code"), _("Verify at")]
    table = [[p.employee.name, p.employee.nip, p.employee.position, str(p.status.label), codes.get(p.id, ""),
              absolute_url("verify.certificate", code=codes[p.id]) if p.id in codes else ""] for p in rows]
    files.append(("05-peserta-dan-sertifikat.csv", _("Participants and their certificate codes"),
                  tables.csv_bytes(header, table)))
    index = [_("Evidence of a socialisation session"), "", f"{session.title}", f"{opd_name}",
             f"{format_date(local(session.starts_at).date(), 'long')}, {session.venue}", ""]
    index += [f"{name}: {what}" for name, what, _data in files]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("00-daftar-isi.txt", "\n".join(index) + "\n")
        for name, _what, data in files:
            zf.writestr(name, data)
    return out.getvalue()
