"""Editing modules, lessons and questions: `learning.manage`, for admins and the Inspectorate.

A blueprint of its own, nested in `learning`, so the role guard covers every route in it
by default.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.roles import Role
from portal.extensions import db
from portal.learning import editing, services
from portal.learning.forms import LessonForm, ModuleForm, QuestionForm
from portal.learning.models import Lesson, Module, Question, QuestionKind
from portal.web.permissions import guard, has_role

EDITORS = (Role.ADMIN, Role.COI_REVIEWER)

bp = Blueprint("manage", __name__, url_prefix="/kelola")
bp.before_request(guard(*EDITORS))

ID = "int(max=2147483647)"


def can_manage_content(user) -> bool:
    return has_role(user, *EDITORS)


def _field_error(form, exc: services.LearningError) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None or field.type == "FieldList":  # the choices: shown above their fieldset
        form.form_errors.append(exc.message)
    else:
        field.errors.append(exc.message)


@bp.route("/")
def modules():
    return render_template("learning/manage/modules.html", modules=services.list_modules(active_only=False))


@bp.route("/modul/baru", methods=["GET", "POST"])
@bp.route(f"/modul/<{ID}:module_id>", methods=["GET", "POST"])
def module_form(module_id: int | None = None):
    module = db.get_or_404(Module, module_id) if module_id else None
    form = ModuleForm(obj=module)
    if module is not None and request.method == "GET":
        form.attempts_per_day.data = module.attempts_per_day or 0
        form.time_limit_minutes.data = module.time_limit_minutes or 0
    if form.validate_on_submit():
        try:
            saved = editing.save_module(
                module, slug=form.slug.data, topic=form.topic.data, title_id=form.title_id.data,
                title_en=form.title_en.data, summary_id=form.summary_id.data, summary_en=form.summary_en.data,
                questions_per_attempt=form.questions_per_attempt.data, pass_mark_percent=form.pass_mark_percent.data,
                attempts_per_day=form.attempts_per_day.data, time_limit_minutes=form.time_limit_minutes.data,
                position=form.position.data, active=form.active.data, learning_hours=form.learning_hours.data or 0,
                pretest_size=form.pretest_size.data or 0, actor=current_user)
        except services.LearningError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The module has been saved."), "success")
            return redirect(url_for("learning.manage.module_form", module_id=saved.id))
    return render_template("learning/manage/module_form.html", form=form, module=module)


@bp.route(f"/modul/<{ID}:module_id>/materi/baru", methods=["GET", "POST"])
@bp.route(f"/materi/<{ID}:lesson_id>", methods=["GET", "POST"])
def lesson_form(module_id: int | None = None, lesson_id: int | None = None):
    lesson = db.get_or_404(Lesson, lesson_id) if lesson_id else None
    module = lesson.module if lesson else db.get_or_404(Module, module_id)
    form = LessonForm(obj=lesson)
    if lesson is None and request.method == "GET":
        form.position.data = len(module.lessons) + 1
    if form.validate_on_submit():
        try:
            saved = editing.save_lesson(lesson, module=module, title_id=form.title_id.data,
                                        title_en=form.title_en.data, body_id=form.body_id.data,
                                        body_en=form.body_en.data, sources=form.sources.data or "",
                                        position=form.position.data, actor=current_user)
        except services.LearningError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The lesson has been saved."), "success")
            return redirect(url_for("learning.manage.lesson_form", lesson_id=saved.id))
    return render_template("learning/manage/lesson_form.html", form=form, module=module, lesson=lesson)


def _fill_question_form(form: QuestionForm, question: Question) -> None:
    form.kind.data = question.kind.value
    for row, choice in zip(form.choices, question.choices, strict=False):
        row.form.text_id.data, row.form.text_en.data = choice.text_id, choice.text_en
        row.form.correct.data = choice.is_correct


@bp.route(f"/modul/<{ID}:module_id>/soal/baru", methods=["GET", "POST"])
@bp.route(f"/soal/<{ID}:question_id>", methods=["GET", "POST"])
def question_form(module_id: int | None = None, question_id: int | None = None):
    question = db.get_or_404(Question, question_id) if question_id else None
    module = question.module if question else db.get_or_404(Module, module_id)
    form = QuestionForm(obj=question)
    if request.method == "GET":
        if question is not None:
            _fill_question_form(form, question)
        else:
            form.position.data = len(module.questions) + 1
    if form.validate_on_submit():
        rows = [editing.ChoiceInput(r.form.text_id.data or "", r.form.text_en.data or "", r.form.correct.data)
                for r in form.choices]
        try:
            saved = editing.save_question(
                question, module=module, kind=QuestionKind(form.kind.data), prompt_id=form.prompt_id.data,
                prompt_en=form.prompt_en.data, explanation_id=form.explanation_id.data or "",
                explanation_en=form.explanation_en.data or "", source=form.source.data or "", choices=rows,
                active=form.active.data, position=form.position.data, actor=current_user)
        except services.LearningError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(url_for("learning.manage.question_form", question_id=saved.id))
    used = question is not None and editing.question_was_used(question)
    return render_template("learning/manage/question_form.html", form=form, module=module, question=question,
                           used=used)
