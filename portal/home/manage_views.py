"""The admin's regulation library: particulars, the official text or JDIH link, and the articles the
portal relies on, marked checked against the official text or not."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import storage
from portal.core.roles import Role
from portal.extensions import db
from portal.home import library, services
from portal.home.forms import ArticleForm, RegulationForm, TextUploadForm, VerifyForm
from portal.home.models import Regulation, RegulationArticle
from portal.web.permissions import guard

bp = Blueprint("home_manage", __name__, url_prefix="/admin/peraturan")
bp.before_request(guard(Role.ADMIN))
ID = "int(max=2147483647)"


@bp.route("/")
def index():
    return render_template("home/manage/index.html", regulations=services.list_regulations(),
                           verify_form=VerifyForm(formdata=None))


@bp.route("/baru", methods=["GET", "POST"])
@bp.route(f"/<{ID}:regulation_id>", methods=["GET", "POST"])
def regulation_form(regulation_id: int | None = None):
    regulation = db.get_or_404(Regulation, regulation_id) if regulation_id else None
    form = RegulationForm(obj=regulation)
    if form.validate_on_submit():
        fields = library.RegulationFields(**{name: getattr(form, name).data for name in (
            "topic", "kind", "number", "year", "short_name", "title_id", "title_en", "summary_id", "summary_en",
            "source", "jdih_url", "position")})
        try:
            regulation = library.save_regulation(regulation, fields, actor=current_user)
        except library.RegulationError as exc:
            db.session.rollback()
            getattr(form, exc.field or "short_name").errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The regulation has been saved."), "success")
            return redirect(url_for("home_manage.regulation_form", regulation_id=regulation.id))
    return _regulation_page(regulation, form=form)


def _regulation_page(regulation, *, form=None, upload_form=None):
    form = form or RegulationForm(formdata=None, obj=regulation)
    status = 400 if form.errors or (upload_form and upload_form.errors) else 200
    return render_template("home/manage/regulation.html", regulation=regulation, form=form,
                           upload_form=upload_form or TextUploadForm(formdata=None),
                           verify_form=VerifyForm(formdata=None)), status


@bp.route(f"/<{ID}:regulation_id>/teks", methods=["POST"])
def upload_text(regulation_id: int):
    regulation = db.get_or_404(Regulation, regulation_id)
    form = TextUploadForm()
    upload = form.text.data if form.validate_on_submit() else None
    if not upload or not upload.filename:
        form.text.errors = [*form.text.errors, _("Choose the PDF of the official text.")]
        return _regulation_page(regulation, upload_form=form)
    try:
        old_key = library.store_text(regulation, upload.filename, upload.read(), actor=current_user)
    except library.RegulationError as exc:
        db.session.rollback()
        form.text.errors = [*form.text.errors, exc.message]
        return _regulation_page(regulation, upload_form=form)
    db.session.commit()
    if old_key:
        storage.delete(library.AREA, old_key)
    flash(_("The official text has been uploaded."), "success")
    return redirect(url_for("home_manage.regulation_form", regulation_id=regulation.id))


@bp.route(f"/<{ID}:regulation_id>/pasal/baru", methods=["GET", "POST"])
@bp.route(f"/pasal/<{ID}:article_id>", methods=["GET", "POST"])
def article_form(regulation_id: int | None = None, article_id: int | None = None):
    item = db.get_or_404(RegulationArticle, article_id) if article_id else None
    regulation = item.regulation if item else db.get_or_404(Regulation, regulation_id)
    form = ArticleForm(obj=item)
    if form.validate_on_submit():
        fields = library.ArticleFields(label=form.label.data or "", relied_id=form.relied_id.data,
                                       relied_en=form.relied_en.data, note=form.note.data or "",
                                       position=form.position.data or 0)
        library.save_article(item, regulation, fields, actor=current_user)
        db.session.commit()
        flash(_("The article has been saved."), "success")
        return redirect(url_for("home_manage.regulation_form", regulation_id=regulation.id))
    return render_template("home/manage/article.html", regulation=regulation, item=item, form=form), \
        400 if form.errors else 200


@bp.route(f"/pasal/<{ID}:article_id>/periksa", methods=["POST"])
def article_verify(article_id: int):
    item = db.get_or_404(RegulationArticle, article_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            changed = library.set_verified(item, bool(form.verify.data), actor=current_user)
        except library.RegulationError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            if changed:
                flash(_("Marked as checked against the official text.") if item.verified
                      else _("Marked as not checked."), "success")
    back = request.form.get("from")
    if back == "library":
        return redirect(url_for("home_manage.index"))
    return redirect(url_for("home_manage.regulation_form", regulation_id=item.regulation_id))
