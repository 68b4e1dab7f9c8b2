"""The Inspectorate's oversight (all OPDs), the lists and settings, the register and the
yearly evaluation; the secretary's coverage page (who has filed, never what)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.coi import exports, lists, queries, recommendations, services
from portal.coi.forms import CoiSettingsForm, ListItemForm, NoteForm
from portal.coi.models import Declaration, ListItem, ListKind, Status
from portal.core import audit, settings
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.followup import services as followup
from portal.home.services import article
from portal.org.models import Opd
from portal.org.services import list_opds
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard, has_role, own_opd_id, role_required

bp = Blueprint("coi_oversight", __name__, url_prefix="/benturan-kepentingan/pengawasan")
bp.before_request(guard(Role.COI_REVIEWER, Role.ADMIN, Role.SECRETARY))
reviewer = role_required(Role.COI_REVIEWER)
lists_editor = role_required(Role.COI_REVIEWER, Role.ADMIN)


def _year() -> int:
    return int_arg("tahun", today().year, low=2019, high=today().year + 1)


@bp.route("/")
@reviewer
def index():
    opd_id = int_arg("opd")
    status = request.args.get("status", "", type=str)[:16]
    year = int_arg("tahun")
    page = paginate(queries.oversight(opd_id=opd_id, status=status, year=year), 50)
    return render_template("coi/oversight.html", page=page, opds=list_opds(), statuses=list(Status), opd_id=opd_id,
                           status=status, year=year, overdue=services.overdue)


def _declaration_action(declaration_id: int, action, success: str):
    from portal.coi.views import detail

    declaration = db.get_or_404(Declaration, declaration_id)
    if request.method == "GET":  # the failed form's address reopened: back to the declaration
        return redirect(url_for("coi.detail", declaration_id=declaration.id))
    form = NoteForm()
    if form.validate_on_submit():
        try:
            action(declaration, form.body.data)
        except services.CoiError as exc:
            db.session.rollback()
            form.body.errors.append(exc.message)
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("coi.detail", declaration_id=declaration.id))
    return detail(declaration.id, note_form=form, status=400)


@bp.route("/<int(max=2147483647):declaration_id>/komentar", methods=["GET", "POST"])
@reviewer
def comment(declaration_id: int):
    return _declaration_action(declaration_id, lambda d, body: services.add_comment(d, body=body, actor=current_user),
                               _("The comment has been added."))


@bp.route("/<int(max=2147483647):declaration_id>/ambil-alih", methods=["GET", "POST"])
@reviewer
def take_over(declaration_id: int):
    return _declaration_action(declaration_id, lambda d, body: services.take_over(d, reason=body, actor=current_user),
                               _("The Inspectorate now decides this declaration."))


def _opd_for_view() -> Opd:
    """A secretary sees their own OPD whatever the URL says; the Inspectorate chooses one."""
    if has_role(current_user, Role.COI_REVIEWER, Role.ADMIN):
        chosen = int_arg("opd") or own_opd_id(current_user)
        opd = db.session.get(Opd, chosen) if chosen else None
        return opd or db.first_or_404(db.select(Opd).order_by(Opd.name))
    if own_opd_id(current_user) is None:
        abort(403)
    return db.session.get(Opd, own_opd_id(current_user))


@bp.route("/cakupan")
def coverage():
    opd, year = _opd_for_view(), _year()
    rows = queries.coverage(opd.id, year)
    return render_template("coi/coverage.html", opd=opd, year=year, rows=rows, opds=list_opds(),
                           filed=sum(1 for r in rows if r.status is not None))


@bp.route("/register")
@reviewer
def register():
    opd, year = _opd_for_view(), _year()
    return render_template("coi/register.html", opd=opd, year=year, rows=queries.register(opd.id, year),
                           opds=list_opds(), locale=str(get_locale()))


@bp.route("/evaluasi")
@reviewer
def evaluation():
    opd, year = _opd_for_view(), _year()
    ev = queries.evaluation(opd.id, year, str(get_locale()), today())
    return render_template("coi/evaluation.html", opd=opd, year=year, ev=ev, opds=list_opds(),
                           followup_panel=followup.panel(recommendations.KIND, str(opd.id), year, current_user))


@bp.route("/evaluasi.<any(pdf, xlsx):fmt>")
@reviewer
def evaluation_file(fmt: str):
    opd, year = _opd_for_view(), _year()
    audit.record("coi.evaluation_exported", opd, actor=current_user, data={"year": year, "format": fmt})
    if fmt == "pdf":
        body, mimetype = exports.evaluation_pdf(opd, year, on=today(), actor=current_user), "application/pdf"
    else:
        locale = str(get_locale())
        body = exports.evaluation_xlsx(queries.evaluation(opd.id, year, locale, today()), opd.name, locale)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    db.session.commit()  # the export's audit event, and the letter's number the first time it is made
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=evaluasi-bk-{opd.code.lower()}-{year}.{fmt}"})


@bp.route("/evaluasi/kota")
@reviewer
def city_evaluation():
    year = _year()
    city = queries.city_evaluation(year, str(get_locale()), today())
    return render_template("coi/city_evaluation.html", year=year, city=city, head_office=settings.head_office(),
                           followup_panel=followup.panel(recommendations.KIND, recommendations.CITY, year,
                                                         current_user))


@bp.route("/evaluasi/kota.<any(pdf, xlsx):fmt>")
@reviewer
def city_evaluation_file(fmt: str):
    year = _year()
    audit.record("coi.evaluation_exported", object_type="coi_evaluation", object_id=recommendations.CITY,
                 actor=current_user, data={"year": year, "format": fmt, "scope": recommendations.CITY})
    if fmt == "pdf":
        body, mimetype = exports.city_evaluation_pdf(year, on=today(), actor=current_user), "application/pdf"
    else:
        locale = str(get_locale())
        body = exports.city_evaluation_xlsx(queries.city_evaluation(year, locale, today()), locale,
                                            settings.government_name(), today())
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    db.session.commit()  # the export's audit event, and the letter's number the first time it is made
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=evaluasi-bk-kota-{year}.{fmt}"})


@bp.route("/daftar", methods=["GET", "POST"])
@lists_editor
def list_index():
    form = CoiSettingsForm(data={"decision_days": services.config()["coi.decision_days"],
                                 "reminder_days": services.config()["coi.reminder_days"]})
    if form.validate_on_submit():
        settings.save({"coi.decision_days": form.decision_days.data, "coi.reminder_days": form.reminder_days.data},
                      actor=current_user, action="coi.settings_changed")
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("coi_oversight.list_index"))
    return render_template("coi/lists.html", kinds=list(ListKind), items={k: lists.items(k) for k in ListKind},
                           form=form, today=today(), types_article=article("coi-types"),
                           deadline_article=article("coi-decision-deadline"))


@bp.route("/daftar/<any(type, source, decision):kind>/baru", methods=["GET", "POST"])
@bp.route("/daftar/entri/<int(max=2147483647):item_id>", methods=["GET", "POST"])
@lists_editor
def list_item(kind: str | None = None, item_id: int | None = None):
    item = db.get_or_404(ListItem, item_id) if item_id else None
    kind = item.kind if item else ListKind(kind)
    form = ListItemForm(obj=item)
    if form.validate_on_submit():
        try:
            lists.save_item(item, kind=kind, code=form.code.data, label_id=form.label_id.data,
                            label_en=form.label_en.data, reference=form.reference.data or "",
                            valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                            position=form.position.data, is_other=form.is_other.data, actor=current_user)
        except lists.ListError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The list entry has been saved."), "success")
            return redirect(url_for("coi_oversight.list_index"))
    return render_template("coi/list_item.html", form=form, item=item, kind=kind)
