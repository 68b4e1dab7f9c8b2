"""The reporter's pages. This blueprint never touches the login (no Flask-Login call, no
current_user), stores no address, user agent or referrer, and logs nothing about a request.
The receipt code travels only in POST bodies and is shown once, in the response that files
the report, and again only to a repeat of that same form within minutes (portal/nonces.py)."""
from __future__ import annotations

import time
from datetime import date
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.core.workdays import today
from portal.extensions import db
from portal.home.services import list_regulations
from portal.org.models import Opd
from portal.org.services import list_opds
from portal.wbs import deadlines, services
from portal.wbs.forms import REPORT_SCOPE, FollowUpForm, ReplyForm, ReportForm
from portal.wbs.models import Category, Mode, Report
from portal.wbs.services import Upload, WbsError
from portal.web import nonces, ratelimit
from portal.web.ratelimit import client_key, limiter

bp = Blueprint("wbs", __name__, url_prefix="/wbs")
# The cookie holds an opaque random token and the time it stops working (signed, so the
# reporter cannot extend it); the server holds the token's hash (wbs_follow_up) until "selesai".
CASE_KEY = "wbs_follow_up"


def _evidence_help() -> str:
    c = deadlines.config()
    # Photos are re-encoded without their metadata; other files are stored as sent.
    return _("Up to %(n)d files of at most %(mb)d MB each: PDF, images, office documents, audio or plain text. "
             "Location and camera data are removed from photos. Documents keep theirs, which may include the "
             "author's name or the computer's user name: remove it first, or send a photo or a scan instead.",
             n=c["wbs.max_files"], mb=c["wbs.max_file_mb"])


def _uploads(field) -> list[Upload]:
    uploads = []
    for f in field.data or []:
        if f and f.filename:
            uploads.append(Upload(f.filename, f.read()))
        if f:
            f.close()  # large uploads are spooled to a temporary file: release it now
    return uploads


@bp.route("/")
def index():
    return render_template("wbs/index.html", deadlines=deadlines.config(), categories=services.categories(),
                           regulations=list_regulations("wbs"))


@bp.route("/lapor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["WBS_REPORT_LIMIT"], methods=["POST"])
def new_report():
    form = ReportForm()
    form.category.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(c.id, c.label(str(get_locale()))) for c in services.categories()]
    form.reported_opd.choices = [SelectChoice(0, _("Not in the list / I do not know"))] + [
        SelectChoice(o.id, o.name) for o in list_opds(active_only=True)]
    form.evidence.description = _evidence_help()
    if form.website.data:
        abort(400)  # the honeypot was filled in: not a person
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data)
        opd = db.session.get(Opd, form.reported_opd.data) if form.reported_opd.data else None
        content = {k: getattr(form, k).data for k in ("reported_name", "reported_position", "reported_opd_text",
                                                      "what", "where", "how", "why", "loss")}
        content["when_from"] = form.when_from.data.isoformat()
        content["when_to"] = form.when_to.data.isoformat() if form.when_to.data else ""
        mode = Mode(form.mode.data)
        identity = None if mode == Mode.ANONYMOUS else {"name": form.reporter_name.data.strip(),
                                                        "contact": form.reporter_contact.data.strip()}
        if category is None:
            form.category.errors.append(_("Choose the kind of offence."))
        else:
            try:
                claim = nonces.claim(form.nonce.data, REPORT_SCOPE)
                if not claim.fresh:
                    return _sent_before(claim)
                filed = services.file_report(mode=mode, category=category, reported_opd=opd, content=content,
                                             identity=identity, uploads=_uploads(form.evidence))
                # The repeat of this form (a double click shows only the last response) must
                # show this same receipt: sealed with the form's nonce, for a few minutes.
                nonces.record(claim, sealed={"receipt": filed.receipt, "case": filed.report.public_id,
                                             "filed_on": filed.report.filed_on.isoformat()})
            except nonces.NonceError as exc:  # expired between the form's check and here
                db.session.rollback()
                form.nonce.refuse(exc.message)
            except WbsError as exc:
                db.session.rollback()
                getattr(form, exc.field).errors.append(exc.message)
            else:
                db.session.commit()
                return render_template("wbs/receipt.html", receipt=filed.receipt, report=filed.report)
    return render_template("wbs/new_report.html", form=form)


def _sent_before(claim: nonces.Claim):
    """This form was already sent: nothing is filed again; show the first sending's receipt
    while it is kept, else say that the report exists and the code was shown then."""
    shown = nonces.opened_result(claim)
    if shown is None:
        return render_template("wbs/receipt.html", receipt=None, report=None, repeated=True), 409
    report = SimpleNamespace(public_id=shown["case"], filed_on=date.fromisoformat(shown["filed_on"]))
    return render_template("wbs/receipt.html", receipt=shown["receipt"], report=report, repeated=True)


def _guess_allowed() -> bool:
    """One try counts against the client and against everyone: guessing gets nowhere. Asked
    after the receipt's slow hash is computed, so a throttled try takes as long as a real one."""
    per_client = ratelimit.hit(current_app.config["WBS_FOLLOWUP_LIMIT"], "wbs-pantau", client_key())
    overall = ratelimit.hit(current_app.config["WBS_FOLLOWUP_GLOBAL_LIMIT"], "wbs-pantau-all")
    return per_client and overall


@bp.route("/pantau", methods=["GET", "POST"])
def follow_up():
    form = FollowUpForm()
    if form.validate_on_submit():
        found = services.find_by_receipt(form.receipt.data)
        report = found if _guess_allowed() else None
        if report is not None and report.wrapped_key is None:
            # The right code, but the content is gone: say that, and nothing else about the case.
            return render_template("wbs/follow_up.html", form=FollowUpForm(formdata=None), shredded=True)
        if report is not None:
            token = services.open_follow_up(report, on=today())
            db.session.commit()
            session[CASE_KEY] = {"token": token, "until": int(time.time()) + services.FOLLOW_UP_MINUTES * 60}
            return redirect(url_for("wbs.case"))
        # Unknown, mistyped and throttled all look the same.
        form.receipt.errors.append(_("No report matches this code. Check it and try again in a while."))
    form.receipt.data = ""
    return render_template("wbs/follow_up.html", form=form)


def _current_case() -> Report | None:
    case = session.get(CASE_KEY)
    if not isinstance(case, dict) or not isinstance(case.get("until"), int) or case["until"] < time.time():
        session.pop(CASE_KEY, None)
        return None
    return services.follow_up_report(case.get("token"))


@bp.route("/pantau/laporan", methods=["GET", "POST"])
def case():
    report = _current_case()
    if report is None:
        return redirect(url_for("wbs.follow_up"))
    form = ReplyForm()
    form.evidence.description = _evidence_help()
    if form.validate_on_submit():
        uploads = _uploads(form.evidence)
        if not (form.body.data or "").strip() and not uploads:
            form.body.errors.append(_("Write a message or add a file."))
        else:
            try:
                services.reporter_reply(report, form.body.data or "", uploads)
            except WbsError as exc:
                db.session.rollback()
                getattr(form, exc.field).errors.append(exc.message)
            else:
                db.session.commit()
                flash(_("Your message has been sent to the WBS team."), "success")
                return redirect(url_for("wbs.case"))
    return render_template("wbs/case.html", view=services.reporter_view(report), form=form)


@bp.route("/pantau/selesai", methods=["POST"])
def close_case():
    case = session.pop(CASE_KEY, None)
    services.end_follow_up(case.get("token") if isinstance(case, dict) else None)
    db.session.commit()
    return redirect(url_for("wbs.index"))
