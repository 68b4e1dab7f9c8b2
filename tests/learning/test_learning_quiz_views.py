"""The quiz through the browser's eyes: start, save, reload, submit, and every way of sending
something the server did not issue, as a real logged-in ASN."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.clock import utcnow
from portal.extensions import db
from portal.learning.models import Attempt, Module
from tests.learning.conftest import count, right_answers, wrong_answers


@pytest.fixture
def module_id(small_module):
    return small_module()


@pytest.fixture
def asn(login_as, world):
    client = login_as(world.asn)
    client.get("/?lang=en")
    return client


def start(client, module_id) -> int:
    response = client.post(f"/belajar/modul/{module_id}/kuis")
    assert response.status_code == 302, response.data[:300]
    return int(re.search(r"/belajar/percobaan/(\d+)$", response.headers["Location"]).group(1))


def flashed(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _, m in session.get("_flashes", []))


def test_attempt_page_is_an_accessible_form(asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    page = asn.get(f"/belajar/percobaan/{attempt_id}").get_data(as_text=True)
    attempt = read_attempt(attempt_id)
    assert page.count("<fieldset") == 3 and page.count("<legend") == 3
    for q in attempt["questions"]:
        kind = "checkbox" if q["kind"] == "multiple" else "radio"
        ids = re.findall(rf'type="{kind}" name="q-{q["question_id"]}" id="[^"]+" value="(\d+)"', page)
        assert [int(i) for i in ids] == q["shown"]  # the stored, shuffled order
    for input_id in re.findall(r'<input class="form-check-input"[^>]*id="([^"]+)"', page):
        assert f'<label class="form-check-label" for="{input_id}">' in page
    assert 'name="finish"' in page and 'name="save"' in page and 'name="csrf_token"' in page


def test_saved_answers_survive_a_reload(app, asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    first = read_attempt(attempt_id)["questions"][0]
    choice = first["shown"][-1]
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data={"save": "1", f"q-{first['question_id']}": choice})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/belajar/percobaan/{attempt_id}")
    assert read_attempt(attempt_id)["questions"][0]["selected"] == [choice]
    page = asn.get(f"/belajar/percobaan/{attempt_id}").get_data(as_text=True)  # the reload
    assert re.search(rf'name="q-{first["question_id"]}" id="[^"]+" value="{choice}" checked', page)
    assert start(asn, module_id) == attempt_id  # "start" again resumes the same attempt
    assert count(app, Attempt) == 1


def test_autosave_answers_in_json(asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    q = read_attempt(attempt_id)["questions"][1]
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data={"save": "1", f"q-{q['question_id']}": q["shown"][0]},
                        headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["status"] == "saved"
    assert read_attempt(attempt_id)["questions"][1]["selected"] == [q["shown"][0]]
    bad = asn.post(f"/belajar/percobaan/{attempt_id}", data={"q-1x": "2"}, headers={"Accept": "application/json"})
    assert bad.status_code == 422 and bad.json["status"] == "refused"


def test_submit_shows_score_and_review(app, asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    answers = right_answers(read_attempt(attempt_id))
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **answers})
    assert response.headers["Location"].endswith(f"/belajar/percobaan/{attempt_id}/hasil")
    stored = read_attempt(attempt_id)
    assert stored["submitted_at"] is not None and stored["score"] == 100 and stored["passed"] is True
    page = asn.get(f"/belajar/percobaan/{attempt_id}/hasil?lang=en").get_data(as_text=True)
    assert "Score: 100%" in page and "Passed" in page
    assert page.count("Correct answer") >= 3 and page.count("Explanation") == 3
    assert asn.get(f"/belajar/percobaan/{attempt_id}").headers["Location"].endswith("/hasil")


def test_double_submission_and_replay_count_once(asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    attempt = read_attempt(attempt_id)
    asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **right_answers(attempt)})
    first = read_attempt(attempt_id)
    # the double click, then the back button with other answers, then a plain save
    for data in ({"finish": "1", **right_answers(attempt)}, {"finish": "1", **wrong_answers(attempt)},
                 {"save": "1", **wrong_answers(attempt)}):
        response = asn.post(f"/belajar/percobaan/{attempt_id}", data=data)
        assert response.status_code == 302 and response.headers["Location"].endswith("/hasil")
        assert "already been submitted" in flashed(asn)
    assert read_attempt(attempt_id) == first


def test_concurrent_submissions_count_once(app, login_as, world, module_id, read_attempt):
    clients = [login_as(world.asn) for _ in range(6)]
    attempt_id = start(clients[0], module_id)
    answers = right_answers(read_attempt(attempt_id))
    barrier, results = threading.Barrier(len(clients)), []

    def submit(client):
        barrier.wait()
        response = client.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **answers},
                               headers={"Accept": "application/json"})
        results.append((response.status_code, response.json["status"]))

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [(200, "already_submitted")] * 5 + [(200, "graded")]
    assert read_attempt(attempt_id)["score"] == 100


def test_answer_for_a_question_not_in_the_attempt_is_refused(app, asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    attempt = read_attempt(attempt_id)
    with app.app_context():
        other = next(q for q in db.session.get(Module, module_id).questions
                     if q.id not in {x["question_id"] for x in attempt["questions"]})
        foreign = {f"q-{other.id}": str(other.choices[0].id)}
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **right_answers(attempt), **foreign})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/belajar/percobaan/{attempt_id}")
    assert "not part of this quiz" in flashed(asn)
    stored = read_attempt(attempt_id)
    assert stored["submitted_at"] is None and all(q["selected"] is None for q in stored["questions"])


@pytest.mark.parametrize("tamper", ["unknown_id", "other_questions_choice"])
def test_tampered_choice_id_is_refused(asn, module_id, read_attempt, tamper):
    attempt_id = start(asn, module_id)
    attempt = read_attempt(attempt_id)
    first, second = attempt["questions"][:2]
    data = {"finish": "1", **right_answers(attempt)}
    # a real choice id, but of another question of the same quiz, is as wrong as an invented one
    data[f"q-{first['question_id']}"] = "999999" if tamper == "unknown_id" else str(second["correct"][0])
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data=data)
    assert response.status_code == 302 and "not one of its choices" in flashed(asn)
    assert read_attempt(attempt_id)["submitted_at"] is None


@pytest.mark.parametrize("data", [
    {"q-abc": "1"}, {"q-1": "x"}, {"q-1": "-3"}, {"q-99999999999": "1"}, {"q-1": "1" * 40}, {"q-": ""},
    {"q-1": ""},
])
def test_malformed_answers_are_refused_without_500(asn, module_id, read_attempt, data):
    attempt_id = start(asn, module_id)
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **data})
    assert response.status_code == 302
    assert "could not be read" in flashed(asn) or "not part of this quiz" in flashed(asn)
    assert read_attempt(attempt_id)["submitted_at"] is None


def _expire(app, attempt_id, seconds_ago=60):
    with app.app_context():
        db.session.execute(sa.update(Attempt).where(Attempt.id == attempt_id)
                           .values(deadline_at=utcnow() - timedelta(seconds=seconds_ago)))
        db.session.commit()


def test_submission_after_the_time_limit_grades_only_what_was_saved(app, asn, small_module, read_attempt):
    module_id = small_module(time_limit_minutes=10)
    attempt_id = start(asn, module_id)
    attempt = read_attempt(attempt_id)
    assert attempt["deadline_at"] is not None
    page = asn.get(f"/belajar/percobaan/{attempt_id}").get_data(as_text=True)
    assert re.search(r'id="quiz-timer"[^>]*data-seconds-left="(59\d|600)"', page)
    _expire(app, attempt_id)
    response = asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1", **right_answers(attempt)})
    assert response.headers["Location"].endswith("/hasil") and "time limit had passed" in flashed(asn)
    stored = read_attempt(attempt_id)
    assert stored["timed_out"] and stored["score"] == 0 and all(q["selected"] is None for q in stored["questions"])


def test_reloading_an_expired_attempt_closes_it(app, asn, small_module, read_attempt):
    module_id = small_module(time_limit_minutes=5)
    attempt_id = start(asn, module_id)
    _expire(app, attempt_id)
    response = asn.get(f"/belajar/percobaan/{attempt_id}")
    assert response.headers["Location"].endswith("/hasil") and read_attempt(attempt_id)["timed_out"]


def test_attempt_limit_per_day(app, asn, small_module):
    module_id = small_module(attempts_per_day=1)
    attempt_id = start(asn, module_id)
    asn.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1"})
    response = asn.post(f"/belajar/modul/{module_id}/kuis")
    assert response.headers["Location"].endswith(f"/belajar/modul/{module_id}/kuis")
    assert "used all 1 attempts for today" in flashed(asn)
    assert count(app, Attempt) == 1
    page = asn.get(f"/belajar/modul/{module_id}/kuis").get_data(as_text=True)
    assert "Attempts left today: 0" in page and "Start a new attempt" not in page


def test_another_persons_attempt_is_not_found(app, login_as, world, asn, module_id, read_attempt):
    attempt_id = start(asn, module_id)
    for account in (world.asn_disdik, world.secretary, world.inspektur, world.admin):
        other = login_as(account)
        assert other.get(f"/belajar/percobaan/{attempt_id}").status_code == 404
        assert other.post(f"/belajar/percobaan/{attempt_id}", data={"finish": "1"}).status_code == 404
        assert other.get(f"/belajar/percobaan/{attempt_id}/hasil").status_code == 404
    assert read_attempt(attempt_id)["submitted_at"] is None
    assert asn.get("/belajar/percobaan/2147483647").status_code == 404
    assert asn.get("/belajar/percobaan/2147483648").status_code == 404


def csrf_token_in(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def test_csrf_is_required_for_quiz_posts(app_factory, world, small_module):
    module_id = small_module()
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token_in(page)
    assert client.post("/login", data={"login": "asn.dinkes", "password": "kata-sandi-uji-123",
                                       "csrf_token": token}).status_code == 302
    assert client.post(f"/belajar/modul/{module_id}/kuis").status_code == 400
    quiz = client.get(f"/belajar/modul/{module_id}/kuis").get_data(as_text=True)
    token = csrf_token_in(quiz)
    assert client.post(f"/belajar/modul/{module_id}/kuis", data={"csrf_token": token}).status_code == 302
