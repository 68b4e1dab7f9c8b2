"""Scores of a unit's answers, from the version's weights, and the pass marks they are held to.

An item's weight is its sub-component's weight shared equally by its items. A letter answer
counts linearly (a = all of the weight, the last letter = none; Yes = 1, No = 0), a percentage
as its share of 100, a value 0-4 as its share of 4: the common practice the reference found in
one agency's scoring code, not the regulation's own table (unverified; setup checklist)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.zi.models import AnswerType, LkeItem, LkeVersion, Section

LETTERS = "abcde"
LETTER_COUNT = {AnswerType.ABC: 3, AnswerType.ABCD: 4, AnswerType.ABCDE: 5}
# What each target is held to, in the order the results page lists them.
PASS_MARK_KEYS = ("area_percent", "enablers", "clean_bureaucracy", "ipak", "performance", "ipkp", "final")
CHECK_LABELS = {
    "area_percent": _l("Every area of change reaches this share of its weight (%)"),
    "enablers": _l("Enablers (pengungkit), total"),
    "clean_bureaucracy": _l("Clean and accountable bureaucracy (result)"),
    "ipak": _l("Anti-corruption perception index (IPAK)"),
    "performance": _l("Performance better than the year before (capaian kinerja)"),
    "ipkp": _l("Public service quality perception index (IPKP)"),
    "final": _l("Final score"),
}


def choices(item: LkeItem) -> list[str]:
    """The values an answer to the item may take, for a select: "yes"/"no" or "a".."e"."""
    if item.answer_type == AnswerType.YES_NO:
        return ["yes", "no"]
    return list(LETTERS[:LETTER_COUNT.get(item.answer_type, 0)])


def parse(item: LkeItem, value: str) -> str | None:
    """The stored form of an answer, or None when it is not one (an empty value is no answer: "")."""
    value = (value or "").strip().lower().replace(",", ".")
    if not value:
        return ""
    if item.answer_type in (AnswerType.PERCENT, AnswerType.SCORE):
        try:
            number = float(value)
        except ValueError:
            return None
        top = 100 if item.answer_type == AnswerType.PERCENT else 4
        if not 0 <= number <= top:
            return None
        return f"{number:g}"
    return value if value in choices(item) else None


def fraction(item: LkeItem, value: str) -> float | None:
    """The share of the item's weight an answer earns; None when unanswered."""
    if not value:
        return None
    if item.answer_type == AnswerType.YES_NO:
        return 1.0 if value == "yes" else 0.0
    if item.answer_type == AnswerType.PERCENT:
        return min(float(value), 100.0) / 100
    if item.answer_type == AnswerType.SCORE:
        return min(float(value), 4.0) / 4
    count = LETTER_COUNT[item.answer_type]
    return 1 - LETTERS.index(value) / (count - 1)


def item_weight(item: LkeItem, items_in_component: int) -> float:
    return item.component.weight / items_in_component if items_in_component else 0.0


@dataclass
class AreaScore:
    code: str
    name: str
    section: Section
    weight: float
    score: float = 0.0
    items: int = 0
    answered: int = 0

    @property
    def percent(self) -> float:
        return 100 * self.score / self.weight if self.weight else 0.0


@dataclass
class Result:
    areas: list[AreaScore]
    parts: dict[str, float] = field(default_factory=dict)  # PASS_MARK_KEYS but area_percent -> score
    checks: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # target -> [(key, met)]

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.areas)

    @property
    def items(self) -> int:
        return sum(a.items for a in self.areas)


def score(version: LkeVersion, items: list[LkeItem], values: dict[int, str]) -> Result:
    """The unit's scores for one set of answers (`values`: item id -> stored value)."""
    per_component: dict[int, int] = {}
    for item in items:
        per_component[item.component_id] = per_component.get(item.component_id, 0) + 1
    areas = {a.id: AreaScore(a.code, a.name, a.section, a.weight) for a in version.areas}
    by_code: dict[str, float] = {}
    for item in items:
        area = areas[item.component.area_id]
        area.items += 1
        share = fraction(item, values.get(item.id, ""))
        if share is None:
            continue
        area.answered += 1
        points = share * item_weight(item, per_component[item.component_id])
        area.score += points
        by_code[item.code] = by_code.get(item.code, 0.0) + points
    ordered = [areas[a.id] for a in version.areas]
    enablers = [a for a in ordered if a.section == Section.ENABLER]
    results = sum(a.score for a in ordered if a.section == Section.RESULT)
    parts = {
        "enablers": sum(a.score for a in enablers),
        "clean_bureaucracy": next((a.score for a in ordered if a.code == "B.I"), 0.0),
        "ipak": by_code.get("B.I.a", 0.0),
        "performance": by_code.get("B.I.b", 0.0),
        "ipkp": by_code.get("B.II", 0.0),
    }
    parts["final"] = parts["enablers"] + results
    result = Result(ordered, parts)
    for target, marks in (version.pass_marks or {}).items():
        checks = []
        for key in PASS_MARK_KEYS:
            if key not in marks:
                continue
            if key == "area_percent":
                met = bool(enablers) and all(a.percent >= marks[key] for a in enablers)
            else:
                met = parts[key] >= marks[key]
            checks.append((key, met))
        result.checks[target] = checks
    return result
