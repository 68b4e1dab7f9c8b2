"""Builders shared by the learning tests and the access matrix; they run inside an app
context and go through the editing and attempt services."""
from __future__ import annotations

from portal.learning import editing
from portal.learning.editing import ChoiceInput
from portal.learning.models import QuestionKind


def make_small_module(*, slug: str = "uji", questions_per_attempt: int = 3, pass_mark_percent: int = 60,
                      attempts_per_day: int | None = 2, time_limit_minutes: int | None = None,
                      learning_hours: int = 0) -> int:
    module = editing.save_module(None, slug=slug, topic="wbs", title_id="Modul uji", title_en="Test module",
                                 summary_id="Ringkasan", summary_en="Summary",
                                 questions_per_attempt=questions_per_attempt, pass_mark_percent=pass_mark_percent,
                                 attempts_per_day=attempts_per_day, time_limit_minutes=time_limit_minutes,
                                 learning_hours=learning_hours)
    for n in (1, 2):
        editing.save_lesson(None, module=module, title_id=f"Materi {n}", title_en=f"Lesson {n}",
                            body_id=f"Isi materi **{n}**", body_en=f"Lesson text **{n}**", sources="- Sumber")
    specs = [
        (QuestionKind.SINGLE, [("A", "A", True), ("B", "B", False), ("C", "C", False)]),
        (QuestionKind.MULTIPLE, [("A", "A", True), ("B", "B", True), ("C", "C", False), ("D", "D", False)]),
        (QuestionKind.TRUE_FALSE, [("Benar", "True", False), ("Salah", "False", True)]),
        (QuestionKind.SINGLE, [("X", "X", False), ("Y", "Y", True)]),
    ]
    for i, (kind, choices) in enumerate(specs, start=1):
        editing.save_question(None, module=module, kind=kind, prompt_id=f"Soal {i}", prompt_en=f"Question {i}",
                              explanation_id="Penjelasan", explanation_en="Explanation", source="Sumber",
                              choices=[ChoiceInput(*c) for c in choices])
    return module.id


def learning_sample_args(world) -> dict:
    """Ids for the access matrix: the seed content, and an open attempt of asn.dinkes."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.learning import attempts
    from portal.learning.content import load_content
    from portal.learning.models import Module

    load_content()
    module = db.session.scalar(sa.select(Module).order_by(Module.position))
    attempt = attempts.start_attempt(world.asn["employee_id"], module)
    db.session.commit()
    return {"module_id": module.id, "lesson_id": module.lessons[0].id, "question_id": module.questions[0].id,
            "attempt_id": attempt.id}
