"""Item analysis of a module's quiz, as Moodle's quiz statistics compute it.

Figures (docs: /work/shared/reference/assessment.md section 2, Moodle's
question/classes/statistics/questions/calculator.php):

* facility index: share of answers that were right (0/1 items: mean mark);
* discrimination: the corrected point-biserial, i.e. the Pearson correlation of the item's
  mark with the rest of the attempt's marks (total minus this item), which is what Moodle
  calls its discrimination index; and the classical upper-lower index D = p(upper 27 %) -
  p(lower 27 %), attempts ranked by score;
* the share of attempts choosing each option, overall and in the upper and lower groups
  (distractor analysis);
* KR-20 for the quiz (Cronbach's alpha with 0/1 marks; Moodle's CIC). Questions are drawn at
  random from the bank, so, as Moodle does for random questions, the quiz-level figure is
  computed over the positions of the attempt (each position a "slot"), and the item figures
  per question.

Which attempts: submitted (graded) attempts only, and by default each employee's first
submitted attempt of the module. Moodle's default, because a retake follows the review of the
first attempt, so later attempts measure memory of the review as much as the item; "all
attempts" is a choice on the page. Sample variances (divide by n - 1), as Moodle.

Cost: a constant number of SQL statements per module (5, plus 2 for the question texts),
every sum done by the database; Python only combines a few hundred grouped rows. At 100,000
attempts that is still a second or more (docs/performance.md), so the figures are kept in
``learning_item_analysis`` and recounted by the job worker (``refresh_due``); a page that
finds them missing or three intervals old counts them itself.
"""
from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from portal.core.clock import utcnow
from portal.core.rows import ensure_row
from portal.extensions import db
from portal.learning.models import Attempt, AttemptQuestion, ItemAnalysis, Module, Question

log = logging.getLogger(__name__)

# --- thresholds (assessment.md 2.1; "team setting" where no primary source was found) -----------
MIN_ATTEMPTS = 30          # figures of an item (and of the quiz) shown only from this many answers
FACILITY_HIGH = 0.90       # too easy: team setting (no primary source found for 0.9)
FACILITY_LOW = 0.20        # too hard: Ebel & Frisbie's rule of thumb (difficulty < 0.20: review)
DISCRIMINATION_POOR = 0.20  # corrected r_pb < 0.20: poor (revise); < 0: check the key
KR20_UNSATISFACTORY = 0.64  # Moodle docs: CIC < 64 % unsatisfactory, > 75 % satisfactory
KR20_SATISFACTORY = 0.75
GROUP_PERCENT = 27         # upper and lower groups for D and the distractor table
SCOPES = ("first", "all")
CLAIM_EXPIRES = timedelta(minutes=10)
STALE_FACTOR = 3

FLAGS = ("too_easy", "too_hard", "negative", "poor")


@dataclass
class OptionFigures:
    choice_id: int
    correct: bool
    share: float | None
    upper: float | None
    lower: float | None


@dataclass
class ItemFigures:
    question_id: int
    attempts: int
    facility: float | None = None
    discrimination: float | None = None  # corrected point-biserial (Moodle's DI / 100)
    upper_lower: float | None = None     # D = p(upper) - p(lower)
    unanswered: float | None = None
    options: list[OptionFigures] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.attempts >= MIN_ATTEMPTS


@dataclass
class QuizFigures:
    module_id: int
    scope: str
    attempts: int = 0
    mean_percent: float | None = None
    sd_percent: float | None = None
    kr20: float | None = None
    kr20_positions: int = 0  # positions (questions per attempt) KR-20 was computed over
    kr20_attempts: int = 0
    items: list[ItemFigures] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.attempts >= MIN_ATTEMPTS

    @property
    def kr20_verdict(self) -> str | None:
        if self.kr20 is None:
            return None
        return ("satisfactory" if self.kr20 > KR20_SATISFACTORY else
                "unsatisfactory" if self.kr20 < KR20_UNSATISFACTORY else "fair")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> QuizFigures:
        items = [ItemFigures(**{**i, "options": [OptionFigures(**o) for o in i["options"]]}) for i in data["items"]]
        return cls(**{**data, "items": items})


# --- the SQL ---------------------------------------------------------------------------------------

def _ranked(module_id: int, scope: str):
    """The included attempts with their total, question count, score rank and the group they fall in
    (1 upper 27 %, -1 lower 27 %, 0 between), as a CTE."""
    nth = sa.func.row_number().over(partition_by=Attempt.employee_id, order_by=(Attempt.started_at, Attempt.id))
    base = (sa.select(Attempt.id.label("attempt_id"), Attempt.correct_count.label("total"),
                      Attempt.question_count.label("n_q"), Attempt.score_percent.label("score"), nth.label("nth"))
            .where(Attempt.module_id == module_id, Attempt.submitted_at.is_not(None),
                   Attempt.correct_count.is_not(None), Attempt.question_count > 0)
            .subquery("base"))
    rank = sa.func.row_number().over(order_by=(base.c.score.desc(), base.c.attempt_id))
    chosen = sa.select(base.c.attempt_id, base.c.total, base.c.n_q, base.c.score, rank.label("rank"),
                       sa.func.count().over().label("n"))
    # Retention deletes the answers of old attempts and keeps their scores: those have nothing
    # to analyse (and would skew KR-20), so only attempts that still have their answers count.
    # "First" is decided before that, over every submitted attempt.
    chosen = chosen.where(sa.exists().where(AttemptQuestion.attempt_id == base.c.attempt_id))
    if scope == "first":
        chosen = chosen.where(base.c.nth == 1)
    ranked = chosen.subquery("ranked")
    band = sa.case((ranked.c.rank * 100 <= ranked.c.n * GROUP_PERCENT, 1),
                   ((ranked.c.n - ranked.c.rank + 1) * 100 <= ranked.c.n * GROUP_PERCENT, -1), else_=0)
    return sa.select(ranked.c.attempt_id, ranked.c.total, ranked.c.n_q, ranked.c.score,
                     band.label("band")).cte("included")


def _mark():
    return sa.case((AttemptQuestion.is_correct.is_(True), 1), else_=0)


def _sum(expr):
    return sa.func.coalesce(sa.func.sum(expr), 0)


def compute(module_id: int, scope: str = "first") -> QuizFigures:
    """The figures of one module counted now, in five grouped statements."""
    if scope not in SCOPES:
        raise ValueError(scope)
    inc = _ranked(module_id, scope)
    figures = QuizFigures(module_id, scope)

    # 1. the quiz: attempts, mean and spread of the score
    n, s, ss = db.session.execute(sa.select(sa.func.count(), _sum(inc.c.score), _sum(inc.c.score * inc.c.score))
                                  .select_from(inc)).one()
    figures.attempts = n
    if n:
        figures.mean_percent = s / n
        figures.sd_percent = math.sqrt(max(0.0, (ss - s * s / n) / (n - 1))) if n > 1 else None

    # 2. KR-20 over positions, for the most common number of questions per attempt
    totals = db.session.execute(sa.select(inc.c.n_q, sa.func.count(), _sum(inc.c.total),
                                          _sum(inc.c.total * inc.c.total))
                                .group_by(inc.c.n_q).order_by(sa.func.count().desc(), inc.c.n_q.desc())).first()
    if totals is not None:
        k, m, st, sst = totals
        positions = db.session.execute(
            sa.select(AttemptQuestion.position, _sum(_mark()))
            .join(inc, inc.c.attempt_id == AttemptQuestion.attempt_id).where(inc.c.n_q == k)
            .group_by(AttemptQuestion.position)).all()
        figures.kr20 = _kr20(k, m, st, sst, [p for _, p in positions])
        figures.kr20_positions, figures.kr20_attempts = k, m

    # 3. per question: the sums the correlation with the rest score and D need
    x = _mark()
    rest = inc.c.total - x
    upper, lower = inc.c.band == 1, inc.c.band == -1
    rows = db.session.execute(
        sa.select(AttemptQuestion.question_id, sa.func.count(), _sum(x), _sum(rest), _sum(rest * rest),
                  _sum(x * rest), _sum(sa.case((upper, 1), else_=0)), _sum(sa.case((upper, x), else_=0)),
                  _sum(sa.case((lower, 1), else_=0)), _sum(sa.case((lower, x), else_=0)),
                  _sum(sa.case((AttemptQuestion.selected_choice_ids.is_(None), 1), else_=0)))
        .join(inc, inc.c.attempt_id == AttemptQuestion.attempt_id)
        .group_by(AttemptQuestion.question_id)).all()
    items, groups = {}, {}
    for r in rows:
        items[r[0]] = _item(*r[:6], unanswered=r[10])
        groups[r[0]] = r[6:10]

    # 4. per question, selection and group: how many (the options are counted from these)
    chosen = sa.cast(AttemptQuestion.selected_choice_ids, sa.Text)
    counts: dict[int, dict[int, list[int]]] = {}
    for question_id, selected, band, count in db.session.execute(
            sa.select(AttemptQuestion.question_id, chosen, inc.c.band, sa.func.count())
            .join(inc, inc.c.attempt_id == AttemptQuestion.attempt_id)
            .group_by(AttemptQuestion.question_id, chosen, inc.c.band)):
        per_choice = counts.setdefault(question_id, {})
        for choice_id in set(json.loads(selected) if selected else []):
            # [overall, upper, lower]
            tally = per_choice.setdefault(int(choice_id), [0, 0, 0])
            tally[0] += count
            tally[1] += count if band == 1 else 0
            tally[2] += count if band == -1 else 0

    # 5. the bank: every question of the module and its current choices and key
    for q in bank(module_id).values():
        item = items.get(q.id)
        if item is None:
            continue
        n_upper, x_upper, n_lower, x_lower = groups[q.id]
        if n_upper and n_lower:
            item.upper_lower = x_upper / n_upper - x_lower / n_lower
        per_choice = counts.get(q.id, {})
        for c in q.choices:
            tally = per_choice.get(c.id, [0, 0, 0])
            item.options.append(OptionFigures(c.id, c.is_correct, _share(tally[0], item.attempts),
                                              _share(tally[1], n_upper), _share(tally[2], n_lower)))
        item.flags = flags_for(item)
        figures.items.append(item)
    return figures


def bank(module_id: int) -> dict[int, Question]:
    """The module's questions with their current choices, in bank order, by id (two statements)."""
    return {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.module_id == module_id)
                                                .options(selectinload(Question.choices))
                                                .order_by(Question.position, Question.id))}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _item(question_id, n, sx, sy, syy, sxy, *, unanswered) -> ItemFigures:
    # 0/1 marks: the sum of squares of x is the sum of x
    return ItemFigures(question_id, n, facility=sx / n, unanswered=unanswered / n,
                       discrimination=correlation(n, sx, sx, sy, syy, sxy))


def correlation(n: int, sx: float, sxx: float, sy: float, syy: float, sxy: float) -> float | None:
    """Pearson's r from sums; None when either variable does not vary (or n < 2)."""
    if n < 2:
        return None
    var_x, var_y = sxx - sx * sx / n, syy - sy * sy / n
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return (sxy - sx * sy / n) / math.sqrt(var_x * var_y)


def _kr20(k: int, m: int, st: float, sst: float, rights: list[float]) -> float | None:
    """KR-20 = k/(k-1) (1 - sum p_j q_j / var(total)), with sample variances (n - 1) throughout."""
    if k < 2 or m < 2:
        return None
    var_total = (sst - st * st / m) / (m - 1)
    if var_total <= 1e-12:
        return None
    var_items = sum((r - r * r / m) / (m - 1) for r in rights)
    return k / (k - 1) * (1 - var_items / var_total)


def flags_for(item: ItemFigures) -> list[str]:
    if not item.shown or item.facility is None:
        return []
    flags = []
    if item.facility > FACILITY_HIGH:
        flags.append("too_easy")
    elif item.facility < FACILITY_LOW:
        flags.append("too_hard")
    r = item.discrimination
    if r is not None and r < 0:
        flags.append("negative")
    elif r is not None and r < DISCRIMINATION_POOR:
        flags.append("poor")
    return flags


# --- kept figures ----------------------------------------------------------------------------------

def interval() -> timedelta:
    return timedelta(seconds=current_app.config["LEARNING_ANALYSIS_REFRESH_SECONDS"])


def _claim(module_id: int, scope: str, now: datetime) -> bool:
    ensure_row(ItemAnalysis, {"module_id": module_id, "scope": scope, "duration_ms": 0}, ["module_id", "scope"])
    won = cast(sa.CursorResult, db.session.execute(
        sa.update(ItemAnalysis).where(ItemAnalysis.module_id == module_id, ItemAnalysis.scope == scope,
                                      sa.or_(ItemAnalysis.refreshing_since.is_(None),
                                             ItemAnalysis.refreshing_since < now - CLAIM_EXPIRES))
        .values(refreshing_since=now))).rowcount
    db.session.commit()
    return won == 1


def refresh(module_id: int, scope: str, now: datetime | None = None) -> bool:
    """Recount one module's figures and keep them. Commits (like a job); False when another
    process is counting them."""
    now = now or utcnow()
    if not _claim(module_id, scope, now):
        return False
    started = time.monotonic()
    key = (ItemAnalysis.module_id == module_id, ItemAnalysis.scope == scope)
    try:
        figures = compute(module_id, scope)
        duration = int(1000 * (time.monotonic() - started))
        db.session.execute(sa.update(ItemAnalysis).where(*key).values(
            figures=figures.to_json(), computed_at=utcnow(), refreshing_since=None, duration_ms=duration))
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(sa.update(ItemAnalysis).where(*key).values(refreshing_since=None))
        db.session.commit()
        raise
    log.info("item analysis of module %s (%s attempts) recounted in %d ms", module_id, scope, duration)
    return True


def refresh_due(now: datetime | None = None) -> list[tuple[int, str]]:
    """The worker's periodic task: recount each active module's figures once their interval has passed."""
    now = now or utcnow()
    kept = {(m, s): c for m, s, c in db.session.execute(
        sa.select(ItemAnalysis.module_id, ItemAnalysis.scope, ItemAnalysis.computed_at))}
    done = []
    for module_id in db.session.scalars(sa.select(Module.id).where(Module.active.is_(True)).order_by(Module.id)).all():
        for scope in SCOPES:
            computed = kept.get((module_id, scope))
            if (computed is None or now - computed >= interval()) and refresh(module_id, scope, now):
                done.append((module_id, scope))
    db.session.commit()
    return done


@dataclass
class Kept:
    figures: QuizFigures
    as_of: datetime | None  # None: counted just now for this page, not kept


def load(module_id: int, scope: str = "first") -> Kept:
    """The kept figures, recounted first when missing or three intervals old."""
    now = utcnow()
    row = db.session.get(ItemAnalysis, (module_id, scope))
    fresh = (row is not None and row.computed_at is not None and row.figures is not None
             and now - row.computed_at < STALE_FACTOR * interval())
    if not fresh:
        refresh(module_id, scope, now)
        db.session.expire_all()
        row = db.session.get(ItemAnalysis, (module_id, scope))
    if row is None or row.figures is None:  # another process is counting them right now
        return Kept(compute(module_id, scope), None)
    return Kept(QuizFigures.from_json(row.figures), row.computed_at)
