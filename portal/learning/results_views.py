"""Learning results: `learning.results`. Secretaries see their OPD, the Inspectorate and admins
the city; an employee's own page is open to them, their OPD's secretary and the city roles."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.core.clock import today
from portal.core.roles import Role
from portal.extensions import db
from portal.learning import analysis, attempts, gain, hours, results, services
from portal.learning.models import Module, Question
from portal.org.models import Employee, Opd
from portal.org.services import list_opds
from portal.web.params import int_arg, paginate
from portal.web.permissions import can_view_employee, guard, has_role, own_opd_id, role_required, sees_all_opds

bp = Blueprint("results", __name__, url_prefix="/hasil")
bp.before_request(guard())

PER_PAGE = 50
ANALYSTS = (Role.ADMIN, Role.COI_REVIEWER)  # the item analysis: the Inspectorate and admins


@bp.route("/")
@role_required(Role.SECRETARY, Role.ADMIN, Role.COI_REVIEWER)
def overview():
    city = sees_all_opds(current_user)
    opd_id = int_arg("opd") if city else None  # a secretary's scope is never a parameter
    q = request.args.get("q", "", type=str)[:100]
    modules = services.list_modules()
    module = next((m for m in modules if m.id == int_arg("module")), None)
    status = request.args.get("status", "", type=str)
    status = status if module is not None and status in results.STATUSES else ""
    stmt = results.employees_query(current_user, q=q, opd_id=opd_id or None, module=module, status=status)
    page = paginate(stmt, PER_PAGE)
    cells = results.cells_for([e.id for e in page.items], modules)
    own_opd = None if city else db.session.get(Opd, own_opd_id(current_user) or 0)
    scoped = results.scoped_employee_ids(current_user, opd_id or None)
    module_ids = [m.id for m in modules]
    gain_modules = gain.by_module(scoped, module_ids)
    gain_opds = gain.by_opd(scoped, [module.id] if module else module_ids) if city else {}
    return render_template("learning/results/overview.html", page=page, cells=cells, modules=modules,
                           gain_modules=gain_modules, gain_opds=gain_opds, min_pairs=gain.MIN_PAIRS,
                           summaries=results.summaries(current_user, modules, opd_id or None), q=q,
                           opd_id=opd_id, opds=list_opds() if city else [], own_opd=own_opd,
                           module=module, status=status, statuses=results.STATUSES,
                           item_analysis=has_role(current_user, *ANALYSTS))


@bp.route("/pegawai/<int(max=2147483647):employee_id>")
def employee(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if not can_view_employee(current_user, employee):
        abort(404)
    modules = services.list_modules()
    year = today().year
    return render_template("learning/results/employee.html", employee=employee, modules=modules,
                           progress=services.progress_for(employee.id, modules),
                           history=attempts.list_attempts(employee.id), year=year,
                           pairs=gain.for_person(employee.id),
                           learning_hours=hours.total(employee.id, year))


@bp.route("/analisis-soal/")
@bp.route("/analisis-soal/<int(max=2147483647):module_id>")
@role_required(*ANALYSTS)
def item_analysis(module_id: int | None = None):
    """Item analysis of one module's quiz (learning/analysis.py), from the kept figures."""
    modules = services.list_modules(active_only=False)
    module_id = module_id or int_arg("module")  # the page's module picker is a GET form
    if not module_id:
        if not modules:
            abort(404)
        module = modules[0]
    else:
        module = db.get_or_404(Module, module_id)
    scope = "all" if request.args.get("attempts") == "all" else "first"
    kept = analysis.load(module.id, scope)
    db.session.commit()  # load() may have recounted and kept the figures
    questions = analysis.bank(module.id)
    return render_template("learning/results/item_analysis.html", module=module, modules=modules, scope=scope,
                           figures=kept.figures, as_of=kept.as_of, questions=questions, a=analysis,
                           choices={c.id: c for q in questions.values() for c in q.choices},
                           refresh_minutes=int(analysis.interval().total_seconds()) // 60)


@bp.route("/analisis-soal/soal/<int(max=2147483647):question_id>")
@role_required(*ANALYSTS)
def item_analysis_question(question_id: int):
    """One question's options: the share choosing each, overall and in the upper and lower groups."""
    question = db.get_or_404(Question, question_id)
    scope = "all" if request.args.get("attempts") == "all" else "first"
    kept = analysis.load(question.module_id, scope)
    db.session.commit()  # load() may have recounted and kept the figures
    item = next((i for i in kept.figures.items if i.question_id == question.id), None)
    return render_template("learning/results/item_analysis_question.html", question=question, item=item,
                           scope=scope, a=analysis, choices={c.id: c for c in question.choices})
