"""E-learning: modules with lessons and a question bank, quiz attempts, reading and completion.

Content is bilingual data (`*_id` / `*_en` columns side by side), not gettext. An attempt
keeps what it issued (the drawn questions, the shuffled choice order and the correct choice
ids at the time of drawing), so grading and review never depend on later edits to the bank.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.enums import LabelledEnum
from portal.extensions import db


def _pick(obj, field: str, locale: str) -> str:
    # English when asked for and present; Indonesian (the default and the reference text) otherwise.
    if locale == "en":
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_id")
    return getattr(obj, f"{field}_id")


class QuestionKind(LabelledEnum):
    SINGLE = "single", _l("Single choice")
    MULTIPLE = "multiple", _l("Multiple choice (all that apply)")
    TRUE_FALSE = "true_false", _l("True or false")


class Module(db.Model):
    __tablename__ = "learning_module"
    __table_args__ = (
        sa.CheckConstraint("questions_per_attempt BETWEEN 1 AND 100", name="questions_per_attempt_range"),
        sa.CheckConstraint("pass_mark_percent BETWEEN 1 AND 100", name="pass_mark_range"),
        sa.CheckConstraint("attempts_per_day IS NULL OR attempts_per_day >= 1", name="attempts_per_day_positive"),
        sa.CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes >= 1", name="time_limit_positive"),
        sa.CheckConstraint("learning_hours BETWEEN 0 AND 100", name="learning_hours_range"),
        sa.CheckConstraint("pretest_size BETWEEN 0 AND 100", name="pretest_size_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    topic: Mapped[str] = mapped_column(sa.String(32))  # wbs | coi | gratification | other
    position: Mapped[int] = mapped_column(default=0)
    title_id: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    summary_id: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    questions_per_attempt: Mapped[int] = mapped_column(default=10)
    pass_mark_percent: Mapped[int] = mapped_column(default=80)
    attempts_per_day: Mapped[int | None] = mapped_column(default=3)  # None: unlimited
    time_limit_minutes: Mapped[int | None]  # None: no time limit
    # Learning hours (jam pelajaran, JP) a completion earns, set by the admin; 0: not set.
    learning_hours: Mapped[int] = mapped_column(default=0, server_default="0")
    # Questions of the pre-test drawn from the same bank before the first lesson; 0: no pre-test.
    pretest_size: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="(Lesson.position, Lesson.id)")
    questions: Mapped[list[Question]] = relationship(back_populates="module",
                                                       order_by="(Question.position, Question.id)")

    def title(self, locale: str) -> str:
        return _pick(self, "title", locale)

    def summary(self, locale: str) -> str:
        return _pick(self, "summary", locale)

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Lesson(db.Model):
    __tablename__ = "learning_lesson"
    __table_args__ = (sa.UniqueConstraint("module_id", "slug", name="uq_learning_lesson_module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    title_id: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    body_id: Mapped[str] = mapped_column(sa.Text)  # Markdown
    body_en: Mapped[str] = mapped_column(sa.Text)  # Markdown
    sources: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown, one source per line
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    module: Mapped[Module] = relationship(back_populates="lessons")

    def title(self, locale: str) -> str:
        return _pick(self, "title", locale)

    def body(self, locale: str) -> str:
        return _pick(self, "body", locale)


class Question(db.Model):
    __tablename__ = "learning_question"
    __table_args__ = (sa.UniqueConstraint("module_id", "key", name="uq_learning_question_module_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))  # stable id from the content file
    kind: Mapped[QuestionKind]
    position: Mapped[int] = mapped_column(default=0)
    prompt_id: Mapped[str] = mapped_column(sa.Text)
    prompt_en: Mapped[str] = mapped_column(sa.Text)
    explanation_id: Mapped[str] = mapped_column(sa.Text, default="")
    explanation_en: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    module: Mapped[Module] = relationship(back_populates="questions")
    choices: Mapped[list[Choice]] = relationship(back_populates="question", order_by="(Choice.position, Choice.id)",
                                                   cascade="all, delete-orphan")

    def prompt(self, locale: str) -> str:
        return _pick(self, "prompt", locale)

    def explanation(self, locale: str) -> str:
        return _pick(self, "explanation", locale)


class Choice(db.Model):
    __tablename__ = "learning_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text_id: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    is_correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="choices")

    def text(self, locale: str) -> str:
        return _pick(self, "text", locale)


class Attempt(db.Model):
    __tablename__ = "learning_attempt"
    __table_args__ = (
        # At most one open attempt per person and module: a double click on "start" cannot open two.
        sa.Index("uq_learning_attempt_open", "employee_id", "module_id", unique=True,
                 sqlite_where=sa.text("submitted_at IS NULL"), postgresql_where=sa.text("submitted_at IS NULL")),
        sa.Index("ix_learning_attempt_employee_module_started", "employee_id", "module_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]  # server time; None when the module has no time limit
    last_saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]  # set exactly once, by a conditional UPDATE
    timed_out: Mapped[bool] = mapped_column(default=False)
    pass_mark_percent: Mapped[int]  # the module's pass mark when the attempt started
    question_count: Mapped[int] = mapped_column(default=0)
    correct_count: Mapped[int | None]
    score_percent: Mapped[int | None]
    passed: Mapped[bool | None]

    module: Mapped[Module] = relationship(lazy="joined")
    employee = relationship("Employee")
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class AttemptQuestion(db.Model):
    """One drawn question of an attempt, with the order its choices were shown in and the answer."""

    __tablename__ = "learning_attempt_question"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "question_id", name="uq_learning_attempt_question_question"),
        sa.UniqueConstraint("attempt_id", "position", name="uq_learning_attempt_question_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_attempt.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_question.id"), index=True)
    position: Mapped[int]
    kind: Mapped[QuestionKind]
    choice_order: Mapped[list] = mapped_column(sa.JSON)  # choice ids as shown
    correct_choice_ids: Mapped[list] = mapped_column(sa.JSON)
    selected_choice_ids: Mapped[list | None] = mapped_column(sa.JSON)
    answered_at: Mapped[datetime | None]
    is_correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    question: Mapped[Question] = relationship()

    def shown_choices(self) -> list[Choice]:
        """The question's choices in the order this attempt showed them."""
        by_id = {c.id: c for c in self.question.choices}
        return [by_id[i] for i in self.choice_order if i in by_id]


class LessonRead(db.Model):
    __tablename__ = "learning_lesson_read"
    __table_args__ = (sa.UniqueConstraint("employee_id", "lesson_id", name="uq_learning_lesson_read_employee_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"))
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_lesson.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class Completion(db.Model):
    """A module completed: every lesson read and the quiz passed. The certificates area starts here."""

    __tablename__ = "learning_completion"
    __table_args__ = (
        sa.UniqueConstraint("employee_id", "module_id", name="uq_learning_completion_employee_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_attempt.id"))
    score_percent: Mapped[int]
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()
    employee = relationship("Employee")


class ItemAnalysis(db.Model):
    """A module's item-analysis figures as analysis.compute() counted them, kept for the page.

    `refreshing_since` is the claim: a conditional UPDATE sets it, so of several workers and
    web processes exactly one recounts a module at a time."""

    __tablename__ = "learning_item_analysis"

    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    scope: Mapped[str] = mapped_column(sa.String(8), primary_key=True)  # first | all (attempts)
    computed_at: Mapped[datetime | None]
    refreshing_since: Mapped[datetime | None]
    duration_ms: Mapped[int] = mapped_column(default=0)
    figures: Mapped[dict | None] = mapped_column(sa.JSON)


class Pretest(db.Model):
    """A module's pre-test of one person: drawn from the quiz's bank before any lesson is read.

    Not an Attempt, on purpose: attempts decide passing, daily limits, completions, the item
    analysis and certificates; a pre-test counts for none of them. It only measures where the
    learner started, for the normalised gain (gain.py). One per person and module, ever.
    """

    __tablename__ = "learning_pretest"
    __table_args__ = (
        sa.UniqueConstraint("employee_id", "module_id", name="uq_learning_pretest_employee_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_module.id"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("org_employee.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]  # set exactly once, by a conditional UPDATE (as an attempt's)
    question_count: Mapped[int] = mapped_column(default=0)
    correct_count: Mapped[int | None]
    score_percent: Mapped[int | None]

    module: Mapped[Module] = relationship(lazy="joined")
    # Named like Attempt.questions, so attempts.py's answer checks and grading serve both.
    questions: Mapped[list[PretestAnswer]] = relationship(
        back_populates="pretest", order_by="PretestAnswer.position", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class PretestAnswer(db.Model):
    """One drawn question of a pre-test, shaped like AttemptQuestion (choice order, key, answer)."""

    __tablename__ = "learning_pretest_answer"
    __table_args__ = (
        sa.UniqueConstraint("pretest_id", "question_id", name="uq_learning_pretest_answer_question"),
        sa.UniqueConstraint("pretest_id", "position", name="uq_learning_pretest_answer_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pretest_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_pretest.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_question.id"), index=True)
    position: Mapped[int]
    kind: Mapped[QuestionKind]
    choice_order: Mapped[list] = mapped_column(sa.JSON)
    correct_choice_ids: Mapped[list] = mapped_column(sa.JSON)
    selected_choice_ids: Mapped[list | None] = mapped_column(sa.JSON)
    answered_at: Mapped[datetime | None]
    is_correct: Mapped[bool | None]

    pretest: Mapped[Pretest] = relationship(back_populates="questions")
    question: Mapped[Question] = relationship()

    def shown_choices(self) -> list[Choice]:
        by_id = {c.id: c for c in self.question.choices}
        return [by_id[i] for i in self.choice_order if i in by_id]
