"""The public home page, the personal home, the regulation library, and the load balancer's health check."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core import contributions, notices
from portal.extensions import db
from portal.home import library
from portal.home.models import Regulation
from portal.home.services import list_regulations
from portal.web import downloads
from portal.web.forms import ActionForm

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        from portal.socialisation.services import upcoming_for

        return render_template("home/personal.html", user=current_user, employee=current_user.employee,
                               todos=contributions.todos_for(current_user),
                               upcoming_sessions=upcoming_for(current_user.employee),
                               notices=notices.recent(current_user.id, unread_only=True, limit=5),
                               notice_text=notices.text, action_form=ActionForm())
    return render_template("home/public.html", regulations=list_regulations())


@bp.route("/peraturan")
def regulations():
    return render_template("home/regulations.html", regulations=list_regulations())


@bp.route("/peraturan/<int(max=2147483647):regulation_id>/teks")
def regulation_text(regulation_id: int):
    """The official text as uploaded: anyone may read it; a download, never rendered in the portal's origin."""
    regulation = db.get_or_404(Regulation, regulation_id)
    if not regulation.text_key:
        abort(404)
    return downloads.uploaded_file(library.read_text(regulation), media_type=library.PDF,
                                   filename=f"{regulation.slug}.pdf")


@bp.route("/pemberitahuan")
@login_required
def notice_list():
    return render_template("home/notices.html", notices=notices.recent(current_user.id, limit=100),
                           notice_text=notices.text, action_form=ActionForm())


@bp.route("/pemberitahuan/dibaca", methods=["POST"])
@bp.route("/pemberitahuan/<int(max=2147483647):notice_id>/dibaca", methods=["POST"])
@login_required
def notice_read(notice_id: int | None = None):
    if ActionForm().validate_on_submit():
        notices.mark_read(current_user.id, notice_id)
        db.session.commit()
    return redirect(_back())


def _back() -> str:
    """Back where the button was pressed: the home page or the notices page, nowhere else."""
    return url_for("home.notice_list") if request.form.get("from") == "list" else url_for("home.index")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True), 200
