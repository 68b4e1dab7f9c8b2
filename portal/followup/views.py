"""Follow-up of recommendations: the list of everyone involved, the managers' form, the
responsible OPD's report that it is done, and its evidence."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.clock import today
from portal.extensions import db
from portal.followup import services, sources
from portal.followup.forms import CompletionForm, RecommendationForm
from portal.followup.models import Recommendation
from portal.org.services import list_opds
from portal.web import downloads
from portal.web.forms import ActionForm
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard

bp = Blueprint("followup", __name__, url_prefix="/tindak-lanjut")
bp.before_request(guard())


def _load(rec_id: int, *, manage: bool = False) -> Recommendation:
    rec = db.get_or_404(Recommendation, rec_id)
    if not services.can_see(current_user, rec):
        abort(404)
    if manage and not services.can_manage(current_user, rec.source_kind):
        abort(403)
    return rec


def _opd_choices(form: RecommendationForm, current: int | None = None) -> None:
    form.opd_id.choices = [(o.id, o.name) for o in list_opds() if o.active or o.id == current]


def _fields(form: RecommendationForm) -> services.Fields:
    return services.Fields(text=form.text.data or "", opd_id=form.opd_id.data or 0,
                           owner_login=form.owner_login.data or "", due_on=form.due_on.data)


@bp.route("/")
def index():
    status = request.args.get("status", "", type=str)[:16]
    status = status if status in services.STATUS_FILTERS else ""
    year = int_arg("tahun", 0, low=2019, high=today().year + 5)
    page = paginate(services.visible(current_user, status=status, year=year or None), 50)
    return render_template("followup/index.html", page=page, status=status, year=year or "", on=today(),
                           sources=sources.all_sources(), owner_label=services.owner_label)


@bp.route("/evaluasi/<kind>/<key>/<int(max=2100):year>/baru", methods=["GET", "POST"])
def new(kind: str, key: str, year: int):
    source = sources.get(kind)
    if not services.can_manage(current_user, kind):
        abort(403)
    described = source.describe(key)
    if described is None:
        abort(404)
    form = RecommendationForm()
    _opd_choices(form)
    if request.method == "GET":
        form.opd_id.data = source.default_opd(key)
    if form.validate_on_submit():
        try:
            services.add(kind, key, year, _fields(form), actor=current_user)
        except services.FollowupError as exc:
            db.session.rollback()
            getattr(form, exc.field or "text").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The recommendation has been added."), "success")
            return redirect(source.page(key, year))
    return render_template("followup/form.html", form=form, rec=None, source=source, described=described,
                           year=year, back=source.page(key, year)), 400 if form.errors else 200


@bp.route("/<int(max=2147483647):rec_id>/ubah", methods=["GET", "POST"])
def edit(rec_id: int):
    rec = _load(rec_id, manage=True)
    source = sources.get(rec.source_kind)
    form = RecommendationForm()
    _opd_choices(form, rec.opd_id)
    if request.method == "GET":
        form.text.data, form.opd_id.data, form.due_on.data = rec.text, rec.opd_id, rec.due_on
        form.owner_login.data = rec.owner.login_name if rec.owner else ""
    if form.validate_on_submit():
        try:
            services.update(rec, _fields(form), actor=current_user)
        except services.FollowupError as exc:
            db.session.rollback()
            getattr(form, exc.field or "text").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The recommendation has been saved."), "success")
            return redirect(url_for("followup.detail", rec_id=rec.id))
    return render_template("followup/form.html", form=form, rec=rec, source=source,
                           described=source.describe(rec.source_key), year=rec.year,
                           back=url_for("followup.detail", rec_id=rec.id)), 400 if form.errors else 200


def _detail(rec: Recommendation, *, form: CompletionForm | None = None, status: int = 200):
    source = sources.get(rec.source_kind)
    manager = services.can_manage(current_user, rec.source_kind)
    return render_template("followup/detail.html", rec=rec, source=source, form=form or CompletionForm(),
                           described=source.describe(rec.source_key) if source else rec.source_key,
                           evaluation_url=source.page(rec.source_key, rec.year) if source and manager else None,
                           manager=manager, action_form=ActionForm(), overdue=rec.overdue_on(today()),
                           owner=services.owner_label(rec)), status


@bp.route("/<int(max=2147483647):rec_id>")
def detail(rec_id: int):
    return _detail(_load(rec_id))


@bp.route("/<int(max=2147483647):rec_id>/selesai", methods=["POST"])
def complete(rec_id: int):
    rec = _load(rec_id)
    form = CompletionForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        evidence = (upload.filename or "", upload.read()) if upload and getattr(upload, "filename", "") else None
        try:
            services.complete(rec, note=form.note.data, evidence=evidence, actor=current_user)
        except services.FollowupError as exc:
            db.session.rollback()
            getattr(form, exc.field or "note").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The follow-up has been reported as done."), "success")
            return redirect(url_for("followup.detail", rec_id=rec.id))
    return _detail(rec, form=form, status=400)


@bp.route("/<int(max=2147483647):rec_id>/buka-kembali", methods=["POST"])
def reopen(rec_id: int):
    rec = _load(rec_id, manage=True)
    if ActionForm().validate_on_submit():
        try:
            services.reopen(rec, actor=current_user)
        except services.FollowupError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        else:
            db.session.commit()
            flash(_("The recommendation is open again."), "success")
    return redirect(url_for("followup.detail", rec_id=rec.id))


@bp.route("/<int(max=2147483647):rec_id>/bukti")
def evidence(rec_id: int):
    rec = _load(rec_id)
    data = services.evidence(rec)
    if data is None:
        abort(404)
    return downloads.uploaded_file(data, media_type=rec.evidence_type or "application/octet-stream",
                                   filename=rec.evidence_name or "bukti")
