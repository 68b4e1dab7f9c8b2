"""The pre-test: due before the first lesson, taken once, score only, counted for nothing but the gain."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.learning.models import Attempt, Completion, LessonRead, Module, Pretest, PretestAnswer
from tests.learning.conftest import count


def _set_pretest(app, module_id: int, size: int) -> None:
    from portal.learning import editing

    with app.app_context():
        editing.set_pretest_size(db.session.get(Module, module_id), size)
        db.session.commit()


@pytest.fixture
def module_id(app, small_module):
    module_id = small_module(attempts_per_day=1, pass_mark_percent=50)
    _set_pretest(app, module_id, 3)
    return module_id


@pytest.fixture
def asn(login_as, world):
    client = login_as(world.asn)
    client.get("/?lang=en")
    return client


def _lessons(app, module_id) -> list[int]:
    with app.app_context():
        return [x.id for x in db.session.get(Module, module_id).lessons]


def _pretest(app, employee_id, module_id) -> dict | None:
    with app.app_context():
        p = db.session.scalar(sa.select(Pretest).where(Pretest.employee_id == employee_id,
                                                       Pretest.module_id == module_id))
        if p is None:
            return None
        return {"id": p.id, "submitted_at": p.submitted_at, "score": p.score_percent, "correct": p.correct_count,
                "questions": [{"question_id": a.question_id, "shown": list(a.choice_order),
                               "correct": list(a.correct_choice_ids), "selected": a.selected_choice_ids}
                              for a in p.questions]}


def _right(p: dict) -> dict:
    return {f"q-{q['question_id']}": [str(c) for c in q["correct"]] for q in p["questions"]}


def _take(client, app, world, module_id, answers=None) -> dict:
    response = client.post(f"/belajar/modul/{module_id}/pra-tes")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/belajar/modul/{module_id}/pra-tes")
    p = _pretest(app, world.asn["employee_id"], module_id)
    data = dict(answers if answers is not None else _right(p), finish="1")
    response = client.post(f"/belajar/modul/{module_id}/pra-tes/jawaban", data=data)
    assert response.status_code == 302
    return _pretest(app, world.asn["employee_id"], module_id)


def test_lessons_and_quiz_wait_for_the_pretest(app, asn, module_id):
    first = _lessons(app, module_id)[0]
    page = asn.get(f"/belajar/modul/{module_id}").get_data(as_text=True)
    assert "Start with the pre-test" in page and f"/belajar/modul/{module_id}/pra-tes" in page
    for method, url in (("GET", f"/belajar/modul/{module_id}/materi/{first}"),
                        ("POST", f"/belajar/modul/{module_id}/materi/{first}/selesai"),
                        ("GET", f"/belajar/modul/{module_id}/kuis"), ("POST", f"/belajar/modul/{module_id}/kuis")):
        response = asn.open(url, method=method)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith(f"/belajar/modul/{module_id}/pra-tes"), url
    assert "starts with a short pre-test" in asn.get(f"/belajar/modul/{module_id}/pra-tes").get_data(as_text=True)
    assert count(app, LessonRead) == 0 and count(app, Attempt) == 0


def test_learners_who_started_before_are_not_asked(app, asn, small_module):
    module_id = small_module()
    first = _lessons(app, module_id)[0]
    assert asn.post(f"/belajar/modul/{module_id}/materi/{first}/selesai").status_code == 302
    _set_pretest(app, module_id, 3)  # switched on after they began
    assert asn.get(f"/belajar/modul/{module_id}/materi/{first}").status_code == 200
    assert asn.get(f"/belajar/modul/{module_id}/kuis").status_code == 200
    assert "Start with the pre-test" not in asn.get(f"/belajar/modul/{module_id}").get_data(as_text=True)
    response = asn.post(f"/belajar/modul/{module_id}/pra-tes")
    assert response.status_code == 302 and count(app, Pretest) == 0


def test_pretest_once_score_only_then_the_lessons(app, asn, world, module_id):
    p = _take(asn, app, world, module_id)
    assert p["submitted_at"] is not None and p["score"] == 100 and len(p["questions"]) == 3
    page = asn.get(f"/belajar/modul/{module_id}/pra-tes").get_data(as_text=True)
    assert "Pre-test score: 100%" in page and "does not count" in page and "the quiz stays a real test" in page
    first = _lessons(app, module_id)[0]
    assert f"/belajar/modul/{module_id}/materi/{first}" in page  # the button to the first lesson
    # The answers are not revealed: no review, no key, no explanation.
    for hidden in ("Correct answer", "Your answer", "Explanation", "Question 1"):
        assert hidden not in page
    # Submitted once: a replay with other answers changes nothing; no second pre-test can start.
    wrong = {k: [str(next(c for c in q["shown"] if c not in q["correct"]))]
             for k, q in zip(_right(p), p["questions"], strict=True)}
    response = asn.post(f"/belajar/modul/{module_id}/pra-tes/jawaban", data=dict(wrong, finish="1"))
    assert response.status_code == 302
    again = _pretest(app, world.asn["employee_id"], module_id)
    assert again["score"] == 100 and again["submitted_at"] == p["submitted_at"]
    asn.post(f"/belajar/modul/{module_id}/pra-tes")
    assert count(app, Pretest) == 1
    # Now the lessons and the quiz are open.
    assert asn.get(f"/belajar/modul/{module_id}/materi/{first}").status_code == 200
    assert asn.get(f"/belajar/modul/{module_id}/kuis").status_code == 200


def test_saved_answers_survive_and_bad_answers_change_nothing(app, asn, world, module_id):
    asn.post(f"/belajar/modul/{module_id}/pra-tes")
    p = _pretest(app, world.asn["employee_id"], module_id)
    q = p["questions"][0]
    response = asn.post(f"/belajar/modul/{module_id}/pra-tes/jawaban", data={"save": "1", f"q-{q['question_id']}":
                                                                             q["shown"][-1]},
                        headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["status"] == "saved"
    assert _pretest(app, world.asn["employee_id"], module_id)["questions"][0]["selected"] == [q["shown"][-1]]
    page = asn.get(f"/belajar/modul/{module_id}/pra-tes").get_data(as_text=True)
    assert re.search(rf'name="q-{q["question_id"]}" id="[^"]+" value="{q["shown"][-1]}" checked', page)
    response = asn.post(f"/belajar/modul/{module_id}/pra-tes/jawaban", data={"save": "1", "q-999999": "1"})
    assert response.status_code == 302
    assert "not part of this quiz" in asn.get(f"/belajar/modul/{module_id}/pra-tes").get_data(as_text=True)
    assert _pretest(app, world.asn["employee_id"], module_id)["submitted_at"] is None


def test_pretest_counts_for_nothing_but_the_gain(app, asn, world, module_id):
    from portal.learning import analysis, attempts, services
    from portal.learning.pretest import is_due

    _take(asn, app, world, module_id)
    with app.app_context():
        module = db.session.get(Module, module_id)
        progress = services.module_progress(world.asn["employee_id"], module)
        assert progress.attempts_total == 0 and progress.attempts_today == 0 and not progress.passed
        assert progress.status == "not_started" and not is_due(world.asn["employee_id"], module)
        assert attempts.attempts_started_today(world.asn["employee_id"], module, attempts.utcnow()) == 0
        assert analysis.compute(module_id, "first").attempts == 0
    assert count(app, Attempt) == 0 and count(app, Completion) == 0
    # The day's single attempt is still there after a perfect pre-test.
    response = asn.post(f"/belajar/modul/{module_id}/kuis")
    assert response.status_code == 302 and "/belajar/percobaan/" in response.headers["Location"]


def test_nobody_sees_another_persons_pretest(app, asn, world, login_as, module_id):
    p = _take(asn, app, world, module_id)
    other = login_as(world.asn_disdik)
    page = other.get(f"/belajar/modul/{module_id}/pra-tes?lang=en").get_data(as_text=True)
    assert "Pre-test score" not in page and "Start with the pre-test" in page
    # Their POST with asn's question ids reaches only their own (absent) pre-test.
    response = other.post(f"/belajar/modul/{module_id}/pra-tes/jawaban", data=dict(_right(p), finish="1"))
    assert response.status_code == 302 and count(app, Pretest) == 1
    assert other.get(f"/belajar/hasil/pegawai/{world.asn['employee_id']}").status_code == 404


def test_the_editor_keeps_the_pretest_within_the_bank(app, login_as, world, module_id):
    client = login_as(world.inspektur)
    page = client.get(f"/belajar/kelola/modul/{module_id}?lang=en").get_data(as_text=True)
    fields = dict(re.findall(r'name="(slug|topic|title_id|title_en|questions_per_attempt|pass_mark_percent|'
                             r'attempts_per_day|time_limit_minutes|learning_hours|position)"[^>]*value="([^"]*)"',
                             page))
    fields.update(topic="wbs", summary_id="Ringkasan", summary_en="Summary", active="y")
    response = client.post(f"/belajar/kelola/modul/{module_id}", data=dict(fields, pretest_size="5"))
    assert response.status_code == 200 and "At most the number of active questions in the bank (4)" in \
        response.get_data(as_text=True)
    response = client.post(f"/belajar/kelola/modul/{module_id}", data=dict(fields, pretest_size="4"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Module, module_id).pretest_size == 4


def test_pages_in_indonesian(app, login_as, world, module_id):
    client = login_as(world.asn)
    client.get("/?lang=id")
    page = client.get(f"/belajar/modul/{module_id}/pra-tes").get_data(as_text=True)
    assert "Mulai dengan pra-tes" in page
    client.post(f"/belajar/modul/{module_id}/pra-tes")
    p = _pretest(app, world.asn["employee_id"], module_id)
    client.post(f"/belajar/modul/{module_id}/pra-tes/jawaban", data=dict(_right(p), finish="1"))
    page = client.get(f"/belajar/modul/{module_id}/pra-tes").get_data(as_text=True)
    assert "Skor pra-tes: 100%" in page and "tidak dihitung" in page


def test_my_data_and_retention_cover_pretests(app, asn, world, module_id):
    from datetime import date, timedelta

    from portal.core.clock import utcnow
    from portal.org.models import Employee
    from portal.privacy import export, retention

    _take(asn, app, world, module_id)
    with app.app_context():
        employee = db.session.get(Employee, world.asn["employee_id"])
        data = export._learning(employee, "en")
        assert [(p["module"], p["score_percent"]) for p in data["pre_tests"]] == [("Test module", 100)]
        assert export.summary(employee)["pre_tests"] == 1
        db.session.execute(sa.update(Pretest).values(submitted_at=utcnow() - timedelta(days=400)))
        assert retention._delete_quiz_answers(date.today() - timedelta(days=200), retention.Applied()) == 1
        db.session.commit()
    assert count(app, PretestAnswer) == 0
    assert _pretest(app, world.asn["employee_id"], module_id)["score"] == 100  # the score stays
