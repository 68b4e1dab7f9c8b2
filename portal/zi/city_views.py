"""The Inspectorate's pages over every Zona Integritas unit of a year: the city view of readiness
and the year's timeline (read by the units' secretaries too, who work to its dates)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from portal.core.clock import today, utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.web.forms import ActionForm, PortalForm, max_len
from portal.web.params import int_arg
from portal.web.permissions import guard, role_required
from portal.zi import city, lke, timeline
from portal.zi.models import Milestone

bp = Blueprint("zi_city", __name__, url_prefix="/zona-integritas")
bp.before_request(guard(Role.COI_REVIEWER, Role.ADMIN, Role.SECRETARY))


class MilestoneForm(PortalForm):
    label = StringField(_l("What is due"), validators=[
        DataRequired(message=_l("Say what is due.")), max_len(timeline.MAX_LABEL)],
        description=_l("For example: units proposed through PMPZI, LKE filled in, internal assessment finished."))
    due_on = DateField(_l("Due date"), validators=[InputRequired(message=_l("Choose the due date."))])
    source = StringField(_l("Set by (letter)"), validators=[
        DataRequired(message=_l("Name the letter that set this date: the dates change every year.")),
        max_len(timeline.MAX_SOURCE)],
        description=_l("The number and date of that year's KemenPANRB letter."))
    submit = SubmitField(_l("Save the date"))


def _year() -> int:
    return int_arg("tahun", today().year, low=timeline.FIRST_YEAR, high=timeline.LAST_YEAR)


def _fields(form: MilestoneForm) -> timeline.Fields:
    return timeline.Fields(label=form.label.data or "", due_on=form.due_on.data, source=form.source.data or "")


def _load(milestone_id: int) -> Milestone:
    if not timeline.can_edit(current_user):
        abort(403)
    return db.get_or_404(Milestone, milestone_id)


@bp.route("/jadwal")
def timeline_page():
    year = _year()
    return render_template("zi/timeline.html", year=year, milestones=timeline.for_year(year), on=today(),
                           can_edit=timeline.can_edit(current_user), action_form=ActionForm())


def _form_page(form: MilestoneForm, year: int, milestone: Milestone | None):
    return render_template("zi/milestone_form.html", form=form, year=year, milestone=milestone,
                           back=url_for("zi_city.timeline_page", tahun=year)), 400 if form.errors else 200


def _save(form: MilestoneForm, year: int, milestone: Milestone | None):
    if form.validate_on_submit():
        try:
            if milestone is None:
                timeline.add(year, _fields(form), actor=current_user)
            else:
                timeline.update(milestone, _fields(form), actor=current_user)
        except timeline.TimelineError as exc:
            db.session.rollback()
            getattr(form, exc.field or "label").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The date has been saved."), "success")
            return redirect(url_for("zi_city.timeline_page", tahun=year))
    return _form_page(form, year, milestone)


@bp.route("/jadwal/baru", methods=["GET", "POST"])
@role_required(Role.COI_REVIEWER)
def milestone_new():
    return _save(MilestoneForm(), _year(), None)


@bp.route("/jadwal/<int(max=2147483647):milestone_id>/ubah", methods=["GET", "POST"])
def milestone_edit(milestone_id: int):
    milestone = _load(milestone_id)
    form = MilestoneForm()
    if request.method == "GET":
        form.label.data, form.due_on.data, form.source.data = milestone.label, milestone.due_on, milestone.source
    return _save(form, milestone.year, milestone)


def _act(milestone_id: int, change, done_message: str):
    milestone = _load(milestone_id)
    year = milestone.year
    if ActionForm().validate_on_submit():
        try:
            change(milestone)
        except timeline.TimelineError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        else:
            db.session.commit()
            flash(done_message, "success")
    return redirect(url_for("zi_city.timeline_page", tahun=year))


@bp.route("/jadwal/<int(max=2147483647):milestone_id>/selesai", methods=["POST"])
def milestone_done(milestone_id: int):
    return _act(milestone_id, lambda m: timeline.mark_done(m, actor=current_user), _("Marked done."))


@bp.route("/jadwal/<int(max=2147483647):milestone_id>/buka-kembali", methods=["POST"])
def milestone_reopen(milestone_id: int):
    return _act(milestone_id, lambda m: timeline.reopen(m, actor=current_user), _("The date is open again."))


# Registered last: a sweep over every route (the access matrix) deletes the sample only at the end.
@bp.route("/jadwal/<int(max=2147483647):milestone_id>/hapus", methods=["POST"])
def milestone_delete(milestone_id: int):
    return _act(milestone_id, lambda m: timeline.delete(m, actor=current_user), _("The date has been deleted."))


@bp.route("/kota")
@role_required(Role.COI_REVIEWER, Role.ADMIN)
def city_view():
    year = _year()
    version = lke.version_for(year)
    units = city.readiness(version, today(), utcnow()) if version else []
    unit_pages = "zi.unit" in current_app.view_functions  # the unit pages may not be installed yet
    return render_template("zi/city.html", year=year, version=version, units=units, unit_pages=unit_pages)
