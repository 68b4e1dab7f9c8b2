"""Editing modules, lessons and questions in the portal: who may, what is checked, and that no
HTML an editor types ever reaches a learner's page as HTML."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.learning import attempts
from portal.learning.models import Lesson, Module, Question, QuestionKind
from tests.learning.conftest import count

MODULE = {"slug": "modul-baru", "topic": "coi", "title_id": "Modul baru", "title_en": "New module",
          "summary_id": "", "summary_en": "", "questions_per_attempt": "10", "pass_mark_percent": "80",
          "attempts_per_day": "3", "time_limit_minutes": "0", "position": "4", "active": "y"}


@pytest.fixture
def admin(login_as, world):
    client = login_as(world.admin)
    client.get("/?lang=en")
    return client


def lesson_data(**overrides):
    data = {"title_id": "Judul", "title_en": "Title", "body_id": "Isi", "body_en": "Text",
            "sources": "- Sumber", "position": "3"}
    data.update(overrides)
    return data


def question_data(kind="single", rows=(("A", "A", True), ("B", "B", False)), **overrides):
    data = {"kind": kind, "prompt_id": "Soal?", "prompt_en": "Question?", "explanation_id": "Karena",
            "explanation_en": "Because", "source": "UU", "position": "1", "active": "y"}
    for i, (text_id, text_en, correct) in enumerate(rows):
        data[f"choices-{i}-text_id"], data[f"choices-{i}-text_en"] = text_id, text_en
        if correct:
            data[f"choices-{i}-correct"] = "y"
    data.update(overrides)
    return data


def test_create_and_edit_a_module(app, admin):
    response = admin.post("/belajar/kelola/modul/baru", data=MODULE)
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "modul-baru"))
        assert (module.topic, module.pass_mark_percent, module.attempts_per_day, module.time_limit_minutes) == (
            "coi", 80, 3, None)
        module_id = module.id
    admin.post(f"/belajar/kelola/modul/{module_id}", data=dict(MODULE, attempts_per_day="0", time_limit_minutes="15",
                                                               pass_mark_percent="70"))
    with app.app_context():
        module = db.session.get(Module, module_id)
        assert (module.attempts_per_day, module.time_limit_minutes, module.pass_mark_percent) == (None, 15, 70)
    assert count(app, AuditEvent, AuditEvent.action.like("learning.module_%")) == 2


def test_learning_hours_are_set_in_the_editor(app, admin):
    page = admin.get("/belajar/kelola/modul/baru").get_data(as_text=True)
    assert "Learning hours (JP)" in page and "0 means not set" in page
    admin.post("/belajar/kelola/modul/baru", data=dict(MODULE, learning_hours="4"))
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "modul-baru"))
        assert module.learning_hours == 4
        module_id = module.id
    assert 'value="4"' in admin.get(f"/belajar/kelola/modul/{module_id}").get_data(as_text=True)
    response = admin.post(f"/belajar/kelola/modul/{module_id}", data=dict(MODULE, learning_hours="101"))
    assert response.status_code == 200 and "Enter a number from 0 to 100." in response.get_data(as_text=True)
    admin.post(f"/belajar/kelola/modul/{module_id}", data=dict(MODULE, learning_hours=""))
    with app.app_context():
        assert db.session.get(Module, module_id).learning_hours == 0


@pytest.mark.parametrize("field, value, message", [
    ("pass_mark_percent", "0", "from 1 to 100"),
    ("pass_mark_percent", "abc", "Not a valid integer value"),
    ("questions_per_attempt", "101", "from 1 to 100"),
    ("slug", "Bukan Slug!", "lower-case letters"),
    ("title_en", "", "Fill in this field"),
    ("topic", "sports", "Not a valid choice"),
    ("time_limit_minutes", "-1", "from 0 to 600"),
])
def test_module_form_rejects_bad_input_with_a_reason(app, admin, field, value, message):
    response = admin.post("/belajar/kelola/modul/baru", data=dict(MODULE, **{field: value}))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count(app, Module) == 0


def test_module_slug_must_be_unique(app, admin, small_module):
    small_module(slug="modul-baru")
    response = admin.post("/belajar/kelola/modul/baru", data=MODULE)
    assert "already uses this short name" in response.get_data(as_text=True)
    assert count(app, Module) == 1


def test_script_in_a_lesson_never_reaches_the_page(app, admin, login_as, world, small_module):
    module_id = small_module()
    body = ("Aman.\n\n<script>alert('xss')</script>\n\n<img src=x onerror=alert(1)>\n\n"
            "[klik](javascript:alert(1))\n\n**tebal**")
    response = admin.post(f"/belajar/kelola/modul/{module_id}/materi/baru",
                          data=lesson_data(body_id=body, body_en=body, sources="<script>alert(2)</script>"))
    assert response.status_code == 302
    with app.app_context():
        lesson = db.session.scalars(sa.select(Lesson).where(Lesson.title_id == "Judul")).one()
        assert "<script>" in lesson.body_id  # stored as typed ...
        lesson_id = lesson.id
    for client in (login_as(world.asn), admin):
        html = client.get(f"/belajar/modul/{module_id}/materi/{lesson_id}").get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript' not in html
        assert not re.search(r"<[^>]*\bon\w+=", html)  # no tag carries an event handler
        assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in html  # ... and shown as text
        assert "<strong>tebal</strong>" in html


def test_lesson_needs_both_languages(app, admin, small_module):
    module_id = small_module()
    response = admin.post(f"/belajar/kelola/modul/{module_id}/materi/baru", data=lesson_data(body_en=""))
    assert response.status_code == 200 and "Fill in this field" in response.get_data(as_text=True)
    assert count(app, Lesson) == 2


def test_create_and_edit_a_question(app, admin, small_module):
    module_id = small_module()
    rows = (("A", "A", False), ("B", "B", True), ("C", "C", True))
    response = admin.post(f"/belajar/kelola/modul/{module_id}/soal/baru", data=question_data("multiple", rows))
    assert response.status_code == 302
    with app.app_context():
        question = db.session.scalars(sa.select(Question).where(Question.prompt_en == "Question?")).one()
        assert question.kind == QuestionKind.MULTIPLE
        assert [(c.text_id, c.is_correct) for c in question.choices] == [("A", False), ("B", True), ("C", True)]
        question_id, choice_ids = question.id, [c.id for c in question.choices]
    form = admin.get(f"/belajar/kelola/soal/{question_id}").get_data(as_text=True)
    assert 'id="choices-1-correct" name="choices-1-correct" type="checkbox" value="y"' in form
    admin.post(f"/belajar/kelola/soal/{question_id}", data=question_data("multiple", (
        ("A2", "A2", True), ("B", "B", True), ("C", "C", False), ("D", "D", False))))
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert [c.text_id for c in question.choices] == ["A2", "B", "C", "D"]
        assert [c.id for c in question.choices][:3] == choice_ids  # edited in place


@pytest.mark.parametrize("kind, rows, message", [
    ("single", (("A", "A", True), ("B", "B", True)), "exactly one choice"),
    ("single", (("A", "A", False), ("B", "B", False)), "exactly one choice"),
    ("multiple", (("A", "A", False), ("B", "B", False)), "at least one choice"),
    ("true_false", (("Benar", "True", True), ("Salah", "False", False), ("Ragu", "Unsure", False)), "exactly two"),
    ("single", (("A", "A", True),), "at least two choices"),
    ("single", (("A", "", True), ("B", "B", False)), "both languages"),
    ("single", (("", "", True), ("B", "B", False), ("C", "C", False)), "needs its text"),
])
def test_question_rules_are_explained(app, admin, small_module, kind, rows, message):
    module_id = small_module()
    response = admin.post(f"/belajar/kelola/modul/{module_id}/soal/baru", data=question_data(kind, rows))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count(app, Question) == 4


def test_a_used_question_keeps_its_kind_and_choices(app, admin, world, small_module):
    module_id = small_module(questions_per_attempt=4)
    with app.app_context():
        attempts.start_attempt(world.asn["employee_id"], db.session.get(Module, module_id))
        question = db.session.get(Module, module_id).questions[0]  # single, A/B/C, A correct
        question_id = question.id
        db.session.commit()
    rows = (("A", "A", True), ("B", "B", False), ("C", "C", False))
    page = admin.post(f"/belajar/kelola/soal/{question_id}", data=question_data("multiple", rows))
    assert "kind cannot change" in page.get_data(as_text=True)
    page = admin.post(f"/belajar/kelola/soal/{question_id}", data=question_data("single", rows[:2]))
    assert "can be reworded but not added or removed" in page.get_data(as_text=True)
    ok = admin.post(f"/belajar/kelola/soal/{question_id}", data=question_data(
        "single", (("A baru", "New A", True), ("B", "B", False), ("C", "C", False))))
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Question, question_id).choices[0].text_id == "A baru"


def test_inspectorate_may_edit_others_may_not(app, login_as, world, small_module):
    module_id = small_module()
    assert login_as(world.inspektur).get(f"/belajar/kelola/modul/{module_id}").status_code == 200
    for account in (world.asn, world.secretary, world.handler):
        client = login_as(account)
        assert client.get("/belajar/kelola/").status_code == 403
        assert client.post(f"/belajar/kelola/modul/{module_id}", data=MODULE).status_code == 403
    with app.app_context():
        assert db.session.get(Module, module_id).slug == "uji"


@pytest.mark.parametrize("url", ["/belajar/kelola/modul/999", "/belajar/kelola/materi/999", "/belajar/kelola/soal/999",
                                 "/belajar/kelola/modul/999/materi/baru", "/belajar/kelola/modul/999/soal/baru"])
def test_unknown_objects_are_404(admin, url):
    assert admin.get(url).status_code == 404
    assert admin.post(url, data={}).status_code == 404


def test_garbage_question_form_is_a_form_error_not_500(admin, small_module):
    module_id = small_module()
    response = admin.post(f"/belajar/kelola/modul/{module_id}/soal/baru",
                          data={"kind": "essay", "position": "x", "choices-9-text_id": "z", "choices-0-correct": "1"})
    assert response.status_code == 200
