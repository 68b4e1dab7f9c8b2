"""Item analysis (learning/analysis.py and /belajar/hasil/analisis-soal/) against a dataset
small enough to compute by hand.

The attempts are written as rows (not drawn through the services) so that each question sits
at the same position in every attempt: then KR-20 over positions equals KR-20 over questions
and the hand computation below holds.

Five employees, four questions of the small module (Q1 single A*, B, C; Q2 multiple A*, B*,
C, D; Q3 true/false, "Salah" keyed; Q4 single X, Y*), marks per first attempt:

    E1  1 1 1 1  = 4        p:  Q1 0.8  Q2 0.6  Q3 0.4  Q4 0.6
    E2  1 1 1 0  = 3        sample variances: items 0.2 + 0.3 + 0.3 + 0.3 = 1.1, total 1.3
    E3  1 1 0 0  = 2        KR-20 = 4/3 (1 - 1.1/1.3) = 0.2051
    E4  1 0 0 1  = 2        Q1 vs rest (3,2,1,1,1): r = 0.6 / sqrt(0.8 * 3.2) = 0.375
    E5  0 0 0 1  = 1        Q4 vs rest (3,3,2,1,0): r = -1.4 / sqrt(1.2 * 6.8) = -0.4901

Upper 27 % of 5 attempts: E1 alone; lower: E5 alone. E5 later passes with everything right:
that second attempt counts only among "all attempts". E4 also has an open attempt (never counted).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.clock import utcnow
from portal.extensions import db
from portal.learning import analysis
from portal.learning.models import Attempt, AttemptQuestion, ItemAnalysis, Module

MARKS = [(1, 1, 1, 1), (1, 1, 1, 0), (1, 1, 0, 0), (1, 0, 0, 1), (0, 0, 0, 1)]


def _write_attempt(module, employee_id, marks, *, start, submitted=True):
    questions = module.questions
    attempt = Attempt(module_id=module.id, employee_id=employee_id, started_at=start, pass_mark_percent=60,
                      question_count=len(questions))
    db.session.add(attempt)
    right = sum(marks)
    if submitted:
        attempt.submitted_at = start + timedelta(minutes=5)
        attempt.correct_count, attempt.score_percent = right, 100 * right // len(questions)
        attempt.passed = 100 * right >= 60 * len(questions)
    for position, (q, mark) in enumerate(zip(questions, marks, strict=True), start=1):
        correct = [c.id for c in q.choices if c.is_correct]
        wrong = [c.id for c in q.choices if not c.is_correct]
        selected = correct if mark else ([correct[0]] if len(correct) > 1 else [wrong[0]])
        attempt.questions.append(AttemptQuestion(
            question_id=q.id, position=position, kind=q.kind, choice_order=[c.id for c in q.choices],
            correct_choice_ids=correct, selected_choice_ids=selected if submitted else None,
            is_correct=bool(mark) if submitted else None))
    return attempt


@pytest.fixture
def dataset(app, world, make_opd, make_employee, small_module):
    module_id = small_module(questions_per_attempt=4, attempts_per_day=None)
    opd = make_opd("UJI", "Dinas Uji")
    employees = [make_employee(opd)["employee_id"] for _ in MARKS]
    with app.app_context():
        module = db.session.get(Module, module_id)
        start = utcnow() - timedelta(days=3)
        for employee_id, marks in zip(employees, MARKS, strict=True):
            _write_attempt(module, employee_id, marks, start=start)
        _write_attempt(module, employees[4], (1, 1, 1, 1), start=start + timedelta(days=1))
        _write_attempt(module, employees[3], (0, 0, 0, 0), start=start + timedelta(days=1), submitted=False)
        db.session.commit()
        return {"module_id": module_id, "questions": [q.id for q in module.questions]}


def _item(figures, question_id):
    return next(i for i in figures.items if i.question_id == question_id)


def test_figures_match_the_hand_computation(app, dataset, monkeypatch):
    monkeypatch.setattr(analysis, "MIN_ATTEMPTS", 3)
    q1, q2, q3, q4 = dataset["questions"]
    with app.app_context():
        f = analysis.compute(dataset["module_id"], "first")
    assert f.attempts == 5 and f.mean_percent == pytest.approx(60)  # 100, 75, 50, 50, 25
    assert f.kr20 == pytest.approx(4 / 3 * (1 - 1.1 / 1.3)) and f.kr20_positions == 4 and f.kr20_attempts == 5
    assert [round(_item(f, q).facility, 2) for q in (q1, q2, q3, q4)] == [0.8, 0.6, 0.4, 0.6]
    assert _item(f, q1).discrimination == pytest.approx(0.375)
    assert _item(f, q4).discrimination == pytest.approx(-1.4 / (1.2 * 6.8) ** 0.5)
    assert _item(f, q1).upper_lower == pytest.approx(1.0) and _item(f, q4).upper_lower == pytest.approx(0.0)
    assert _item(f, q4).flags == ["negative"]
    assert _item(f, q1).flags == []  # 0.8 is neither too easy nor too hard; r 0.375 is fine
    options = {o.choice_id: o for o in _item(f, q1).options}
    key = next(o for o in options.values() if o.correct)
    assert (key.share, key.upper, key.lower) == (pytest.approx(0.8), 1.0, 0.0)
    distractors = sorted((o.share, o.lower) for o in options.values() if not o.correct)
    assert distractors == [(0.0, 0.0), (pytest.approx(0.2), 1.0)]


def test_all_attempts_count_the_retake_but_never_an_open_attempt(app, dataset):
    q1 = dataset["questions"][0]
    with app.app_context():
        f = analysis.compute(dataset["module_id"], "all")
    assert f.attempts == 6 and _item(f, q1).facility == pytest.approx(5 / 6)


def test_attempts_whose_answers_were_deleted_by_retention_are_left_out(app, dataset):
    """Retention deletes the per-question answers of old attempts and keeps their scores: such an
    attempt has nothing to analyse, and counting its score would skew KR-20 and the mean."""
    import sqlalchemy as sa

    with app.app_context():
        oldest = db.session.scalar(sa.select(Attempt.id).where(Attempt.module_id == dataset["module_id"])
                                   .order_by(Attempt.id))
        db.session.execute(sa.delete(AttemptQuestion).where(AttemptQuestion.attempt_id == oldest))
        db.session.commit()
        f = analysis.compute(dataset["module_id"], "first")
    assert f.attempts == 4 and f.kr20_attempts == 4  # E1's only attempt lost its answers
    assert f.mean_percent == pytest.approx(50)


def test_flags_follow_the_thresholds():
    def item(facility, r, n=30):
        return analysis.ItemFigures(1, n, facility=facility, discrimination=r)

    assert analysis.flags_for(item(0.95, 0.3)) == ["too_easy"]
    assert analysis.flags_for(item(0.10, 0.3)) == ["too_hard"]
    assert analysis.flags_for(item(0.5, 0.1)) == ["poor"]
    assert analysis.flags_for(item(0.5, -0.1)) == ["negative"]
    assert analysis.flags_for(item(0.9, 0.2)) == []  # the thresholds themselves pass
    assert analysis.flags_for(item(0.95, -0.3, n=29)) == []  # too few answers: no figures, no flags


def test_statement_count_does_not_grow_with_the_bank(app, dataset):
    from tests.participation.test_participation_query_count import counting

    with app.app_context(), counting(app) as statements:
        analysis.compute(dataset["module_id"], "first")
    assert len(statements) <= 7


def test_page_hides_figures_below_the_minimum(login_as, world, dataset):
    html = login_as(world.inspektur).get(f"/belajar/hasil/analisis-soal/{dataset['module_id']}?lang=en")
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert "Figures are shown from 30 submitted attempts on" in text and "too few answers" in text
    assert "check the key" not in text.split("How to read")[0]


def test_page_flags_items_and_links_to_the_editor_in_both_languages(app, login_as, world, dataset, monkeypatch):
    monkeypatch.setattr(analysis, "MIN_ATTEMPTS", 3)
    q4 = dataset["questions"][3]
    client = login_as(world.admin)
    en = client.get(f"/belajar/hasil/analisis-soal/{dataset['module_id']}?lang=en").get_data(as_text=True)
    assert "Negative discrimination: check the key" in en and f'href="/belajar/kelola/soal/{q4}"' in en
    assert "Reliability (KR-20)" in en and "0.21" in en
    idn = client.get(f"/belajar/hasil/analisis-soal/{dataset['module_id']}?lang=id").get_data(as_text=True)
    assert "Analisis soal" in idn and "0,21" in idn and "Daya beda negatif" in idn
    with app.app_context():  # the figures were kept
        assert db.session.get(ItemAnalysis, (dataset["module_id"], "first")).computed_at is not None
    html = client.get(f"/belajar/hasil/analisis-soal/?module={dataset['module_id']}&attempts=all&lang=en")
    assert "<dd class=\"col-5 col-sm-8\">6</dd>" in html.get_data(as_text=True)


def test_question_page_shows_the_options_in_both_languages(login_as, world, dataset, monkeypatch):
    monkeypatch.setattr(analysis, "MIN_ATTEMPTS", 3)
    q1 = dataset["questions"][0]
    client = login_as(world.inspektur)
    main = client.get(f"/belajar/hasil/analisis-soal/{dataset['module_id']}?lang=en").get_data(as_text=True)
    assert f'href="/belajar/hasil/analisis-soal/soal/{q1}"' in main
    en = client.get(f"/belajar/hasil/analisis-soal/soal/{q1}?lang=en").get_data(as_text=True)
    # Q1: key A chosen by 80% (all of the upper group), B by 20% (all of the lower group), C by nobody
    rows = [r.split("</tr>")[0] for r in en.split('<tr><th scope="row" class="fw-normal">')[1:]]
    assert [r.count("%") for r in rows] == [3, 3, 3]
    assert "<strong>A</strong>" in rows[0] and ">80%<" in rows[0] and ">100%<" in rows[0] and ">0%<" in rows[0]
    assert ">20%<" in rows[1] and "Edit the question" in en
    idn = client.get(f"/belajar/hasil/analisis-soal/soal/{q1}?lang=id").get_data(as_text=True)
    assert "Pilihan yang dipilih" in idn and "Kelompok atas" in idn and "Ubah soal" in idn


@pytest.mark.parametrize("who", ["asn", "secretary", "kadis"])
def test_employees_and_secretaries_are_refused(login_as, world, dataset, who):
    client = login_as(getattr(world, who))
    assert client.get(f"/belajar/hasil/analisis-soal/{dataset['module_id']}").status_code == 403
    assert client.get("/belajar/hasil/analisis-soal/").status_code == 403
    assert client.get(f"/belajar/hasil/analisis-soal/soal/{dataset['questions'][0]}").status_code == 403


def test_kept_figures_are_recounted_by_the_worker_when_due(app, dataset):
    with app.app_context():
        first = analysis.refresh_due()
        assert (dataset["module_id"], "first") in first and (dataset["module_id"], "all") in first
        assert analysis.refresh_due() == []  # nothing due within the interval
        later = utcnow() + timedelta(seconds=app.config["LEARNING_ANALYSIS_REFRESH_SECONDS"] + 1)
        assert (dataset["module_id"], "first") in analysis.refresh_due(later)
        kept = analysis.load(dataset["module_id"])
        assert kept.as_of is not None and kept.figures.attempts == 5


def test_secretary_does_not_see_the_link(login_as, world, dataset):
    html = login_as(world.secretary).get("/belajar/hasil/?lang=en").get_data(as_text=True)
    assert "Item analysis" not in html
    html = login_as(world.inspektur).get("/belajar/hasil/?lang=en").get_data(as_text=True)
    assert "Item analysis of the quizzes" in html

