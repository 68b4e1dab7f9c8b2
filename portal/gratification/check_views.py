"""The guided check "Do I have to report this?" (any account) and the editor of the rules it
applies (administrators)."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.gratification import rules
from portal.gratification.check import REPORT_WORKDAYS, Answer, Answers, Giver, ObjectKind, Occasion, report_query
from portal.gratification.check_forms import CheckForm, RuleForm
from portal.web.permissions import guard, role_required

bp = Blueprint("gratification_check", __name__, url_prefix="/gratifikasi")
bp.before_request(guard())
admin_only = role_required(Role.ADMIN)

# The report form of the gratification area; it may read the answers from these parameters.
REPORT_FORM = "/gratifikasi/lapor"
PREFILL = ("object_kind", "giver", "occasion", "value", "earlier_this_year", "received_on", "related_to_duty",
           "giver_has_business", "applies_to_all")


@bp.route("/periksa", methods=["GET", "POST"])
def check():
    form = CheckForm() if request.method == "POST" else CheckForm(data=_prefill())
    if form.validate_on_submit():
        answers = Answers(
            object_kind=ObjectKind(form.object_kind.data), giver=Giver(form.giver.data),
            occasion=Occasion(form.occasion.data), received_on=form.received_on.data,
            related_to_duty=Answer(form.related_to_duty.data), giver_has_business=Answer(form.giver_has_business.data),
            applies_to_all=Answer(form.applies_to_all.data), value=form.value.data,
            earlier_this_year=form.earlier_this_year.data)
        result = rules.assess(answers)
        return render_template(
            "gratification/check_result.html", answers=answers, result=result, locale=str(get_locale()),
            workdays=REPORT_WORKDAYS, today=today(),
            report_url=f"{REPORT_FORM}?{urlencode(report_query(answers))}",
            change_url=url_for("gratification_check.check", **{k: form[k].raw_data[0] for k in PREFILL
                                                              if form[k].raw_data and form[k].raw_data[0]}))
    return render_template("gratification/check.html", form=form), 400 if form.errors else 200


def _prefill() -> dict:
    """The answers given before ("Change the answers"): plain strings, checked again on submit."""
    data = {k: request.args.get(k, "", type=str)[:40] for k in PREFILL if request.args.get(k)}
    try:
        data["received_on"] = date.fromisoformat(data["received_on"]) if "received_on" in data else None
    except ValueError:
        data.pop("received_on")
    return data


@bp.route("/aturan")
@admin_only
def rules_index():
    return render_template("gratification/rules.html", rules=rules.all_rules(), today=today(),
                           locale=str(get_locale()), status=rules.setup_status())


@bp.route("/aturan/baru", methods=["GET", "POST"])
@bp.route("/aturan/<int(max=2147483647):rule_id>", methods=["GET", "POST"])
@admin_only
def rule(rule_id: int | None = None):
    item = db.get_or_404(rules.GratificationRule, rule_id) if rule_id else None
    form = RuleForm(obj=item, object_kinds=list(rules.split_kinds(item.object_kinds)) if item else [])
    if form.validate_on_submit():
        try:
            rules.save_rule(item, _fields(form), actor=current_user)
        except rules.RuleError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The rule has been saved."), "success")
            return redirect(url_for("gratification_check.rules_index"))
    return render_template("gratification/rules_form.html", form=form, item=item), 400 if form.errors else 200


def _fields(form: RuleForm) -> rules.RuleFields:
    return rules.RuleFields(
        code=form.code.data, label_id=form.label_id.data, label_en=form.label_en.data,
        condition_id=form.condition_id.data or "", condition_en=form.condition_en.data or "",
        occasion=form.occasion.data or None, giver=form.giver.data or None,
        object_kinds=tuple(form.object_kinds.data or ()), requires_general=form.requires_general.data,
        allows_duty_related=form.allows_duty_related.data, threshold=form.threshold.data, basis=form.basis.data or None,
        yearly_cap=form.yearly_cap.data, valid_from=form.valid_from.data, valid_to=form.valid_to.data,
        source=form.source.data or "", source_url=form.source_url.data or "", verified=form.verified.data,
        position=form.position.data)
