"""Grading, per question kind, and the pass rule: pure functions, no database."""
from __future__ import annotations

import pytest

from portal.learning import grading


@pytest.mark.parametrize("selected, expected", [([1], True), ([2], False), ([], False), ([1, 2], False)])
def test_single_choice(selected, expected):
    assert grading.grade("single", selected, [1]) is expected


@pytest.mark.parametrize("selected, expected", [([7], True), ([8], False), ([], False), (None, False)])
def test_true_false(selected, expected):
    assert grading.grade("true_false", selected, [7]) is expected


@pytest.mark.parametrize("selected, expected", [
    ([1, 2], True),
    ([2, 1], True),          # order does not matter
    ([1], False),            # one right box missing
    ([1, 2, 3], False),      # one wrong box too many
    ([1, 2, 3, 4], False),   # ticking everything earns nothing
    ([], False),
])
def test_multiple_choice_needs_exactly_the_correct_set(selected, expected):
    assert grading.grade("multiple", selected, [1, 2]) is expected


def test_check_answer_keeps_offered_order_and_drops_duplicates():
    assert grading.check_answer("multiple", [5, 3, 9], [9, 5, 9]) == [5, 9]
    assert grading.check_answer("single", [5, 3], []) == []


@pytest.mark.parametrize("kind, selected", [
    ("single", [4]),             # not offered (tampered id)
    ("multiple", [5, 99]),       # one of them not offered
    ("single", [5, 3]),          # two answers to a single-choice question
    ("true_false", [5, 3]),
])
def test_check_answer_refuses_what_the_question_could_not_produce(kind, selected):
    with pytest.raises(grading.AnswerError):
        grading.check_answer(kind, [5, 3], selected)


@pytest.mark.parametrize("correct, total, percent", [(8, 10, 80), (7, 9, 77), (0, 10, 0), (3, 3, 100), (0, 0, 0)])
def test_score_is_whole_percent_rounded_down(correct, total, percent):
    assert grading.score_percent(correct, total) == percent


@pytest.mark.parametrize("correct, total, mark, passed", [
    (8, 10, 80, True),
    (7, 10, 80, False),
    (4, 5, 80, True),
    (7, 9, 78, False),   # 77.8 % must not pass a 78 % mark by rounding
    (7, 9, 77, True),
    (0, 0, 1, False),    # an empty attempt never passes
])
def test_pass_rule_compares_exactly(correct, total, mark, passed):
    assert grading.has_passed(correct, total, mark) is passed
