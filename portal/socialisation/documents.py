"""The session's paperwork: invitation, attendance list (daftar hadir), minutes (notula),
and the evidence pack per OPD for the Zona Integritas evaluation (elearning.md §5.4)."""
from __future__ import annotations

import io
import zipfile

from flask_babel import force_locale, gettext
from flask_babel import gettext as _

from portal.core import formatting, pdf, signals, signing, storage, tables
from portal.core.clock import local, utcnow
from portal.documents import services as documents
from portal.socialisation import records, services
from portal.socialisation.models import Participant, SocialisationSession
from portal.web.urls import absolute_url

# The documents this area issues (declared in portal/socialisation/__init__.py).
INVITATION, ATTENDANCE_LIST, MINUTES = ("socialisation.invitation", "socialisation.attendance_list",
                                        "socialisation.minutes")


def _issuing_opd(session: SocialisationSession) -> int | None:
    """The OPD whose letterhead the documents carry: the organising OPD, or the Inspectorate."""
    return session.owner_opd_id or documents.inspectorate_id()


def _organiser(session: SocialisationSession):
    return session.created_by.employee if session.created_by is not None else None


def _base(session: SocialisationSession, opd_name: str | None, kind: str, **official) -> dict:
    """The session's facts, in Indonesian (official documents are, whatever the reader's language),
    with the kop, place and date, number and signatures of `kind`."""
    return {
        "lang": "id",
        **documents.official(kind, opd_id=_issuing_opd(session), organiser=_organiser(session), **official),
        "title": session.title,
        "description": session.description,
        "day": formatting.weekday_day(session.starts_at),
        "start": formatting.clock(session.starts_at, zone=False),
        "end": formatting.clock(session.ends_at),
        "late_after": formatting.clock(session.late_after),
        "venue": session.venue,
        "speakers": session.speaker_lines,
        "regulations": [f"{r.short_name}: {r.title('id')}" for r in session.regulations],
        "modules": [m.title_id for m in session.modules],
        "invited": [o.name for o in session.invited_opds],
        "opd": opd_name or "",
    }


def invitation_pdf(session: SocialisationSession) -> bytes:
    """The letter of invitation (surat undangan): numbered the first time it is made, then always
    the same number. The caller commits."""
    with force_locale("id"):
        context = _base(session, None, INVITATION, numbered_as=f"socialisation_session:{session.id}",
                        title=gettext("Invitation: %(title)s", title=session.title))
        return pdf.render("pdf/session_invitation.html", context, sign_as=signing.Document.SESSION_INVITATION)


def _rows(rows: list[Participant]) -> list[dict]:
    return [{
        "no": i, "name": p.employee.name, "nip": p.employee.nip, "position": p.employee.position,
        "opd": p.opd.name, "status": str(p.status.label), "attended": p.status.attended,
        "time": formatting.clock(p.checked_in_at, zone=False) if p.checked_in_at else "",
        "method": str(p.method.label) if p.method else "",
    } for i, p in enumerate(rows, 1)]


def attendance_pdf(session: SocialisationSession, rows: list[Participant], opd_name: str | None = None) -> bytes:
    with force_locale("id"):
        counts = services.counts(rows)
        return pdf.render("pdf/session_attendance.html", {
            **_base(session, opd_name, ATTENDANCE_LIST, on=local(session.starts_at).date()), "rows": _rows(rows),
            "counts": [[str(status.label), n] for status, n in counts.items()],
            "generated": formatting.moment(utcnow()),
            "closed": bool(session.closed_at),
        }, sign_as=signing.Document.SESSION_ATTENDANCE)


def minutes_pdf(session: SocialisationSession) -> bytes:
    with force_locale("id"):
        return pdf.render("pdf/session_minutes.html", {
            **_base(session, None, MINUTES, on=local(session.starts_at).date()),
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
             f"{formatting.day(session.starts_at)}, {session.venue}", ""]
    contents = [f"{name}: {what}" for name, what, _data in files]
    # The numbers stay fixed (03 is always the minutes), so a gap is said, not left to puzzle over.
    if not session.minutes:
        contents.append("03-notula.pdf: " + _("not in this pack: the minutes have not been written"))
    if not session.photos:
        contents.append("04-foto: " + _("not in this pack: no photos have been uploaded"))
    index += sorted(contents)
    # Entries carry the government's wall-clock time, as the office's file manager shows it.
    stamp = local(utcnow()).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("00-daftar-isi.txt", ("\n".join(index) + "\n").encode("utf-8")),
                           *((name, data) for name, _what, data in files)]:
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
