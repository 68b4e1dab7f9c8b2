"""The admin's pages for official documents: the government's profile and coat of arms,
letterheads, signatories, numbering, and the register of the numbers given."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.core import settings, storage
from portal.core.clock import zone_abbreviation, zone_name
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.documents import services
from portal.documents.forms import LetterheadForm, LogoForm, SchemeForm, SignatoryForm
from portal.documents.models import Letterhead, NumberCounter
from portal.extensions import db
from portal.org.services import list_opds
from portal.web.params import int_arg, paginate
from portal.web.permissions import guard, role_required

bp = Blueprint("documents", __name__, url_prefix="/admin/naskah")
_admin_only = guard(Role.ADMIN)


@bp.before_request
def _guard():
    # The register of numbers is read by the Inspectorate too; everything else is the admin's.
    if request.endpoint != "documents.register":
        return _admin_only()


def _fail(form, exc: PortalError, default: str):
    db.session.rollback()
    getattr(form, exc.field or default, getattr(form, default)).errors.append(exc.message)


@bp.route("/")
def index():
    return _index()


def _index(*, logo_form=None, status=200):
    return render_template("documents/index.html", logo_form=logo_form or LogoForm(formdata=None),
                           place=settings.place(), head_office=settings.head_office(),
                           zone=f"{zone_name()} ({zone_abbreviation()})",
                           logo=services.logo_source(), has_logo=services.has_logo(),
                           kinds=services.kinds()), status


@bp.route("/lambang", methods=["POST"])
def logo():
    form = LogoForm()
    if form.validate_on_submit() and form.logo.data and form.logo.data.filename:
        try:
            old = services.set_logo(form.logo.data.read(), form.logo.data.filename, actor=current_user)
        except PortalError as exc:
            _fail(form, exc, "logo")
        else:
            db.session.commit()
            if old:
                storage.delete(services.AREA, old)
            flash(_("The coat of arms has been saved."), "success")
            return redirect(url_for("documents.index"))
    elif not form.errors:
        form.logo.errors.append(_("Choose a picture."))
    return _index(logo_form=form, status=400)


@bp.route("/kop")
def letterheads():
    return render_template("documents/letterheads.html", rows=services.letterheads())


@bp.route("/kop/baru", methods=["GET", "POST"])
@bp.route("/kop/<int(max=2147483647):letterhead_id>", methods=["GET", "POST"])
def letterhead(letterhead_id: int | None = None):
    row = db.get_or_404(Letterhead, letterhead_id) if letterhead_id else None
    form = LetterheadForm(obj=row)
    form.opd.choices = [SelectChoice(0, _("The government itself (documents of the head of region)"))] + [
        SelectChoice(o.id, o.name) for o in list_opds(active_only=True)]
    if row is not None and request.method == "GET":
        form.opd.data = row.opd_id or 0
    if form.validate_on_submit():
        try:
            fields = {name: getattr(form, name).data or "" for name in
                      ("government_line", "unit_line", "address", "phone", "email", "website")}
            saved = services.save_letterhead(row, opd_id=(row.opd_id if row else form.opd.data or None),
                                             actor=current_user, **fields)
        except PortalError as exc:
            _fail(form, exc, "government_line")
        else:
            db.session.commit()
            flash(_("The letterhead has been saved."), "success")
            return redirect(url_for("documents.letterhead", letterhead_id=saved.id))
    return render_template("documents/letterhead.html", form=form, row=row,
                           kop=services.kop(row.opd_id) if row else None), 400 if form.errors else 200


@bp.route("/penandatangan")
def signatories():
    rows = {(s.kind, s.role): s for s in db.session.scalars(db.select(services.Signatory))}
    return render_template("documents/signatories.html", kinds=services.kinds(), rows=rows)


@bp.route("/penandatangan/<kind>/<any(sign, acknowledge):role>", methods=["GET", "POST"])
def signatory(kind: str, role: str):
    declared = services.kinds().get(kind)
    if declared is None or (role == "acknowledge" and not declared.acknowledged):
        return render_template("errors/error.html", code=404, title=_("Page not found"), text=""), 404
    row = services.signatory(kind, role)
    form = SignatoryForm(obj=row)
    if form.validate_on_submit():
        try:
            services.save_signatory(kind, role, organiser=form.organiser.data, capacity=form.capacity.data or "",
                                    office=form.office.data or "", name=form.name.data or "",
                                    rank=form.rank.data or "", nip=form.nip.data or "", actor=current_user)
        except PortalError as exc:
            _fail(form, exc, "office")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("documents.signatories"))
    return render_template("documents/signatory.html", form=form, kind=declared, role=role), \
        400 if form.errors else 200


@bp.route("/penomoran")
def numbering():
    numbered = {code: kind for code, kind in services.kinds().items() if kind.numbered}
    counters = {(c.kind, c.year): c.last for c in db.session.scalars(db.select(NumberCounter))}
    return render_template("documents/numbering.html", kinds=numbered, counters=counters,
                           schemes={code: services.scheme(code) for code in numbered})


@bp.route("/penomoran/<kind>", methods=["GET", "POST"])
def scheme(kind: str):
    declared = services.kinds().get(kind)
    if declared is None or not declared.numbered:
        return render_template("errors/error.html", code=404, title=_("Page not found"), text=""), 404
    rule = services.scheme(kind)
    form = SchemeForm(obj=rule)
    if form.validate_on_submit():
        try:
            services.save_scheme(kind, classification=form.classification.data or "",
                                 unit_code=form.unit_code.data or "", pattern=form.pattern.data or "",
                                 actor=current_user)
        except PortalError as exc:
            _fail(form, exc, "pattern")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("documents.numbering"))
    return render_template("documents/scheme.html", form=form, kind=declared), 400 if form.errors else 200


@bp.route("/register")
@role_required(Role.ADMIN, Role.COI_REVIEWER)
def register():
    q = request.args.get("q", "", type=str)[:100]
    kind = request.args.get("jenis", "", type=str)[:48]
    year = int_arg("tahun", 0, low=2000, high=2100) or None
    page = paginate(services.register(q, kind if kind in services.kinds() else "", year), 50)
    return render_template("documents/register.html", page=page, q=q, kind=kind, year=year, kinds=services.kinds())
