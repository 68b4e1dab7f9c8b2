"""The declarant's and the decider's pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.coi import attachments, history, lists, queries, services, workflow
from portal.coi.forms import DECLARATION_SCOPE, DecisionForm, DeclarationForm, NoteForm
from portal.coi.models import Activity, Declaration, Kind, ListItem, ListKind, Relationship
from portal.core.formatting import day
from portal.core.workdays import today
from portal.extensions import db
from portal.gratification import queries as gift_reports
from portal.gratification import services as gratification
from portal.gratification.models import GiftReport
from portal.home import services as regulations
from portal.web import downloads, nonces
from portal.web.params import int_arg
from portal.web.permissions import guard

bp = Blueprint("coi", __name__, url_prefix="/benturan-kepentingan")
bp.before_request(guard())


def _locale() -> str:
    return str(get_locale())


def _me():
    if current_user.employee is None:
        abort(403)  # technical accounts have nobody to declare for
    return current_user.employee


def _load(declaration_id: int) -> Declaration:
    declaration = db.get_or_404(Declaration, declaration_id)
    if not services.can_view(current_user, declaration):
        abort(404)
    return declaration


@bp.route("/")
def index():
    me = current_user.employee
    mine = queries.mine(me.id) if me else []
    yearly = next((d for d in mine if d.kind == Kind.YEARLY and d.year == today().year), None)
    return render_template("coi/index.html", mine=mine, yearly=yearly, waiting=queries.waiting_for(current_user),
                           can_amend_yearly=yearly is not None and services.amendable(yearly, me),
                           overdue=services.overdue, year=today().year,
                           regulations=regulations.list_regulations("coi"))


def _choices(form: DeclarationForm) -> None:
    locale, on = _locale(), today()
    form.types.choices = [SelectChoice(i.id, i.label(locale)) for i in lists.items(ListKind.TYPE, on=on)]
    form.sources.choices = [SelectChoice(i.id, i.label(locale)) for i in lists.items(ListKind.SOURCE, on=on)]
    me = current_user.employee
    form.gift_report.choices = [SelectChoice("", "–")] + [
        SelectChoice(r.id, _("%(no)s · %(day)s", no=r.register_no, day=day(r.received_on)))
        for r in (gift_reports.linkable(me.id) if me else [])]


def _fields(form: DeclarationForm) -> services.DraftFields:
    return services.DraftFields(
        no_conflict=form.no_conflict.data, description=form.description.data or "",
        activity=Activity(form.activity.data) if form.activity.data else None,
        activity_detail=form.activity_detail.data or "", related_party=form.related_party.data or "",
        related_nip=form.related_nip.data or "", gift_involved=form.gift_involved.data,
        relationship_kind=Relationship(form.relationship_kind.data) if form.relationship_kind.data else None,
        gift_report_ref=form.gift_report_ref.data or "", gift_report_id=form.gift_report.data,
        proposed_measure=form.proposed_measure.data or "",
        type_ids=tuple(form.types.data or ()), source_ids=tuple(form.sources.data or ()))


def _fill(form: DeclarationForm, source: Declaration) -> None:
    """Show `source`'s answers in the form: the declaration being edited, or the circumstances a
    new change starts from (list entries retired since are left out: they can no longer be chosen)."""
    for name in ("description", "activity_detail", "related_party", "gift_involved", "gift_report_ref",
                 "proposed_measure"):
        getattr(form, name).data = getattr(source, name)
    offered = {c.value for c in [*form.types.choices, *form.sources.choices]}
    form.types.data = [t.id for t in source.types if t.id in offered]
    form.sources.data = [s.id for s in source.sources if s.id in offered]
    form.activity.data = source.activity.value if source.activity else ""
    form.relationship_kind.data = source.relationship_kind.value if source.relationship_kind else ""
    form.related_nip.data = source.related_employee.nip if source.related_employee else ""
    form.gift_report.data = source.gift_report_id


def _fill_from_gift_report(form: DeclarationForm) -> None:
    """A new declaration opened from one of the declarant's gift reports (?gratifikasi=<id>): the
    gift, the link and the giver as the related party. Any other report is ignored."""
    report_id = int_arg("gratifikasi")
    report = db.session.get(GiftReport, report_id) if report_id else None
    if report is None or not gratification.can_link(current_user.employee, report):
        return
    form.gift_involved.data = True
    form.gift_report.data = report.id
    form.relationship_kind.data = Relationship.GIFT_GIVER.value
    giver = ", ".join(part for part in (report.giver_name, report.giver_institution) if part)
    form.related_party.data = giver[:200]


def _edit(declaration: Declaration | None, kind: Kind, changes: Declaration | None = None):
    form = DeclarationForm(obj=declaration)
    _choices(form)
    # A new change starts from the circumstances last declared.
    basis = services.current_circumstances(changes) if declaration is None and changes is not None else None
    source = declaration if declaration is not None else basis
    if request.method == "GET" and source is not None:
        _fill(form, source)
    elif request.method == "GET" and declaration is None:
        _fill_from_gift_report(form)
    form.nonce.bind(f"{current_user.id}:{kind.value}:{declaration.id if declaration else 'new'}:"
                    f"{changes.id if changes else ''}")
    if form.validate_on_submit():
        try:
            claim = nonces.claim(form.nonce.data, DECLARATION_SCOPE, form.nonce.subject)
            if not claim.fresh:
                return _sent_before(claim)
            upload = form.attachment.data
            saved = services.save(declaration, declarant=_me(), kind=kind, fields=_fields(form), changes=changes,
                                  attachment=(upload.filename, upload.read()) if upload and upload.filename else None,
                                  send=bool(form.send.data), actor=current_user)
            nonces.record(claim, ref=str(saved.id))
        except nonces.NonceError as exc:  # expired between the form's check and here
            db.session.rollback()
            form.nonce.refuse(exc.message)
        except (services.CoiError, attachments.AttachmentError) as exc:
            db.session.rollback()
            if getattr(exc, "field", None) == "kind":
                return _yearly_exists()
            if getattr(exc, "field", None) == "changes":
                flash(exc.message, "warning")
                return redirect(url_for("coi.detail", declaration_id=changes.id) if changes else url_for("coi.index"))
            getattr(form, exc.field or "description").errors.append(exc.message)
        except sa.exc.IntegrityError:
            db.session.rollback()
            if kind != Kind.YEARLY or declaration is not None:
                raise
            return _yearly_exists()  # another form for it was sent at the same moment
        else:
            db.session.commit()
            flash(_("Submitted.") if form.send.data else _("Draft saved."), "success")
            return redirect(url_for("coi.detail", declaration_id=saved.id))
    return render_template("coi/form.html", form=form, declaration=declaration, kind=kind, changes=changes, basis=basis,
                           decision_days=services.config()["coi.decision_days"],
                           types_article=regulations.article("coi-types")), 200 if not form.errors else 400


def _sent_before(claim: nonces.Claim):
    """The same form was sent before: nothing is recorded again; show what that sending recorded."""
    flash(_("This form had already been sent, so sending it again changed nothing. "
            "This is the declaration as it was recorded."), "info")
    ref = claim.result_ref or ""
    declaration = db.session.get(Declaration, int(ref)) if ref.isdigit() else None
    if declaration is None or not services.can_view(current_user, declaration):
        return redirect(url_for("coi.index"))
    return redirect(url_for("coi.detail", declaration_id=declaration.id))


def _yearly_exists():
    flash(_("You already have a yearly statement for this year; it is shown here."), "info")
    return redirect(url_for("coi.new", kind="yearly"))


@bp.route("/baru/<any(yearly, adhoc, change):kind>", methods=["GET", "POST"])
def new(kind: str):
    me = _me()
    existing = next((d for d in queries.mine(me.id) if d.kind == Kind.YEARLY and d.year == today().year), None)
    if kind == "yearly" and existing is not None:
        return redirect(url_for("coi.edit" if existing.status in workflow.EDITABLE else "coi.detail",
                                declaration_id=existing.id))
    if kind == "change":
        return _change_of(_load(int_arg("dari")) if int_arg("dari") else existing, me)
    return _edit(None, Kind(kind), None)


def _change_of(declaration: Declaration | None, me):
    """/baru/change: a change of the declaration in ?dari=, or else of this year's yearly statement
    (the same form as at that declaration's own address, /<id>/perubahan)."""
    if declaration is None:
        flash(_("Your yearly statement for %(year)s has not been made yet. To report a change to another "
                "declaration, open it and choose \"Report a change of circumstances\".", year=today().year), "info")
        return redirect(url_for("coi.index"))
    if declaration.declarant_id != me.id:
        abort(404)
    return amend(services.amended(declaration).id)


@bp.route("/<int(max=2147483647):declaration_id>/perubahan", methods=["GET", "POST"])
def amend(declaration_id: int):
    """Report a change of circumstances on a filed declaration: a new declaration (kind CHANGE),
    linked to it and starting from what it says; the filed one is kept as it was filed."""
    me = _me()
    declaration = _load(declaration_id)
    if declaration.declarant_id != me.id:
        abort(403)
    target = services.amended(declaration)
    if target.id != declaration.id:  # a change of a change amends the first declaration
        return redirect(url_for("coi.amend", declaration_id=target.id))
    if target.status in workflow.EDITABLE:  # not filed: it is edited, not amended
        return redirect(url_for("coi.edit", declaration_id=target.id))
    begun = services.open_change(target) if request.method == "GET" else None
    if begun is not None:
        flash(_("You have already begun to report a change to this declaration; continue it here."), "info")
        return redirect(url_for("coi.edit", declaration_id=begun.id))
    try:
        services.check_amendable(target, me)
    except services.CoiError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("coi.detail", declaration_id=target.id))
    return _edit(None, Kind.CHANGE, target)


@bp.route("/<int(max=2147483647):declaration_id>/ubah", methods=["GET", "POST"])
def edit(declaration_id: int):
    declaration = _load(declaration_id)
    if declaration.declarant_id != current_user.employee_id:
        abort(403)
    if declaration.status not in workflow.EDITABLE:
        flash(_("A submitted declaration can no longer be changed."), "warning")
        return redirect(url_for("coi.detail", declaration_id=declaration.id))
    return _edit(declaration, declaration.kind, declaration.changes)


@bp.route("/<int(max=2147483647):declaration_id>")
def detail(declaration_id: int, decision_form=None, note_form=None, status=200):
    declaration = _load(declaration_id)
    decision_form = decision_form or DecisionForm(formdata=None)
    decision_form.decision.choices = [SelectChoice(0, "–")] + [
        SelectChoice(i.id, i.label(_locale())) for i in lists.items(ListKind.DECISION, on=today())]
    is_declarant = declaration.declarant_id == current_user.employee_id
    changes = [c for c in declaration.amendments if services.can_view(current_user, c)]
    return render_template("coi/detail.html", d=declaration, locale=_locale(), decision_form=decision_form,
                           note_form=note_form or NoteForm(formdata=None), overdue=services.overdue(declaration),
                           can_decide=services.can_decide(current_user, declaration), is_declarant=is_declarant,
                           changes=changes, history=history.steps(declaration, changes),
                           amended=services.amended(declaration),
                           gift_report_visible=declaration.gift_report is not None
                           and gratification.can_view(current_user, declaration.gift_report),
                           can_amend=is_declarant and services.amendable(declaration, current_user.employee)), status


def _run(declaration: Declaration, action, success: str, **forms):
    try:
        action()
    except services.CoiError as exc:
        db.session.rollback()
        form = next(iter(forms.values()), None)
        if form is not None:
            getattr(form, exc.field, form.submit).errors.append(exc.message)
        else:
            flash(exc.message, "danger")
        return detail(declaration.id, status=400, **forms)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("coi.detail", declaration_id=declaration.id))


def _back_to(declaration):
    # A form that failed validation is drawn at its POST address; reloading or reopening that
    # address (a GET) returns to the declaration instead of answering 405.
    return redirect(url_for("coi.detail", declaration_id=declaration.id))


@bp.route("/<int(max=2147483647):declaration_id>/ajukan", methods=["POST"])
def submit(declaration_id: int):
    declaration = _load(declaration_id)
    if declaration.declarant_id != current_user.employee_id:
        abort(403)
    return _run(declaration, lambda: services.submit(declaration, actor=current_user), _("Submitted."))


@bp.route("/<int(max=2147483647):declaration_id>/terima", methods=["POST"])
def acknowledge(declaration_id: int):
    declaration = _load(declaration_id)
    return _run(declaration, lambda: services.acknowledge(declaration, actor=current_user),
                _("You have acknowledged the decision."))


@bp.route("/<int(max=2147483647):declaration_id>/putuskan", methods=["GET", "POST"])
def decide(declaration_id: int):
    declaration = _load(declaration_id)
    if request.method == "GET":
        return _back_to(declaration)
    form = DecisionForm()
    form.decision.choices = [SelectChoice(i.id, "") for i in lists.items(ListKind.DECISION)]
    if not form.validate_on_submit():
        return detail(declaration.id, decision_form=form, status=400)
    return _run(declaration, lambda: services.decide(declaration, decision=db.session.get(ListItem, form.decision.data),
                                                     rationale=form.rationale.data, actor=current_user),
                _("The decision has been recorded."), decision_form=form)


@bp.route("/<int(max=2147483647):declaration_id>/kembalikan", methods=["GET", "POST"])
def return_for_information(declaration_id: int):
    declaration = _load(declaration_id)
    if request.method == "GET":
        return _back_to(declaration)
    form = NoteForm()
    if not form.validate_on_submit():
        return detail(declaration.id, note_form=form, status=400)
    return _run(declaration, lambda: services.return_for_information(declaration, message=form.body.data,
                                                                     actor=current_user),
                _("The declaration has been returned for more information."), note_form=form)


@bp.route("/<int(max=2147483647):declaration_id>/lampiran/<int(max=2147483647):attachment_id>")
def attachment(declaration_id: int, attachment_id: int):
    return downloads.attachment_among(_load(declaration_id).attachments, attachment_id, attachments.read)
