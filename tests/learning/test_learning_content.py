"""The seed content: what the issue asks of it, loading it (idempotent, keeps portal edits),
and refusing broken files."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from flask_babel import force_locale
import sqlalchemy as sa

from portal.extensions import db
from portal.learning import content
from portal.learning.models import Lesson, Module, Question, QuestionKind
from tests.learning.conftest import count

SPECS = content.read_all()


def test_three_modules_on_both_regulations_and_gratification():
    assert {s["topic"] for s in SPECS} == {"wbs", "coi", "gratification"}


@pytest.mark.parametrize("spec", SPECS, ids=[s["slug"] for s in SPECS])
def test_each_module_has_lessons_in_both_languages_with_sources(spec):
    assert len(spec["lessons"]) >= 3
    for lesson in spec["lessons"]:
        assert lesson["body_id"].strip() and lesson["body_en"].strip()
        assert lesson["body_id"] != lesson["body_en"]
        assert lesson["sources"] and all(re.search(r"https?://", s) for s in lesson["sources"]), lesson["slug"]


@pytest.mark.parametrize("spec", SPECS, ids=[s["slug"] for s in SPECS])
def test_each_bank_has_fifteen_questions_of_every_kind_with_explanation_and_source(spec):
    questions = spec["questions"]
    assert len(questions) >= 15
    assert {q["kind"] for q in questions} == {"single", "multiple", "true_false"}
    for q in questions:
        for field in ("prompt_id", "prompt_en", "explanation_id", "explanation_en", "source"):
            assert q[field].strip(), (q["key"], field)
        assert all(c.text_id and c.text_en for c in q["choice_inputs"]), q["key"]


def _text(spec) -> str:
    return " ".join(l["body_id"] + l["body_en"] for l in spec["lessons"])


def test_lessons_say_what_the_portal_applies_and_what_changed_nationally():
    by_topic = {s["topic"]: _text(s) for s in SPECS}
    assert "Pasal 6 Perwako 27/2019" in by_topic["coi"] and "Article 6 of Perwako 27/2019" in by_topic["coi"]
    assert "sebagaimana diterapkan portal ini" in by_topic["coi"] and "tenggat" in by_topic["coi"].lower()
    assert "Permenpan RB 17/2024" in by_topic["coi"]
    assert "sebagaimana diterapkan portal ini" in by_topic["wbs"] and "as the portal applies" in by_topic["wbs"]
    assert "Peraturan KPK 1/2026" in by_topic["gratification"] and "KPK Regulation 1/2026" in by_topic["gratification"]
    assert "30 (tiga puluh) hari kerja" in by_topic["gratification"] and "UPG" in by_topic["gratification"]
    assert "5W+1H" in by_topic["wbs"]


def test_no_question_rests_on_the_unconfirmed_2026_thresholds():
    for spec in SPECS:
        for q in spec["questions"]:
            text = json.dumps(q, default=str, ensure_ascii=False)
            assert "1,5 juta" not in text and "500 ribu" not in text and "1.5 million" not in text, q["key"]


def test_load_creates_everything_then_nothing(app):
    with app.app_context():
        first = content.load_content()
        db.session.commit()
        again = content.load_content()
        db.session.commit()
    assert (first.modules, first.lessons, first.questions) == (3, sum(len(s["lessons"]) for s in SPECS),
                                                              sum(len(s["questions"]) for s in SPECS))
    assert (again.modules, again.lessons, again.questions, again.updated) == (0, 0, 0, 0)
    assert count(app, Module) == 3
    with app.app_context():
        tf = db.session.scalars(sa.select(Question).where(Question.kind == QuestionKind.TRUE_FALSE)).first()
        assert [c.text_id for c in tf.choices] == ["Benar", "Salah"] and sum(c.is_correct for c in tf.choices) == 1


def test_reload_keeps_portal_edits_unless_overwritten(app, seed_content):
    with app.app_context():
        lesson = db.session.scalars(sa.select(Lesson).order_by(Lesson.id)).first()
        lesson.body_id = "Disunting di portal"
        original = lesson.body_en
        lesson.body_en = "Edited in the portal"
        lesson_id = lesson.id
        db.session.commit()
        content.load_content()
        db.session.commit()
        assert db.session.get(Lesson, lesson_id).body_id == "Disunting di portal"
        content.load_content(overwrite=True)
        db.session.commit()
        assert db.session.get(Lesson, lesson_id).body_en == original


@pytest.fixture
def broken_copy(tmp_path):
    root = tmp_path / "learning"
    shutil.copytree(content.CONTENT_DIR, root)
    return root


def _edit_questions(root, change):
    path = root / "wbs" / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("change, message", [
    (lambda d: d[0]["choices"][1].update(correct=True), "exactly one choice"),
    (lambda d: d[0].update(kind="essay"), "unknown kind"),
    (lambda d: d[1].update(key=d[0]["key"]), "duplicate key"),
    (lambda d: d[0].update(source=""), "missing source"),
    (lambda d: d[2].pop("answer"), "true_false"),
])
def test_broken_question_file_is_refused_with_its_place(app, broken_copy, change, message):
    _edit_questions(broken_copy, change)
    with app.app_context(), force_locale("en"), pytest.raises(content.ContentError, match=message):
        content.load_content(broken_copy)
        db.session.rollback()


def test_learning_hours_come_from_the_settings_or_stay_unset(app, broken_copy):
    path = broken_copy / "wbs" / "module.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["settings"]["learning_hours"] = 3
    path.write_text(json.dumps(spec), encoding="utf-8")
    with app.app_context():
        content.load_content(broken_copy)
        hours = dict(db.session.execute(sa.select(Module.slug, Module.learning_hours)).all())
    assert hours == {"wbs": 3, "benturan-kepentingan": 0, "gratifikasi": 0}


def test_missing_lesson_file_is_refused(app, broken_copy):
    (broken_copy / "wbs" / "lessons" / "apa-itu-wbs.en.md").unlink()
    with app.app_context(), pytest.raises(content.ContentError, match="apa-itu-wbs.en.md"):
        content.load_content(broken_copy)


def test_cli_loads_and_reports(app, runner):
    result = runner.invoke(args=["learning", "load-content"])
    assert result.exit_code == 0, result.output
    assert "3 modules" in result.output
    assert count(app, Module) == 3  # committed
    result = runner.invoke(args=["learning", "load-content"])
    assert "0 modules, 0 lessons, 0 questions created" in result.output
