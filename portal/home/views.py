"""The public home page, the personal home, and the load balancer's health check."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from portal.extensions import db
from portal.home.services import list_regulations

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        from portal.socialisation.services import upcoming_for

        return render_template("home/personal.html", user=current_user, employee=current_user.employee,
                               upcoming_sessions=upcoming_for(current_user.employee))
    return render_template("home/public.html", regulations=list_regulations())


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True), 200
