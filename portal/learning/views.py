"""E-learning for every account: modules, lessons in order, the quiz and its review.

Progress belongs to an employee (OPD scoping and certificates need one); an account without
an employee record (the technical `admin`) can read but records nothing. Attempts are
visible to their owner only: anyone else gets a 404, so ids reveal nothing.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.core.clock import today
from portal.extensions import db
from portal.learning import attempts, hours, pretest, services
from portal.learning.forms import AnswerFormatError, AttemptForm, parse_answers
from portal.learning.manage_views import bp as manage_bp
from portal.learning.manage_views import can_manage_content
from portal.learning.markdown import render_markdown
from portal.learning.models import Attempt, AttemptQuestion, Module, Pretest, PretestAnswer, Question
from portal.learning.results_views import bp as results_bp
from portal.web.forms import ActionForm
from portal.web.permissions import guard

bp = Blueprint("learning", __name__, url_prefix="/belajar")
bp.before_request(guard())
bp.register_blueprint(manage_bp)
bp.register_blueprint(results_bp)
bp.add_app_template_filter(render_markdown, "markdown")

ID = "int(max=2147483647)"


def _employee_id() -> int | None:
    return current_user.employee_id


def _module(module_id: int) -> Module:
    module = db.get_or_404(Module, module_id)
    if not module.active and not can_manage_content(current_user):
        abort(404)
    return module


# The quiz and review pages show every question with its choices: load them in three queries.
DISPLAY = [selectinload(Attempt.questions).joinedload(AttemptQuestion.question).selectinload(Question.choices)]


def _own_attempt(attempt_id: int, *, display: bool = True) -> Attempt:
    attempt = db.get_or_404(Attempt, attempt_id, options=DISPLAY if display else None)
    if _employee_id() is None or attempt.employee_id != _employee_id():
        abort(404)
    return attempt


@bp.route("/")
def index():
    modules = services.list_modules()
    progress = services.progress_for(_employee_id(), modules) if _employee_id() else {}
    year = today().year
    earned = hours.total(_employee_id(), year) if _employee_id() else None
    return render_template("learning/index.html", modules=modules, progress=progress, year=year,
                           learning_hours=earned, yearly_target=hours.YEARLY_TARGET)


@bp.route(f"/modul/<{ID}:module_id>")
def module(module_id: int):
    module = _module(module_id)
    progress = services.module_progress(_employee_id(), module) if _employee_id() else None
    return render_template("learning/module.html", module=module, progress=progress,
                           pretest_due=pretest.is_due(_employee_id(), module))


def _pretest_first(module):
    """A redirect to the pre-test while it is due (before any lesson or quiz), else None."""
    if not pretest.is_due(_employee_id(), module):
        return None
    flash(_("This module starts with a short pre-test, before the first lesson. It does not count "
            "towards passing; it shows what you knew before, so the portal can show what you learned."), "info")
    return redirect(url_for("learning.pretest", module_id=module.id))


@bp.route(f"/modul/<{ID}:module_id>/materi/<{ID}:lesson_id>")
def lesson(module_id: int, lesson_id: int):
    module = _module(module_id)
    if (first := _pretest_first(module)) is not None:
        return first
    lesson = services.get_lesson_in(module, lesson_id) or abort(404)
    previous, following = services.neighbours(lesson)
    progress = services.module_progress(_employee_id(), module) if _employee_id() else None
    return render_template("learning/lesson.html", module=module, lesson=lesson, previous=previous,
                           following=following, progress=progress, form=ActionForm())


@bp.route(f"/modul/<{ID}:module_id>/materi/<{ID}:lesson_id>/selesai", methods=["POST"])
def lesson_read(module_id: int, lesson_id: int):
    module = _module(module_id)
    lesson = services.get_lesson_in(module, lesson_id) or abort(404)
    if (first := _pretest_first(module)) is not None:
        return first
    if not ActionForm().validate_on_submit() or _employee_id() is None:
        flash(_("Only accounts linked to an employee record their progress."), "info")
        return redirect(url_for("learning.lesson", module_id=module.id, lesson_id=lesson.id))
    completion = services.mark_lesson_read(_employee_id(), lesson)
    db.session.commit()
    if completion is not None:
        flash(_("You have completed this module."), "success")
    following = services.neighbours(lesson)[1]
    if following is not None:
        return redirect(url_for("learning.lesson", module_id=module.id, lesson_id=following.id))
    flash(_("You have reached the last lesson. Take the quiz when you are ready."), "info")
    return redirect(url_for("learning.quiz", module_id=module.id))


@bp.route(f"/modul/<{ID}:module_id>/kuis", methods=["GET", "POST"])
def quiz(module_id: int):
    module = _module(module_id)
    if (first := _pretest_first(module)) is not None:
        return first
    form = ActionForm()
    if form.validate_on_submit():
        if _employee_id() is None:
            flash(_("Only accounts linked to an employee can take quizzes."), "warning")
            return redirect(url_for("learning.quiz", module_id=module.id))
        try:
            attempt = attempts.start_attempt(_employee_id(), module)
        except services.LearningError as exc:
            flash(str(exc.message), "warning")
            return redirect(url_for("learning.quiz", module_id=module.id))
        db.session.commit()
        return redirect(url_for("learning.attempt", attempt_id=attempt.id))
    progress = services.module_progress(_employee_id(), module) if _employee_id() else None
    history = attempts.list_attempts(_employee_id(), module) if _employee_id() else []
    return render_template("learning/quiz.html", module=module, progress=progress, history=history, form=form)


# --- an attempt -----------------------------------------------------------------------------

def _message(status: str) -> tuple[str, str]:
    # Built per call: gettext needs the request's language.
    return {
        attempts.SAVED: ("success", _("Your answers have been saved.")),
        attempts.GRADED: ("success", _("Your answers have been graded.")),
        attempts.ALREADY_SUBMITTED: ("warning", _("This attempt had already been submitted, so nothing was "
                                                  "changed. Its result is below.")),
        attempts.TIMED_OUT: ("warning", _("The time limit had passed, so answers sent after it were not "
                                          "accepted. The answers saved in time have been graded.")),
    }[status]


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _answer(attempt_id: int, status: str, message: tuple[str, str], completed: bool = False):
    category, text = message
    target = url_for("learning.attempt" if status == attempts.SAVED else "learning.attempt_result",
                     attempt_id=attempt_id)
    if _wants_json():
        return jsonify(status=status, message=text, location=target), 200
    flash(text, category)
    if completed:
        flash(_("You have completed this module."), "success")
    return redirect(target)


def _refuse(attempt_id: int, message: str):
    db.session.rollback()
    if _wants_json():
        return jsonify(status="refused", message=message), 422
    flash(message, "danger")
    return redirect(url_for("learning.attempt", attempt_id=attempt_id))


@bp.route(f"/percobaan/<{ID}:attempt_id>", methods=["GET", "POST"])
def attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id, display=request.method == "GET")
    form = AttemptForm()
    if form.validate_on_submit():
        try:
            answers = parse_answers(request.form)
            submit = bool(form.finish.data)
            outcome = (attempts.submit_attempt if submit else attempts.save_answers)(attempt, answers)
        except AnswerFormatError:
            return _refuse(attempt_id, _("The answers could not be read. Nothing was saved; please choose again."))
        except services.LearningError as exc:
            return _refuse(attempt_id, str(exc.message))
        message = _message(outcome.status)  # before the commit expires the user the language comes from
        db.session.commit()
        return _answer(attempt_id, outcome.status, message, outcome.completed)
    expired = attempts.close_if_expired(attempt)
    if expired is not None:
        message = _message(expired.status)
        db.session.commit()
        return _answer(attempt_id, expired.status, message, expired.completed)
    if not attempt.is_open:
        return redirect(url_for("learning.attempt_result", attempt_id=attempt_id))
    return render_template("learning/attempt.html", attempt=attempt, module=attempt.module, form=form,
                           seconds_left=attempts.seconds_left(attempt))


@bp.route(f"/percobaan/<{ID}:attempt_id>/hasil")
def attempt_result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("learning.attempt", attempt_id=attempt.id))
    completion = services.get_completion(attempt.employee_id, attempt.module)
    return render_template("learning/result.html", attempt=attempt, module=attempt.module, completion=completion)


# --- the pre-test (one per person and module, so its address is the module's) ---------------------

@bp.route(f"/modul/<{ID}:module_id>/pra-tes", methods=["GET", "POST"], endpoint="pretest")
def pretest_page(module_id: int):
    """The intro and its start button, the questions while open, the score once submitted."""
    module = _module(module_id)
    employee_id = _employee_id()
    taken = pretest.get(employee_id, module) if employee_id else None
    form = ActionForm()
    if form.validate_on_submit() and employee_id is not None:
        try:
            pretest.start(employee_id, module)
        except services.LearningError as exc:
            flash(str(exc.message), "warning")
            return redirect(url_for("learning.module", module_id=module.id))
        db.session.commit()
        return redirect(url_for("learning.pretest", module_id=module.id))
    if taken is not None and not taken.is_open:
        return render_template("learning/pretest_result.html", module=module, pretest=taken)
    if taken is not None:
        taken = db.session.get(Pretest, taken.id, options=PRETEST_DISPLAY, populate_existing=True)
        return render_template("learning/pretest.html", module=module, pretest=taken, form=AttemptForm())
    if not pretest.is_due(employee_id, module):
        flash(_("This module has no pre-test for you: you can go straight to the lessons."), "info")
        return redirect(url_for("learning.module", module_id=module.id))
    return render_template("learning/pretest_intro.html", module=module, form=form)


PRETEST_DISPLAY = [selectinload(Pretest.questions).joinedload(PretestAnswer.question).selectinload(Question.choices)]


def _pretest_message(status: str) -> tuple[str, str]:
    return {
        pretest.SAVED: ("success", _("Your answers have been saved.")),
        pretest.GRADED: ("success", _("Your pre-test has been submitted.")),
        pretest.ALREADY_SUBMITTED: ("warning", _("This pre-test had already been submitted, so nothing was "
                                                 "changed.")),
    }[status]


@bp.route(f"/modul/<{ID}:module_id>/pra-tes/jawaban", methods=["POST"])
def pretest_answers(module_id: int):
    """Save or submit the learner's own open pre-test (the module's page if there is none)."""
    module = _module(module_id)
    target = url_for("learning.pretest", module_id=module.id)
    employee_id = _employee_id()
    taken = pretest.get(employee_id, module) if employee_id is not None else None
    form = AttemptForm()
    if taken is None or not form.validate_on_submit():
        if _wants_json():
            return jsonify(status="refused", message=_("The answers could not be read. Nothing was saved; "
                                                       "please choose again."), location=target), 422
        return redirect(target)
    try:
        answers = parse_answers(request.form)
        status = (pretest.submit if form.finish.data else pretest.save_answers)(taken, answers)
    except AnswerFormatError:
        message = _("The answers could not be read. Nothing was saved; please choose again.")
    except services.LearningError as exc:
        message = str(exc.message)
    else:
        category, text = _pretest_message(status)
        db.session.commit()
        if _wants_json():
            return jsonify(status=status, message=text, location=target), 200
        flash(text, category)
        return redirect(target)
    db.session.rollback()
    if _wants_json():
        return jsonify(status="refused", message=message), 422
    flash(message, "danger")
    return redirect(target)
