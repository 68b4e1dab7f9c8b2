"""Grading: pure functions, one per question kind, plus the score and the pass rule.

Everything here works on plain ids and numbers, so it is tested without a database. A
multiple-choice question is right only when exactly the correct set was chosen: ticking
every box must not earn the mark.
"""
from __future__ import annotations

from collections.abc import Iterable


class AnswerError(ValueError):
    """An answer that the question it claims to answer could not have produced."""


def check_answer(kind: str, offered: Iterable[int], selected: Iterable[int]) -> list[int]:
    """The selected ids, de-duplicated in the order offered; AnswerError if they cannot be an answer."""
    offered = list(offered)
    chosen = set(selected)
    if not chosen <= set(offered):
        raise AnswerError("choice not offered")
    if kind in ("single", "true_false") and len(chosen) > 1:
        raise AnswerError("more than one choice")
    return [c for c in offered if c in chosen]


def grade_single(selected: Iterable[int], correct: Iterable[int]) -> bool:
    chosen, right = set(selected), set(correct)
    return len(chosen) == 1 and chosen == right


def grade_true_false(selected: Iterable[int], correct: Iterable[int]) -> bool:
    return grade_single(selected, correct)


def grade_multiple(selected: Iterable[int], correct: Iterable[int]) -> bool:
    chosen, right = set(selected), set(correct)
    return bool(chosen) and chosen == right


GRADERS = {
    "single": grade_single,
    "true_false": grade_true_false,
    "multiple": grade_multiple,
}


def grade(kind: str, selected: Iterable[int] | None, correct: Iterable[int]) -> bool:
    return GRADERS[kind](selected or (), correct)


def score_percent(correct_count: int, question_count: int) -> int:
    """Whole percent, rounded down: 79.9 % must not display as a pass mark of 80 %."""
    if question_count <= 0:
        return 0
    return (100 * correct_count) // question_count


def has_passed(correct_count: int, question_count: int, pass_mark_percent: int) -> bool:
    # Exact integer comparison: no rounding can lift a score over the mark.
    return question_count > 0 and 100 * correct_count >= pass_mark_percent * question_count
