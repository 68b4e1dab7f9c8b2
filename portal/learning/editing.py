"""Editing modules, lessons and questions: in the portal and from the content files alike.

The rules that keep past attempts meaningful live here: a question that has been drawn
into an attempt keeps its kind and its number of choices (their wording may change; the
attempt kept its own record of which ids were correct), so the review of an old attempt
still shows the choices it offered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.extensions import db
from portal.learning.models import AttemptQuestion, Choice, Lesson, Module, PretestAnswer, Question, QuestionKind
from portal.learning.services import LearningError

TOPICS = ("wbs", "coi", "gratification", "other")
MAX_CHOICES = 6
MAX_LEARNING_HOURS = 100  # the column's check constraint says the same


@dataclass(frozen=True)
class ChoiceInput:
    text_id: str
    text_en: str
    correct: bool


def _clean(text: str | None) -> str:
    # Content is Markdown: keep its line breaks, drop trailing blanks and Windows line endings.
    return (text or "").replace("\r\n", "\n").strip()


def _changes(obj, values: dict) -> dict:
    """Set the values and return {field: [before, after]} for those that changed."""
    changed = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changed[name] = [before, value]
            setattr(obj, name, value)
    return changed


def _summary(changed: dict) -> dict:
    # Long texts are not copied into the audit log; the event says which fields changed.
    return {"fields": sorted(changed)}


# --- modules --------------------------------------------------------------------------------------

def save_module(module: Module | None, *, slug: str, topic: str, title_id: str, title_en: str, summary_id: str,
                summary_en: str, questions_per_attempt: int, pass_mark_percent: int, attempts_per_day: int | None,
                time_limit_minutes: int | None, position: int = 0, active: bool = True, learning_hours: int = 0,
                pretest_size: int | None = None, actor=None) -> Module:
    """Create or update a module; `pretest_size` None keeps the module's (the content files do not set it)."""
    slug = slug.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", slug):
        raise LearningError(_l("Use lower-case letters, digits and dashes."), "slug")
    clash = db.session.scalar(sa.select(Module).where(Module.slug == slug))
    if clash is not None and clash is not module:
        raise LearningError(_l("Another module already uses this short name."), "slug")
    if topic not in TOPICS:
        raise LearningError(_l("Choose a topic."), "topic")
    if not 1 <= questions_per_attempt <= 100:
        raise LearningError(_l("Between 1 and 100 questions."), "questions_per_attempt")
    if not 1 <= pass_mark_percent <= 100:
        raise LearningError(_l("A pass mark between 1 and 100 per cent."), "pass_mark_percent")
    if not 0 <= learning_hours <= MAX_LEARNING_HOURS:
        raise LearningError(_l("Between 0 and %(max)d learning hours (JP).", max=MAX_LEARNING_HOURS), "learning_hours")
    if pretest_size is not None:
        _check_pretest_size(module, pretest_size)
    created = module is None
    if created:
        module = Module()
        db.session.add(module)
    values = {} if pretest_size is None else {"pretest_size": pretest_size}
    changed = _changes(module, {**values,
        "slug": slug, "topic": topic, "title_id": title_id.strip(), "title_en": title_en.strip(),
        "summary_id": _clean(summary_id), "summary_en": _clean(summary_en),
        "questions_per_attempt": questions_per_attempt, "pass_mark_percent": pass_mark_percent,
        "attempts_per_day": attempts_per_day or None, "time_limit_minutes": time_limit_minutes or None,
        "position": position, "active": active, "learning_hours": learning_hours})
    db.session.flush()
    if changed:
        audit.record("learning.module_created" if created else "learning.module_updated", module, actor=actor,
                     data=_summary(changed))
    return module


def active_bank_size(module: Module | None) -> int:
    if module is None or module.id is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(
        Question.module_id == module.id, Question.active.is_(True))) or 0


def _check_pretest_size(module: Module | None, pretest_size: int) -> None:
    if pretest_size < 0:
        raise LearningError(_l("Enter a number from %(min)s to %(max)s.", min=0, max=100), "pretest_size")
    if pretest_size == 0:
        return
    bank = active_bank_size(module)
    if pretest_size > min(bank, 100):
        raise LearningError(_l("At most the number of active questions in the bank (%(n)d). Add the questions "
                               "first, then the pre-test.", n=bank), "pretest_size")


def set_pretest_size(module: Module, pretest_size: int, *, actor=None) -> None:
    """Only the module's pre-test size (the demo data's; the editor saves it with the rest)."""
    _check_pretest_size(module, pretest_size)
    changed = _changes(module, {"pretest_size": pretest_size})
    db.session.flush()
    if changed:
        audit.record("learning.module_updated", module, actor=actor, data=_summary(changed))


def set_learning_hours(module: Module, learning_hours: int, *, actor=None) -> None:
    """Only the module's JP (the demo data's; the editor saves it with the rest)."""
    if not 0 <= learning_hours <= MAX_LEARNING_HOURS:
        raise LearningError(_l("Between 0 and %(max)d learning hours (JP).", max=MAX_LEARNING_HOURS), "learning_hours")
    changed = _changes(module, {"learning_hours": learning_hours})
    db.session.flush()
    if changed:
        audit.record("learning.module_updated", module, actor=actor, data=_summary(changed))


# --- lessons --------------------------------------------------------------------------------------

def _free_lesson_slug(module: Module, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:56] or "materi"
    taken = set(db.session.scalars(sa.select(Lesson.slug).where(Lesson.module_id == module.id)))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_lesson(lesson: Lesson | None, *, module: Module, title_id: str, title_en: str, body_id: str, body_en: str,
                sources: str, position: int | None = None, slug: str | None = None, actor=None) -> Lesson:
    if not _clean(body_id) or not _clean(body_en):
        raise LearningError(_l("Write the lesson in both languages."), "body_id" if not _clean(body_id) else "body_en")
    created = lesson is None
    if created:
        # Everything that queries comes before the new row exists: autoflush must not see it half-filled.
        if position is None:
            position = max((x.position for x in module.lessons), default=0) + 1
        lesson = Lesson(module=module, slug=slug or _free_lesson_slug(module, title_id))
        db.session.add(lesson)
    values = {"title_id": title_id.strip(), "title_en": title_en.strip(), "body_id": _clean(body_id),
              "body_en": _clean(body_en), "sources": _clean(sources)}
    if position is not None:
        values["position"] = position
    changed = _changes(lesson, values)
    db.session.flush()
    if changed:
        audit.record("learning.lesson_created" if created else "learning.lesson_updated", lesson, actor=actor,
                     data=_summary(changed))
    return lesson


# --- questions ------------------------------------------------------------------------------------

def question_was_used(question: Question) -> bool:
    """Drawn into a quiz attempt or a pre-test: both keep the choice ids they showed."""
    if question.id is None:
        return False
    return bool(db.session.scalar(sa.select(sa.or_(
        sa.exists(sa.select(AttemptQuestion.id).where(AttemptQuestion.question_id == question.id)),
        sa.exists(sa.select(PretestAnswer.id).where(PretestAnswer.question_id == question.id))))))


def _check_choices(kind: QuestionKind, rows: list[ChoiceInput]) -> list[ChoiceInput]:
    rows = [ChoiceInput(_clean(r.text_id), _clean(r.text_en), bool(r.correct)) for r in rows]
    if any(r.correct and not (r.text_id or r.text_en) for r in rows):
        raise LearningError(_l("A choice marked correct needs its text."), "choices")
    rows = [r for r in rows if r.text_id or r.text_en]
    if any(not (r.text_id and r.text_en) for r in rows):
        raise LearningError(_l("Write every choice in both languages."), "choices")
    if len(rows) > MAX_CHOICES:
        raise LearningError(_l("At most %(n)d choices.", n=MAX_CHOICES), "choices")
    correct = sum(r.correct for r in rows)
    if kind == QuestionKind.TRUE_FALSE and len(rows) != 2:
        raise LearningError(_l("A true-or-false question has exactly two choices."), "choices")
    if len(rows) < 2:
        raise LearningError(_l("Give at least two choices."), "choices")
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        raise LearningError(_l("Mark exactly one choice as correct."), "choices")
    if kind == QuestionKind.MULTIPLE and correct < 1:
        raise LearningError(_l("Mark at least one choice as correct."), "choices")
    return rows


def save_question(question: Question | None, *, module: Module, kind: QuestionKind, prompt_id: str, prompt_en: str,
                  explanation_id: str, explanation_en: str, source: str, choices: list[ChoiceInput],
                  active: bool = True, position: int | None = None, key: str | None = None,
                  actor=None) -> Question:
    if not _clean(prompt_id) or not _clean(prompt_en):
        raise LearningError(_l("Write the question in both languages."), "prompt_id" if not _clean(prompt_id)
                            else "prompt_en")
    rows = _check_choices(kind, choices)
    created = question is None
    if not created and question_was_used(question):
        if kind != question.kind:
            raise LearningError(_l("This question has been used in quizzes, so its kind cannot change. "
                                   "Deactivate it and add a new question instead."), "kind")
        if len(rows) != len(question.choices):
            raise LearningError(_l("This question has been used in quizzes: its choices can be reworded but not "
                                   "added or removed. Deactivate it and add a new question instead."), "choices")
    if created:
        if position is None:
            position = max((q.position for q in module.questions), default=0) + 1
        question = Question(module=module, key=key or _free_question_key(module))
        db.session.add(question)
    values = {"kind": kind, "prompt_id": _clean(prompt_id), "prompt_en": _clean(prompt_en),
              "explanation_id": _clean(explanation_id), "explanation_en": _clean(explanation_en),
              "source": _clean(source), "active": active}
    if position is not None:
        values["position"] = position
    changed = _changes(question, values)
    if _set_choices(question, rows):
        changed["choices"] = True
    db.session.flush()
    if changed:
        audit.record("learning.question_created" if created else "learning.question_updated", question,
                     actor=actor, data=_summary(changed))
    return question


def _set_choices(question: Question, rows: list[ChoiceInput]) -> bool:
    """Update choices in place by position (their ids stay valid for past attempts)."""
    changed = False
    existing = list(question.choices)
    for i, row in enumerate(rows):
        if i < len(existing):
            changed |= bool(_changes(existing[i], {"position": i + 1, "text_id": row.text_id,
                                                   "text_en": row.text_en, "is_correct": row.correct}))
        else:
            question.choices.append(Choice(position=i + 1, text_id=row.text_id, text_en=row.text_en,
                                           is_correct=row.correct))
            changed = True
    for extra in existing[len(rows):]:
        question.choices.remove(extra)
        changed = True
    return changed


def _free_question_key(module: Module) -> str:
    taken = set(db.session.scalars(sa.select(Question.key).where(Question.module_id == module.id)))
    n = len(taken) + 1
    while f"{module.slug}-p{n:03d}" in taken:
        n += 1
    return f"{module.slug}-p{n:03d}"
