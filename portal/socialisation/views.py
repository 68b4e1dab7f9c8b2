"""Organisers', secretaries' and participants' pages of a socialisation session."""
from __future__ import annotations

import segno
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from portal.certificates import bulk
from portal.certificates import services as certificates
from portal.core import storage
from portal.core.clock import local, to_utc, utcnow
from portal.core.uploads import UploadError
from portal.extensions import db
from portal.home.models import Regulation
from portal.learning.models import Module
from portal.org.models import Opd
from portal.socialisation import checkin, documents, records, services
from portal.socialisation.forms import MarkForm, MinutesForm, NipsForm, PhotoForm, SessionForm, WalkInForm
from portal.socialisation.models import AttendanceStatus, Participant, Photo, SocialisationSession, Source
from portal.web import downloads
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard
from portal.web.urls import absolute_url

bp = Blueprint("socialisation", __name__, url_prefix="/sosialisasi")
bp.before_request(guard())

ID = "int(max=2147483647)"


def _load(session_id: int) -> SocialisationSession:
    session = db.get_or_404(SocialisationSession, session_id)
    if not services.can_view(current_user, session):
        abort(404)
    return session


def _managed(session_id: int) -> SocialisationSession:
    session = _load(session_id)
    if not services.can_manage(current_user, session):
        abort(403)
    return session


@bp.route("/")
def index():
    page = paginate(services.visible_sessions(current_user), per_page=20)
    return render_template("socialisation/index.html", page=page, phase=services.phase,
                           may_organise=services.may_organise(current_user),
                           upcoming=services.upcoming_for(current_user.employee))


# --- creating and editing ------------------------------------------------------------------------

def _choices(form: SessionForm) -> None:
    locale = str(get_locale())
    form.regulations.choices = [SelectChoice(r.id, f"{r.short_name}: {r.title(locale)}")
                                for r in db.session.scalars(db.select(Regulation).order_by(Regulation.position))]
    form.modules.choices = [SelectChoice(m.id, m.title_en if locale == "en" else m.title_id)
                            for m in db.session.scalars(db.select(Module).where(Module.active.is_(True))
                                                        .order_by(Module.position))]
    form.opds.choices = [SelectChoice(o.id, o.name)
                         for o in db.session.scalars(db.select(Opd).where(Opd.active.is_(True)).order_by(Opd.name))]


def _edit(session: SocialisationSession | None):
    form = SessionForm(obj=session)
    _choices(form)
    if session is not None and request.method == "GET":
        start = local(session.starts_at)
        form.day.data, form.start.data = start.date(), start.time()
        form.end.data, form.late_after.data = local(session.ends_at).time(), local(
            session.late_after).time()
        form.regulations.data = [r.id for r in session.regulations]
        form.modules.data = [m.id for m in session.modules]
        form.opds.data = [o.id for o in session.invited_opds]
        form.invite_nips.data = ""
    if form.validate_on_submit():
        fields = services.SessionFields(
            title=form.title.data, description=form.description.data or "",
            starts_at=to_utc(form.day.data, form.start.data),
            ends_at=to_utc(form.day.data, form.end.data),
            late_after=to_utc(form.day.data, form.late_after.data), venue=form.venue.data,
            capacity=form.capacity.data, speakers=form.speakers.data or "",
            regulation_ids=tuple(form.regulations.data or ()), module_ids=tuple(form.modules.data or ()),
            opd_ids=tuple(form.opds.data or ()), invite_nips=form.invite_nips.data or "")
        try:
            saved = services.save_session(session, fields, actor=current_user)
        except services.SessionError as exc:
            db.session.rollback()
            getattr(form, {"nips": "invite_nips"}.get(exc.field, exc.field or "title")).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The session has been saved."), "success")
            return redirect(url_for("socialisation.detail", session_id=saved.id))
    own_opd = None if services.is_city_organiser(current_user) else current_user.employee.opd
    return render_template("socialisation/form.html", form=form, session=session, own_opd=own_opd), \
        400 if form.errors else 200


@bp.route("/baru", methods=["GET", "POST"])
def new():
    if not services.may_organise(current_user):
        abort(403)
    return _edit(None)


@bp.route(f"/<{ID}:session_id>/ubah", methods=["GET", "POST"])
def edit(session_id: int):
    session = _managed(session_id)
    if session.closed_at is not None or session.cancelled_at is not None:
        flash(_("This session can no longer be changed."), "warning")
        return redirect(url_for("socialisation.detail", session_id=session.id))
    return _edit(session)


@bp.route(f"/<{ID}:session_id>/batalkan", methods=["POST"])
def cancel(session_id: int):
    session = _managed(session_id)
    return _run(session, lambda: services.cancel(session, actor=current_user), _("The session has been cancelled."))


# --- the session page ----------------------------------------------------------------------------

@bp.route(f"/<{ID}:session_id>")
def detail(session_id: int, status: int = 200, **forms):
    session = _load(session_id)
    manager = services.can_manage(current_user, session)
    secretary_opd = services.secretary_opd(current_user, session)
    scope = None if manager else secretary_opd
    rows = services.participants(session, scope) if (manager or secretary_opd) else []
    mine = services.own_participation(current_user, session)
    return render_template(
        "socialisation/detail.html", session=session, manager=manager, secretary_opd=secretary_opd, rows=rows,
        counts=services.counts(rows), phase=services.phase(session), mine=mine,
        my_certificate=certificates.for_participant(mine) if mine else None,
        certificate_count=len(bulk.session_certificates(session.id)) if manager else 0,
        devices=services.shared_devices(session) if manager else [],
        nips_form=forms.get("nips_form") or NipsForm(formdata=None),
        walk_in_form=forms.get("walk_in_form") or WalkInForm(formdata=None),
        photo_form=forms.get("photo_form") or PhotoForm(formdata=None),
        statuses=list(AttendanceStatus), Source=Source), status


def _run(session: SocialisationSession, action, success: str, **forms):
    try:
        action()
    except (services.SessionError, UploadError) as exc:
        db.session.rollback()
        form = next(iter(forms.values()), None)
        if form is not None:
            field = getattr(form, getattr(exc, "field", None) or "", None) or list(form)[0]
            field.errors.append(exc.message)
        else:
            flash(exc.message, "danger")
        return detail(session.id, status=400, **forms)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("socialisation.detail", session_id=session.id))


@bp.route(f"/<{ID}:session_id>/peserta", methods=["POST"])
def add_participants(session_id: int):
    session = _load(session_id)
    manager = services.can_manage(current_user, session)
    opd_id = None if manager else services.secretary_opd(current_user, session)
    if not manager and opd_id is None:
        abort(403)
    form = NipsForm()
    if not form.validate_on_submit():
        return detail(session.id, status=400, nips_form=form)
    source = Source.INVITED if manager else Source.NOMINATED
    return _run(session, lambda: services.add_participants(session, form.nips.data, actor=current_user,
                                                           source=source, only_opd_id=opd_id),
                _("The list has been updated."), nips_form=form)


def _participant(session: SocialisationSession, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.session_id != session.id:
        abort(404)
    return participant


@bp.route(f"/<{ID}:session_id>/peserta/<{ID}:participant_id>/hapus", methods=["POST"])
def remove_participant(session_id: int, participant_id: int):
    session = _load(session_id)
    participant = _participant(session, participant_id)
    if not services.can_remove(current_user, session, participant):
        abort(403)
    return _run(session, lambda: services.remove_participant(session, participant, actor=current_user),
                _("Taken off the list."))


@bp.route(f"/<{ID}:session_id>/peserta/<{ID}:participant_id>/kehadiran", methods=["POST"])
def mark(session_id: int, participant_id: int):
    session = _managed(session_id)
    participant = _participant(session, participant_id)
    form = MarkForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid attendance status."), "danger")
        return redirect(url_for("socialisation.detail", session_id=session.id))
    return _run(session, lambda: services.mark(session, participant, AttendanceStatus(form.status.data),
                                               actor=current_user),
                _("%(name)s: %(status)s.", name=participant.employee.name,
                  status=AttendanceStatus(form.status.data).label))


@bp.route(f"/<{ID}:session_id>/walk-in", methods=["POST"])
def walk_in(session_id: int):
    session = _managed(session_id)
    form = WalkInForm()
    if not form.validate_on_submit():
        return detail(session.id, status=400, walk_in_form=form)
    return _run(session, lambda: services.walk_in(session, form.nip.data, actor=current_user),
                _("The walk-in has been registered."), walk_in_form=form)


@bp.route(f"/<{ID}:session_id>/tutup", methods=["GET", "POST"])
def close(session_id: int):
    """GET asks first (closing issues certificates and cannot be undone; no JavaScript needed),
    POST closes."""
    session = _managed(session_id)
    if request.method == "GET":
        if services.phase(session) not in ("running", "ended"):
            return redirect(url_for("socialisation.detail", session_id=session.id))
        return render_template("socialisation/close.html", session=session, preview=services.close_preview(session))
    return _run(session, lambda: services.close(session, actor=current_user),
                _("The attendance list is closed; the certificates of those who attended are issued."))


# --- the QR screen -------------------------------------------------------------------------------

def _qr_payload(session: SocialisationSession) -> dict:
    window = checkin.current_window()
    token = checkin.make_token(session.id, window)
    url = absolute_url("checkin.scan", token=token)
    svg = segno.make(url, error="m").svg_inline(scale=10, border=2, dark="#000", light="#fff", omitsize=True)
    return {"url": url, "code": checkin.make_code(session.id, window), "svg": svg,
            "seconds": checkin.seconds_left()}


@bp.route(f"/<{ID}:session_id>/qr")
def qr(session_id: int):
    session = _managed(session_id)
    payload = _qr_payload(session)
    return render_template("socialisation/qr.html", session=session, payload=payload, svg=Markup(payload["svg"]),
                           phase=services.phase(session), opens_at=checkin.opens_at(session), now_utc=utcnow(),
                           checked_in=services.attended_count(session))


@bp.route(f"/<{ID}:session_id>/qr.json")
def qr_json(session_id: int):
    session = _managed(session_id)
    payload = _qr_payload(session)
    payload["checked_in"] = services.attended_count(session)
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- minutes, photos, documents ------------------------------------------------------------------

@bp.route(f"/<{ID}:session_id>/notula", methods=["GET", "POST"])
def minutes(session_id: int):
    session = _managed(session_id)
    form = MinutesForm(data={"minutes": session.minutes})
    if form.validate_on_submit():
        records.save_minutes(session, form.minutes.data or "", actor=current_user)
        db.session.commit()
        flash(_("The minutes have been saved."), "success")
        return redirect(url_for("socialisation.detail", session_id=session.id))
    return render_template("socialisation/minutes.html", session=session, form=form), 400 if form.errors else 200


@bp.route(f"/<{ID}:session_id>/foto", methods=["POST"])
def add_photo(session_id: int):
    session = _managed(session_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        return detail(session.id, status=400, photo_form=form)
    upload = form.photo.data
    if not upload or not upload.filename:
        form.photo.errors.append(_("Choose a photo."))
        return detail(session.id, status=400, photo_form=form)
    return _run(session, lambda: records.add_photo(session, upload.read(), upload.filename, form.caption.data,
                                                    actor=current_user),
                _("The photo has been added."), photo_form=form)


def _photo(session: SocialisationSession, photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.session_id != session.id:
        abort(404)
    return photo


@bp.route(f"/<{ID}:session_id>/foto/<{ID}:photo_id>")
def photo(session_id: int, photo_id: int):
    session = _load(session_id)
    if not services.can_see_records(current_user, session):
        abort(403)
    item = _photo(session, photo_id)
    response = downloads.uploaded_file(storage.read(records.PHOTO_AREA, item.storage_key), media_type=item.media_type,
                                       as_attachment=False)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route(f"/<{ID}:session_id>/foto/<{ID}:photo_id>/hapus", methods=["POST"])
def delete_photo(session_id: int, photo_id: int):
    session = _managed(session_id)
    if db.session.get(Photo, photo_id) is None:  # a second click on "delete"
        flash(_("The photo had already been deleted."), "info")
        return redirect(url_for("socialisation.detail", session_id=session.id))
    key = records.delete_photo(_photo(session, photo_id), actor=current_user)
    db.session.commit()
    storage.delete(records.PHOTO_AREA, key)
    flash(_("The photo has been deleted."), "success")
    return redirect(url_for("socialisation.detail", session_id=session.id))


def _document_scope(session: SocialisationSession) -> tuple[int | None, str | None]:
    """Organisers get the whole list; a secretary gets their own OPD's part, whatever the URL says."""
    if services.can_manage(current_user, session):
        return None, None
    opd_id = services.secretary_opd(current_user, session)
    if opd_id is None:
        abort(403)
    return opd_id, db.session.get(Opd, opd_id).name


def _pdf(body: bytes, name: str) -> Response:
    filename = f"{name}-{request.view_args['session_id']}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route(f"/<{ID}:session_id>/undangan.pdf")
def invitation_pdf(session_id: int):
    session = _load(session_id)
    _document_scope(session)
    body = documents.invitation_pdf(session)
    db.session.commit()  # the letter's number, given the first time it is made
    return _pdf(body, "undangan")


@bp.route(f"/<{ID}:session_id>/daftar-hadir.pdf")
def attendance_pdf(session_id: int):
    session = _load(session_id)
    opd_id, opd_name = _document_scope(session)
    return _pdf(documents.attendance_pdf(session, services.participants(session, opd_id), opd_name), "daftar-hadir")


@bp.route(f"/<{ID}:session_id>/notula.pdf")
def minutes_pdf(session_id: int):
    session = _load(session_id)
    _document_scope(session)
    if not session.minutes:
        abort(404)
    return _pdf(documents.minutes_pdf(session), "notula")


@bp.route(f"/<{ID}:session_id>/bukti-dukung")
def evidence_pack(session_id: int):
    """The ZIP for one OPD: organisers pick it with ?opd=, a secretary always gets their own."""
    session = _load(session_id)
    opd_id, opd_name = _document_scope(session)
    if opd_id is None:
        opd = db.session.get(Opd, int_arg("opd"))
        if opd is None:
            flash(_("Choose the OPD whose evidence pack you want."), "warning")
            return redirect(url_for("socialisation.detail", session_id=session.id))
        opd_id, opd_name = opd.id, opd.name
    opd = db.session.get(Opd, opd_id)
    body = documents.evidence_pack(session, opd_id, opd_name)
    db.session.commit()  # the invitation inside may have just been given its number
    return Response(body, mimetype="application/zip", headers={
        "Content-Disposition": f"attachment; filename=bukti-dukung-{session.id}-{opd.code.lower()}.zip"})
