"""Participation dashboards: a secretary's own OPD, the Inspectorate's whole city.

Scoping: a secretary's OPD comes from their account, never from the URL; `?opd=` only lets
the city roles drill down. Every page and export goes through _scope().
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import audit, settings
from portal.core.clock import utcnow
from portal.core.roles import Role
from portal.core.workdays import today
from portal.extensions import db
from portal.learning import gain, hours
from portal.org.models import Opd
from portal.participation import early_detection as detection
from portal.participation import exports, figures, queries, services
from portal.participation.forms import ParticipationSettingsForm, StaffFilterForm
from portal.web import urls
from portal.web.params import MAX_ID, int_arg
from portal.web.permissions import guard, has_role, own_opd_id, role_required

bp = Blueprint("participation", __name__, url_prefix="/partisipasi")
# The UPG comes in for the early-detection page only, and sees only its gratification signals.
bp.before_request(guard(Role.SECRETARY, Role.ADMIN, Role.COI_REVIEWER, Role.UPG))


def _city_role() -> bool:
    return has_role(current_user, Role.ADMIN, Role.COI_REVIEWER)


def _scope() -> Opd | None:
    """The OPD to show: a secretary's own; for the city roles the chosen one, or None (the city)."""
    if _city_role():
        chosen = int_arg("opd")
        return db.session.get(Opd, chosen) if chosen else None
    opd_id = own_opd_id(current_user)
    if opd_id is None or not has_role(current_user, Role.SECRETARY):
        abort(403)
    return db.session.get(Opd, opd_id)


def _year() -> int:
    return int_arg("tahun", today().year, low=2019, high=today().year + 1)


@bp.route("/")
def dashboard():
    opd, year = _scope(), _year()
    modules = queries.counted_modules()
    module_ids = [m.id for m in modules]
    counted = figures.load(year, opd.id if opd else None)
    total = queries.city_total(counted.rows) if opd is None else counted.rows[0]
    ranked = sorted((r for r in counted.rows if r.headcount), key=lambda r: (-r.coverage(module_ids), r.name))
    return render_template("participation/dashboard.html", opd=opd, year=year, modules=modules, total=total,
                           rows=ranked, module_ids=module_ids, as_of=counted.as_of, series=figures.month_series(
                               opd.id if opd else None, today()), city_role=_city_role(),
                           refresh_minutes=max(1, current_app.config["PARTICIPATION_REFRESH_SECONDS"] // 60),
                           learning_gain=gain.dashboard(opd.id if opd else None, modules))


def _staff_filters(form: StaffFilterForm, target: date | None) -> dict:
    return {"q": form.q.data or "", "filter_": form.filter.data or "", "sort": form.sort.data or "name",
            "target_passed": services.is_past(target)}


@bp.route("/pegawai")
def staff():
    opd, year = _scope(), _year()
    form = StaffFilterForm(request.args)
    if not form.validate():
        form = StaffFilterForm(formdata=None)
    module_ids = [m.id for m in queries.counted_modules()]
    target = services.target_date()
    page = queries.staff_page(opd.id if opd else None, year, module_ids, page=int_arg("page", 1, high=MAX_ID // 50),
                              per_page=50, **_staff_filters(form, target))
    rows = queries.staff_rows(page.items, len(module_ids))
    return render_template("participation/staff.html", opd=opd, year=year, form=form, page=page, rows=rows,
                           target=target, can_remind=opd is not None and not _city_role(),
                           yearly_target=hours.YEARLY_TARGET)


@bp.route("/pegawai.<any(csv, xlsx):fmt>")
def staff_export(fmt: str):
    opd, year = _scope(), _year()
    form = StaffFilterForm(request.args)
    if not form.validate():
        form = StaffFilterForm(formdata=None)
    module_ids = [m.id for m in queries.counted_modules()]
    filters = _staff_filters(form, services.target_date())
    stmt = queries.staff_query(opd.id if opd else None, year, module_ids, **filters)
    rows = queries.staff_rows(db.session.execute(stmt), len(module_ids))
    name, title = exports.staff_file_name(opd.code if opd else "kota", year, form, fmt), exports.staff_title(
        opd.name if opd else settings.government_name(), year, form)
    # The file is made before the commit below, which would expire every loaded employee.
    if fmt == "csv":
        body, mimetype = exports.staff_csv(rows, year), "text/csv"
    else:
        counted = figures.load(year, opd.id if opd else None)  # the OPDs' gift reports, as on the dashboard
        body = exports.staff_xlsx(rows, title, year, [r for r in counted.rows if r.headcount or opd],
                                  learning_gain=gain.dashboard(opd.id if opd else None, queries.counted_modules()))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record("participation.exported", opd, object_type="org_opd" if opd else "city", actor=current_user,
                 data={"format": fmt, "rows": len(rows)})
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/jam-pelajaran.<any(csv, xlsx):fmt>")
def learning_hours_export(fmt: str):
    """For kepegawaian: one row per person and module completed in the year, with its JP and proof."""
    opd, year = _scope(), _year()
    records = hours.records(year, opd.id if opd else None)
    provider, base = settings.inspectorate_name(), urls.base_url()
    name = f"jam-pelajaran-{(opd.code if opd else 'kota').lower()}-{year}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.learning_hours_csv(records, provider=provider, base=base), "text/csv"
    else:
        body = exports.learning_hours_xlsx(records, provider=provider, base=base, title=_(
            "Learning hours (JP) from the e-learning, %(unit)s, %(year)d",
            unit=opd.name if opd else settings.government_name(), year=year))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record("participation.learning_hours_exported", opd, object_type="org_opd" if opd else "city",
                 actor=current_user, data={"format": fmt, "rows": len(records), "year": year})
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/bukti-dukung.pdf")
def evidence():
    opd, year = _scope(), _year()
    modules = queries.counted_modules()
    counted = figures.load(year, opd.id if opd else None)
    rows = [r for r in counted.rows if r.headcount] if opd is None else counted.rows
    total = queries.city_total(rows) if opd is None else rows[0]
    body = exports.evidence_pdf(opd=opd, title=opd.name if opd else settings.government_name(), year=year,
                                rows=rows, total=total, modules=modules, per_unit=opd is None, as_of=counted.as_of,
                                maker=current_user.employee)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=bukti-dukung-{(opd.code if opd else 'kota').lower()}-{year}.pdf"})


# --- reminders ------------------------------------------------------------------------------------

def _secretary_opd() -> Opd:
    if not has_role(current_user, Role.SECRETARY) or own_opd_id(current_user) is None:
        abort(403)
    return db.session.get(Opd, own_opd_id(current_user))


def _chosen_ids(opd: Opd) -> list[int]:
    if request.form.get("everyone") == "1":
        module_ids = [m.id for m in queries.counted_modules()]
        stmt = queries.staff_query(opd.id, _year(), module_ids)
        return [row.employee.id for row in queries.staff_rows(db.session.execute(stmt), len(module_ids))
                if not row.finished]
    ids = []
    for raw in request.form.getlist("ids")[:5000]:
        if raw.isdigit() and len(raw) < 10:
            ids.append(int(raw))
    return ids


@bp.route("/pengingat", methods=["POST"])
def reminder_preview():
    opd = _secretary_opd()
    ids = _chosen_ids(opd)
    if not ids:
        flash(_("Choose at least one person, or everyone not finished."), "warning")
        return redirect(url_for("participation.staff"))
    return render_template("participation/reminder.html", opd=opd, preview=services.preview(opd, ids))


@bp.route("/pengingat/kirim", methods=["POST"])
def reminder_send():
    opd = _secretary_opd()
    ids = _chosen_ids(opd)
    try:
        sent, without = services.send_reminders(opd, ids, actor=current_user)
    except services.ParticipationError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return render_template("participation/reminder.html", opd=opd, preview=services.preview(opd, ids)), 400
    db.session.commit()
    flash(_("%(sent)d reminders e-mailed; %(inbox)d more in the portal inbox of people without an e-mail address.",
            sent=sent, inbox=without), "success")
    return redirect(url_for("participation.staff"))


# --- early detection and settings ------------------------------------------------------------------

@bp.route("/deteksi-dini")
@role_required(Role.ADMIN, Role.COI_REVIEWER, Role.UPG)
def early_detection():
    year = _year()
    found, city = detection.compute(year, today(), utcnow(), upg=has_role(current_user, Role.UPG))
    if not _city_role():  # the UPG alone: its own signals, not the Inspectorate's others
        found = [s for s in found if s.kind in detection.GIFT_KINDS]
    return render_template("participation/signals.html", signals=found, city=city, year=year,
                           settings=services.config(), city_role=_city_role())


@bp.route("/pengaturan", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings_page():
    cfg = services.config()
    form = ParticipationSettingsForm(data={
        "target_date": services.target_date(), "reminder_daily_limit": cfg["participation.reminder_daily_limit"],
        "digest_enabled": cfg["participation.digest_enabled"], "most_percent": cfg["participation.most_percent"],
        **{key.split(".", 1)[1]: value for key, value in cfg.items() if key.startswith("signals.")}})
    if form.validate_on_submit():
        values = {"participation.target_date": form.target_date.data.isoformat() if form.target_date.data else "",
                  "participation.reminder_daily_limit": form.reminder_daily_limit.data,
                  "participation.digest_enabled": bool(form.digest_enabled.data),
                  "participation.most_percent": form.most_percent.data}
        for key in cfg:
            if key.startswith("signals."):
                values[key] = getattr(form, key.split(".", 1)[1]).data
        settings.save(values, actor=current_user, action="participation.settings_changed")
        db.session.commit()
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("participation.settings_page"))
    return render_template("participation/settings.html", form=form), 400 if form.errors else 200
