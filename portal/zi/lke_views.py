"""The LKE editor of the Inspectorate (internal assessor) and administrators: a year's version,
its pass marks, areas, sub-components and items."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.roles import Role
from portal.extensions import db
from portal.web.forms import ActionForm
from portal.web.permissions import guard
from portal.zi import evidence, lke_services, scoring
from portal.zi.lke_forms import (
    PASS_MARK_LABELS,
    AreaForm,
    ComponentForm,
    ItemForm,
    NewYearForm,
    ScoringCheckForm,
    VersionForm,
    mark_field,
)
from portal.zi.lke_services import ZiLkeError
from portal.zi.models import AnswerType, LkeArea, LkeComponent, LkeItem, LkeVersion, Part, Target

bp = Blueprint("zi_lke", __name__, url_prefix="/zona-integritas/lke")
bp.before_request(guard(Role.COI_REVIEWER, Role.ADMIN))


def _refused(form, exc: ZiLkeError) -> None:
    db.session.rollback()
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")


@bp.route("/")
def index():
    form = _new_year_form()
    return render_template("zi/lke_versions.html", versions=lke_services.versions(), form=form)


def _new_year_form() -> NewYearForm:
    form = NewYearForm()
    form.source_id.choices = [(s.version.id, f"{s.version.year} – {s.version.title}")
                              for s in lke_services.versions()]
    return form


@bp.route("/baru", methods=["POST"])
def new_year():
    form = _new_year_form()
    if form.validate_on_submit():
        source = db.get_or_404(LkeVersion, form.source_id.data)
        try:
            version = lke_services.new_year(source, form.year.data, actor=current_user)
        except ZiLkeError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("The LKE of %(year)d has been created from %(source)d.", year=version.year, source=source.year),
                  "success")
            return redirect(url_for("zi_lke.version", version_id=version.id))
    return render_template("zi/lke_versions.html", versions=lke_services.versions(), form=form), 400


@bp.route("/<int:version_id>")
def version(version_id: int):
    item = db.get_or_404(LkeVersion, version_id)
    return _version_page(item, ScoringCheckForm(where=lke_services.scoring_checked()))


def _version_page(item: LkeVersion, scoring_form: ScoringCheckForm, status: int = 200):
    warnings = {area.id: lke_services.weight_warning(area) for area in item.areas}
    return render_template(
        "zi/lke_version.html", version=item, summary=lke_services.summary(item), warnings=warnings,
        part_sums={area.id: lke_services.part_sums(area) for area in item.areas},
        total=sum(area.weight for area in item.areas), marks=_marks(item), scoring_form=scoring_form,
        scoring_checked=lke_services.scoring_checked(), action_form=ActionForm(),
        providers=evidence.providers()), status


def _marks(item: LkeVersion) -> list[tuple[str, object, list]]:
    """The pass marks as rows: key, label, the number per target (None: no check)."""
    marks = item.pass_marks or {}
    return [(key, PASS_MARK_LABELS[key], [marks.get(t.value, {}).get(key) for t in Target])
            for key in scoring.PASS_MARK_KEYS]


@bp.route("/<int:version_id>/ubah", methods=["GET", "POST"])
def edit_version(version_id: int):
    item = db.get_or_404(LkeVersion, version_id)
    data = {mark_field(t, k): v for t, keys in (item.pass_marks or {}).items() for k, v in keys.items()}
    form = VersionForm(obj=item, data=data) if request.method == "GET" else VersionForm()
    if form.validate_on_submit():
        marks = {t.value: {k: form[mark_field(t.value, k)].data for k in scoring.PASS_MARK_KEYS} for t in Target}
        lke_services.save_version(item, lke_services.VersionFields(
            title=form.title.data, source=form.source.data or "", pass_marks=marks,
            pass_marks_verified=form.pass_marks_verified.data), actor=current_user)
        db.session.commit()
        flash(_("The LKE has been saved."), "success")
        return redirect(url_for("zi_lke.version", version_id=item.id))
    return render_template("zi/lke_version_form.html", form=form, version=item, targets=list(Target),
                           keys=scoring.PASS_MARK_KEYS, mark_field=mark_field), 400 if form.errors else 200


@bp.route("/<int:version_id>/skor", methods=["POST"])
def scoring_check(version_id: int):
    item = db.get_or_404(LkeVersion, version_id)
    form = ScoringCheckForm()
    if not form.validate_on_submit():
        return _version_page(item, form, 400)
    lke_services.record_scoring_checked(form.where.data or "", actor=current_user)
    db.session.commit()
    flash(_("Recorded."), "success")
    return redirect(url_for("zi_lke.version", version_id=item.id, _anchor="scoring"))


@bp.route("/area/<int:area_id>", methods=["GET", "POST"])
def area(area_id: int):
    item = db.get_or_404(LkeArea, area_id)
    form = AreaForm(obj=item)
    if form.validate_on_submit():
        lke_services.save_area(item, lke_services.AreaFields(
            name=form.name.data, weight=form.weight.data, complete=form.complete.data), actor=current_user)
        db.session.commit()
        flash(_("The area has been saved."), "success")
        return redirect(url_for("zi_lke.version", version_id=item.version_id, _anchor=f"area-{item.id}"))
    return render_template("zi/lke_area_form.html", form=form, area=item,
                           warning=lke_services.weight_warning(item)), 400 if form.errors else 200


@bp.route("/area/<int:area_id>/subkomponen/baru", methods=["GET", "POST"])
@bp.route("/subkomponen/<int:component_id>", methods=["GET", "POST"])
def component(area_id: int | None = None, component_id: int | None = None):
    item = db.get_or_404(LkeComponent, component_id) if component_id else None
    parent = item.area if item else db.get_or_404(LkeArea, area_id)
    form = ComponentForm(obj=item, part=item.part.value if item else None)
    if form.validate_on_submit():
        try:
            saved = lke_services.save_component(item, parent, lke_services.ComponentFields(
                part=Part(form.part.data), code=form.code.data, name=form.name.data, weight=form.weight.data),
                actor=current_user)
        except ZiLkeError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("The sub-component has been saved."), "success")
            return redirect(url_for("zi_lke.version", version_id=parent.version_id, _anchor=f"c-{saved.id}"))
    return render_template("zi/lke_component_form.html", form=form, component=item, area=parent,
                           action_form=ActionForm()), 400 if form.errors else 200


@bp.route("/subkomponen/<int:component_id>/hapus", methods=["POST"])
def component_delete(component_id: int):
    item = db.get_or_404(LkeComponent, component_id)
    version_id = item.area.version_id
    if ActionForm().validate_on_submit():
        try:
            lke_services.delete_component(item, actor=current_user)
        except ZiLkeError as exc:
            _refused(None, exc)
            return redirect(url_for("zi_lke.component", component_id=component_id))
        db.session.commit()
        flash(_("The sub-component has been deleted."), "success")
    return redirect(url_for("zi_lke.version", version_id=version_id))


@bp.route("/subkomponen/<int:component_id>/butir/baru", methods=["GET", "POST"])
@bp.route("/butir/<int:lke_item_id>", methods=["GET", "POST"])
def item(component_id: int | None = None, lke_item_id: int | None = None):
    row = db.get_or_404(LkeItem, lke_item_id) if lke_item_id else None
    parent = row.component if row else db.get_or_404(LkeComponent, component_id)
    if request.method == "POST":
        form = ItemForm()
    else:
        form = ItemForm(obj=row, answer_type=row.answer_type.value if row else None,
                        options="\n".join(row.options) if row else "",
                        evidence_keys=row.provider_keys if row else [])
    form.evidence_keys.choices = _provider_choices(row)
    if form.validate_on_submit():
        try:
            saved = lke_services.save_item(row, parent, lke_services.ItemFields(
                code=form.code.data, row_id=form.row_id.data, text=form.text.data,
                answer_type=AnswerType(form.answer_type.data), options=tuple((form.options.data or "").splitlines()),
                guidance=form.guidance.data or "", evidence_keys=tuple(form.evidence_keys.data or ()),
                source=form.source.data or "", verified=form.verified.data), actor=current_user)
        except ZiLkeError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("Item %(code)s has been saved.", code=saved.code), "success")
            return redirect(url_for("zi_lke.version", version_id=parent.area.version_id, _anchor=f"i-{saved.id}"))
    return render_template("zi/lke_item_form.html", form=form, item=row, component=parent,
                           action_form=ActionForm()), 400 if form.errors else 200


def _provider_choices(row: LkeItem | None) -> list[tuple[str, str]]:
    """The registered providers, and any key the item names that no provider answers any more
    (shown so that it can be unticked)."""
    found = evidence.providers()
    choices = [(key, f"{provider.label} ({key})") for key, provider in found.items()]
    stale = [key for key in (row.provider_keys if row else []) if key not in found]
    return choices + [(key, _("%(key)s (not registered)", key=key)) for key in stale]


@bp.route("/butir/<int:lke_item_id>/pindah/<any(naik, turun):direction>", methods=["POST"])
def item_move(lke_item_id: int, direction: str):
    row = db.get_or_404(LkeItem, lke_item_id)
    if ActionForm().validate_on_submit():
        lke_services.move_item(row, -1 if direction == "naik" else 1, actor=current_user)
        db.session.commit()
    return redirect(url_for("zi_lke.version", version_id=row.component.area.version_id, _anchor=f"i-{row.id}"))


@bp.route("/butir/<int:lke_item_id>/hapus", methods=["POST"])
def item_delete(lke_item_id: int):
    row = db.get_or_404(LkeItem, lke_item_id)
    version_id = row.component.area.version_id
    if ActionForm().validate_on_submit():
        try:
            lke_services.delete_item(row, actor=current_user)
        except ZiLkeError as exc:
            _refused(None, exc)
            return redirect(url_for("zi_lke.item", lke_item_id=lke_item_id))
        db.session.commit()
        flash(_("The item has been deleted."), "success")
    return redirect(url_for("zi_lke.version", version_id=version_id))
