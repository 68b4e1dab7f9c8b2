"""Modules and lessons for the learner: progress, reading in order, resuming, completing."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.learning.models import Completion, LessonRead, Module
from tests.learning.conftest import count, right_answers


@pytest.fixture
def asn(login_as, world):
    client = login_as(world.asn)
    client.get("/?lang=en")
    return client


def lesson_ids(app, module_id) -> list[int]:
    with app.app_context():
        return [lesson.id for lesson in db.session.get(Module, module_id).lessons]


def test_index_lists_the_seed_modules_with_progress(asn, seed_content):
    page = asn.get("/belajar/").get_data(as_text=True)
    assert page.count('class="card h-100"') == 3
    assert "Lessons read: 0 of 4" in page and "Not started" in page and "Quiz not taken yet" in page
    assert 'href="/belajar/hasil/pegawai/' in page  # "My results"


def test_lessons_are_read_in_order_and_resumed(app, asn, world, small_module):
    module_id = small_module()
    first, second = lesson_ids(app, module_id)
    module_page = asn.get(f"/belajar/modul/{module_id}").get_data(as_text=True)
    assert f'href="/belajar/modul/{module_id}/materi/{first}">Start' in module_page

    lesson = asn.get(f"/belajar/modul/{module_id}/materi/{first}").get_data(as_text=True)
    assert "Lesson 1 of 2" in lesson and "<strong>1</strong>" in lesson and "Sources" in lesson
    response = asn.post(f"/belajar/modul/{module_id}/materi/{first}/selesai")
    assert response.headers["Location"].endswith(f"/belajar/modul/{module_id}/materi/{second}")
    assert count(app, LessonRead, LessonRead.employee_id == world.asn["employee_id"]) == 1

    # resume: the module and the index both point at the first unread lesson
    for url in (f"/belajar/modul/{module_id}", "/belajar/"):
        page = asn.get(url).get_data(as_text=True)
        assert f'href="/belajar/modul/{module_id}/materi/{second}">Continue reading' in page

    asn.post(f"/belajar/modul/{module_id}/materi/{first}/selesai")  # a second click records nothing new
    response = asn.post(f"/belajar/modul/{module_id}/materi/{second}/selesai")
    assert response.headers["Location"].endswith(f"/belajar/modul/{module_id}/kuis")
    assert count(app, LessonRead) == 2
    page = asn.get(f"/belajar/modul/{module_id}").get_data(as_text=True)
    assert f'href="/belajar/modul/{module_id}/kuis">Take the quiz' in page


def test_reading_everything_and_passing_completes_the_module(app, asn, world, small_module, read_attempt):
    module_id = small_module()
    for lesson_id in lesson_ids(app, module_id):
        asn.post(f"/belajar/modul/{module_id}/materi/{lesson_id}/selesai")
    start = asn.post(f"/belajar/modul/{module_id}/kuis")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **right_answers(read_attempt(attempt_id))})
    with app.app_context():
        completion = db.session.scalars(sa.select(Completion)).one()
        assert (completion.employee_id, completion.module_id, completion.attempt_id) == (
            world.asn["employee_id"], module_id, attempt_id)
        assert completion.completed_at is not None and completion.score_percent == 100
    assert "Module complete since" in asn.get(f"/belajar/percobaan/{attempt_id}/hasil").get_data(as_text=True)
    assert "Complete" in asn.get(f"/belajar/modul/{module_id}").get_data(as_text=True)


def test_lesson_of_another_module_or_unknown_is_404(app, asn, small_module):
    a, b = small_module(slug="satu"), small_module(slug="dua")
    lesson_of_b = lesson_ids(app, b)[0]
    assert asn.get(f"/belajar/modul/{a}/materi/{lesson_of_b}").status_code == 404
    assert asn.post(f"/belajar/modul/{a}/materi/{lesson_of_b}/selesai").status_code == 404
    assert asn.get("/belajar/modul/999/materi/1").status_code == 404
    assert asn.get("/belajar/modul/99999999999").status_code == 404


def test_closed_module_is_hidden_from_learners_not_editors(app, asn, login_as, world, small_module):
    module_id = small_module()
    with app.app_context():
        db.session.get(Module, module_id).active = False
        db.session.commit()
    assert asn.get(f"/belajar/modul/{module_id}").status_code == 404
    assert asn.post(f"/belajar/modul/{module_id}/kuis").status_code == 404
    assert "Modul uji" not in asn.get("/belajar/").get_data(as_text=True)
    assert login_as(world.inspektur).get(f"/belajar/modul/{module_id}").status_code == 200


def test_account_without_employee_reads_but_records_nothing(app, login_as, world, small_module):
    module_id = small_module()
    admin = login_as(world.admin)
    assert "not linked to an employee" in admin.get("/belajar/?lang=en").get_data(as_text=True)
    first = lesson_ids(app, module_id)[0]
    assert admin.get(f"/belajar/modul/{module_id}/materi/{first}").status_code == 200
    assert admin.post(f"/belajar/modul/{module_id}/materi/{first}/selesai").status_code == 302
    assert admin.post(f"/belajar/modul/{module_id}/kuis").status_code == 302
    assert count(app, LessonRead) == 0


def test_content_follows_the_language(asn, seed_content):
    module_id = seed_content["gratifikasi"]
    english = asn.get(f"/belajar/modul/{module_id}?lang=en").get_data(as_text=True)
    indonesian = asn.get(f"/belajar/modul/{module_id}?lang=id").get_data(as_text=True)
    assert "The 30-working-day rule" in english and "Aturan 30 hari kerja" in indonesian
    lesson = re.search(r'href="(/belajar/modul/\d+/materi/\d+)"', indonesian).group(1)
    assert '<html lang="id">' in asn.get(lesson).get_data(as_text=True)
