"""Zona Integritas working pages: the units of a year, a unit's LKE with both answer sets and
their scores, and an item with its answers, the evidence the portal gathers and what the unit
added. The unit's secretary answers and adds evidence; the Inspectorate assesses."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core import storage
from portal.core.roles import Role
from portal.extensions import db
from portal.followup import services as followup
from portal.org.services import list_opds
from portal.web import downloads
from portal.web.forms import ActionForm
from portal.web.params import int_arg
from portal.web.permissions import guard, has_role, own_opd_id
from portal.zi import evidence, lke, permissions, recommendations, services
from portal.zi.forms import AnswerForm, AssessForm, EvidenceForm, ProposeForm, ReopenForm
from portal.zi.models import ItemEvidence, LkeVersion, Unit, UnitStatus
from portal.zi.presenting import answer_label, choice_labels, summaries, unit_overview

bp = Blueprint("zi", __name__, url_prefix="/zona-integritas")
# Logged in; the list is for the roles below, a unit answers 404 to whoever may not see it.
bp.before_request(guard())

ID = "int(max=2147483647)"


def _unit(unit_id: int, *, self_assess: bool = False, assessor: bool = False) -> Unit:
    """A unit the account may see (404 otherwise), and may act on as asked (403 otherwise). The
    assessor's steps are refused by role first: they never depend on which unit is named."""
    if assessor and not permissions.is_assessor(current_user):
        abort(403)
    unit = db.get_or_404(Unit, unit_id)
    if not permissions.can_see(current_user, unit):
        abort(404)
    if self_assess and not permissions.can_self_assess(current_user, unit):
        abort(403)
    return unit


def _item(unit: Unit, item_id: int):
    item = services.item_of(unit, item_id)
    if item is None:
        abort(404)
    return item


def _fail(form, exc: services.ZiError, default: str) -> None:
    db.session.rollback()
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, exc.message]


# --- the units of a year ----------------------------------------------------------------------

def _index(version: LkeVersion | None, year: int, form: ProposeForm | None = None, status: int = 200):
    units = []
    if version is not None:
        scope = None if permissions.sees_all(current_user) else (own_opd_id(current_user) or -1)
        units = services.units_of(version, scope)
    if version is not None and permissions.is_assessor(current_user):
        form = form or ProposeForm()
        taken = {u.opd_id for u in services.units_of(version)}
        form.opd_id.choices = [SelectChoice(o.id, o.name) for o in list_opds()
                               if o.active and o.id not in taken]
    else:
        form = None
    years = [v.year for v in db.session.scalars(db.select(LkeVersion).order_by(LkeVersion.year.desc()))]
    return render_template("zi/index.html", version=version, year=year, years=years, form=form,
                           sees_all=permissions.sees_all(current_user),
                           rows=summaries(version, units) if version else []), status


def _year() -> tuple[LkeVersion | None, int]:
    latest = lke.latest_version()
    year = int_arg("tahun", latest.year if latest else 0, low=2000, high=2100)
    return (lke.version_for(year) if year else None), year


@bp.route("/")
def index():
    if not has_role(current_user, Role.SECRETARY, Role.COI_REVIEWER, Role.ADMIN):
        abort(403)
    return _index(*_year())


@bp.route("/usulkan", methods=["POST"])
def propose():
    if not permissions.is_assessor(current_user):
        abort(403)
    version, year = _year()
    if version is None:
        abort(404)
    form = ProposeForm()
    form.opd_id.choices = [SelectChoice(o.id, o.name) for o in list_opds()]
    if form.validate_on_submit():
        try:
            unit = services.propose(version, form.opd_id.data, form.target.data, current_user)
        except services.ZiError as exc:
            _fail(form, exc, "opd_id")
        else:
            db.session.commit()
            flash(_("%(opd)s has been proposed.", opd=unit.opd.name), "success")
            return redirect(url_for("zi.index", tahun=year))
    return _index(version, year, form, 400)


# --- a unit -----------------------------------------------------------------------------------

def _unit_page(unit: Unit, *, reopen_form: ReopenForm | None = None, status: int = 200):
    overview = unit_overview(unit)
    return render_template(
        "zi/unit.html", unit=unit, **overview, action_form=ActionForm(), reopen_form=reopen_form or ReopenForm(),
        can_self=permissions.can_self_assess(current_user, unit), assessor=permissions.is_assessor(current_user),
        reopened=services.last_reopen_reason(unit),
        followup_panel=followup.panel(recommendations.KIND, str(unit.id), unit.version.year, current_user)), status


@bp.route(f"/unit/<{ID}:unit_id>")
def unit(unit_id: int):
    return _unit_page(_unit(unit_id))


def _act(unit: Unit, action, done: str):
    if ActionForm().validate_on_submit():
        try:
            action(unit, current_user)
        except services.ZiError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for("zi.unit", unit_id=unit.id))


@bp.route(f"/unit/<{ID}:unit_id>/kirim", methods=["POST"])
def submit(unit_id: int):
    return _act(_unit(unit_id, self_assess=True), services.submit,
                _("The self-assessment has been submitted to the Inspectorate."))


@bp.route(f"/unit/<{ID}:unit_id>/selesai", methods=["POST"])
def finish(unit_id: int):
    return _act(_unit(unit_id, assessor=True), services.finish, _("The internal assessment has been completed."))


@bp.route(f"/unit/<{ID}:unit_id>/kembalikan", methods=["POST"])
def reopen(unit_id: int):
    unit = _unit(unit_id, assessor=True)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            services.reopen(unit, form.reason.data, current_user)
        except services.ZiError as exc:
            _fail(form, exc, "reason")
        else:
            db.session.commit()
            flash(_("The self-assessment has been sent back to the unit."), "success")
            return redirect(url_for("zi.unit", unit_id=unit.id))
    return _unit_page(unit, reopen_form=form, status=400)


@bp.route(f"/unit/<{ID}:unit_id>/tarik", methods=["POST"])
def withdraw(unit_id: int):
    unit = _unit(unit_id, assessor=True)
    year = unit.version.year
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(unit, current_user)
        except services.ZiError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
            return redirect(url_for("zi.unit", unit_id=unit_id))
        db.session.commit()
        flash(_("The proposal has been withdrawn."), "success")
    return redirect(url_for("zi.index", tahun=year))


# --- an item ----------------------------------------------------------------------------------

def _item_page(unit: Unit, item, *, answer_form=None, assess_form=None, evidence_form=None, status: int = 200):
    answers = services.answers_of(unit)
    answer = answers.get(item.id)
    can_self = permissions.can_self_assess(current_user, unit) and services.may_edit(unit)
    assessor = permissions.is_assessor(current_user) and unit.status == UnitStatus.SUBMITTED
    if answer_form is None and can_self:
        answer_form = AnswerForm(formdata=None, value=answer.self_value if answer else "",
                                 note=answer.self_note if answer else "")
    if assess_form is None and assessor:
        assess_form = AssessForm(formdata=None, prefix="a", value=answer.assessor_value if answer else "",
                                 comment=answer.assessor_comment if answer else "")
    if evidence_form is None and can_self:
        evidence_form = EvidenceForm(formdata=None, prefix="e")
    # A form posted after the unit's status changed is not shown again: its refusal is, at the top.
    refused = [f for f, shown in ((answer_form, can_self), (assess_form, assessor), (evidence_form, can_self))
               if f is not None and not shown and f.errors]
    self_value = answer.self_value if answer else ""
    assessor_value = answer.assessor_value if answer else ""
    order = lke.items_of(unit.version)  # the neighbours, to go through the LKE item by item
    at = [i.id for i in order].index(item.id)
    return render_template(
        "zi/item.html", unit=unit, item=item, answer=answer, choices=choice_labels(item),
        self_label=answer_label(item, self_value), assessor_label=answer_label(item, assessor_value),
        differs=bool(self_value and assessor_value and self_value != assessor_value),
        gathered=evidence.gather(item.provider_keys, unit.opd_id, unit.version.year),
        added=services.evidence_of(unit, item), action_form=ActionForm(), refused=refused,
        answer_form=answer_form if can_self else None, assess_form=assess_form if assessor else None,
        evidence_form=evidence_form if can_self else None,
        previous=order[at - 1] if at else None, following=order[at + 1] if at + 1 < len(order) else None), status


@bp.route(f"/unit/<{ID}:unit_id>/butir/<{ID}:item_id>")
def item(unit_id: int, item_id: int):
    unit = _unit(unit_id)
    return _item_page(unit, _item(unit, item_id))


@bp.route(f"/unit/<{ID}:unit_id>/butir/<{ID}:item_id>/jawaban", methods=["POST"])
def answer(unit_id: int, item_id: int):
    unit = _unit(unit_id, self_assess=True)
    item = _item(unit, item_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_self(unit, item, form.value.data, form.note.data, current_user)
        except services.ZiError as exc:
            _fail(form, exc, "value")
        else:
            db.session.commit()
            flash(_("The answer has been saved."), "success")
            return redirect(url_for("zi.item", unit_id=unit.id, item_id=item.id))
    return _item_page(unit, item, answer_form=form, status=400)


@bp.route(f"/unit/<{ID}:unit_id>/butir/<{ID}:item_id>/penilaian", methods=["POST"])
def assess(unit_id: int, item_id: int):
    unit = _unit(unit_id, assessor=True)
    item = _item(unit, item_id)
    form = AssessForm(prefix="a")
    if form.validate_on_submit():
        try:
            services.assess(unit, item, form.value.data, form.comment.data, current_user)
        except services.ZiError as exc:
            _fail(form, exc, "value")
        else:
            db.session.commit()
            flash(_("The assessment has been saved."), "success")
            return redirect(url_for("zi.item", unit_id=unit.id, item_id=item.id))
    return _item_page(unit, item, assess_form=form, status=400)


@bp.route(f"/unit/<{ID}:unit_id>/butir/<{ID}:item_id>/bukti", methods=["POST"])
def add_evidence(unit_id: int, item_id: int):
    unit = _unit(unit_id, self_assess=True)
    item = _item(unit, item_id)
    form = EvidenceForm(prefix="e")
    if form.validate_on_submit():
        upload = form.file.data
        data = (upload.filename or "", upload.read()) if upload and getattr(upload, "filename", "") else None
        try:
            services.add_evidence(unit, item, form.kind.data, form.title.data, upload=data, url=form.url.data,
                                  note=form.note.data, actor=current_user)
        except services.ZiError as exc:
            _fail(form, exc, "title")
        else:
            db.session.commit()
            flash(_("The evidence has been added."), "success")
            return redirect(url_for("zi.item", unit_id=unit.id, item_id=item.id))
    return _item_page(unit, item, evidence_form=form, status=400)


def _evidence(unit: Unit, ev_id: int) -> ItemEvidence | None:
    ev = db.session.get(ItemEvidence, ev_id)
    return ev if ev is not None and ev.unit_id == unit.id else None


# Registered before the removal: the access-matrix walk downloads the sample file before removing it.
@bp.route(f"/unit/<{ID}:unit_id>/bukti/<{ID}:ev_id>")
def evidence_file(unit_id: int, ev_id: int):
    ev = _evidence(_unit(unit_id), ev_id)
    data = services.read_evidence(ev) if ev is not None else None
    if ev is None or data is None:
        abort(404)
    return downloads.uploaded_file(data, media_type=ev.media_type or "application/octet-stream",
                                   filename=ev.filename or "bukti")


@bp.route(f"/unit/<{ID}:unit_id>/bukti/<{ID}:ev_id>/hapus", methods=["POST"])
def remove_evidence(unit_id: int, ev_id: int):
    unit = _unit(unit_id, self_assess=True)
    ev = _evidence(unit, ev_id)
    if ev is None:  # a second click on "remove"
        flash(_("The evidence had already been removed."), "info")
        return redirect(url_for("zi.unit", unit_id=unit.id))
    item_id = ev.item_id
    if ActionForm().validate_on_submit():
        try:
            key = services.remove_evidence(ev, unit, current_user)
        except services.ZiError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        else:
            db.session.commit()
            if key:
                storage.delete(services.AREA, key)
            flash(_("The evidence has been removed."), "success")
    return redirect(url_for("zi.item", unit_id=unit.id, item_id=item_id))
