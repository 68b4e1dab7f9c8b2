"""What the Zona Integritas pages show, built from the rules' data: answer labels, the unit's LKE
as a tree with both answer sets, and the per-unit summaries of a year."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.zi import evidence, lke, scoring, services
from portal.zi.models import AnswerType, LkeItem, LkeVersion, Unit


def choice_labels(item: LkeItem) -> list[tuple[str, str]]:
    """(value, label) of a select: "a. <wording>", only the letter where the LKE gives no wording."""
    if item.answer_type == AnswerType.YES_NO:
        words = {"yes": _("Yes"), "no": _("No")}
        return [(value, words[value]) for value in scoring.choices(item)]
    options = list(item.options or [])
    return [(letter, f"{letter}. {options[i]}" if i < len(options) and options[i] else letter)
            for i, letter in enumerate(scoring.choices(item))]


def answer_label(item: LkeItem, value: str) -> str:
    """An answer as shown in a table: the letter, Yes/No, or the number."""
    if not value:
        return ""
    if item.answer_type == AnswerType.YES_NO:
        return _("Yes") if value == "yes" else _("No")
    if item.answer_type == AnswerType.PERCENT:
        return f"{value}%"
    return value



def summaries(version: LkeVersion, units: list[Unit]) -> list[dict]:
    """Per unit: status, target, progress and the final score of both answer sets."""
    items = lke.items_of(version)
    answers = services.answers_by_unit([u.id for u in units])
    rows = []
    for unit in units:
        own = services.self_values(answers[unit.id])
        theirs = services.assessor_values(answers[unit.id])
        rows.append({
            "unit": unit, "answered": sum(1 for i in items if own.get(i.id)), "total": len(items),
            "self_score": scoring.score(version, items, own).parts["final"] if own else None,
            "assessor_score": scoring.score(version, items, theirs).parts["final"] if theirs else None,
        })
    return rows


@dataclass
class ItemRow:
    item: LkeItem
    self_label: str
    assessor_label: str
    differs: bool
    evidence: int  # added by the unit
    gathered: int  # of the item's providers, those for which the portal holds something


@dataclass
class ComponentRows:
    code: str
    name: str
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class AreaRows:
    code: str
    name: str
    components: list[ComponentRows] = field(default_factory=list)


def unit_overview(unit: Unit) -> dict:
    """The unit's LKE as areas -> sub-components -> items with both answers, and both scores."""
    version = unit.version
    items = lke.items_of(version)
    answers = services.answers_of(unit)
    counts = services.evidence_counts(unit)
    keys = {key for item in items for key in item.provider_keys}
    present = {key for key, _opd in evidence.present_keys(keys, {unit.opd_id}, version.year)}
    areas = {a.id: AreaRows(a.code, a.name) for a in version.areas}
    components: dict[int, ComponentRows] = {}
    for item in items:
        comp = components.get(item.component_id)
        if comp is None:
            comp = components[item.component_id] = ComponentRows(item.component.code, item.component.name)
            areas[item.component.area_id].components.append(comp)
        row = answers.get(item.id)
        own, theirs = (row.self_value, row.assessor_value) if row else ("", "")
        comp.rows.append(ItemRow(item, answer_label(item, own), answer_label(item, theirs),
                                 bool(own and theirs and own != theirs), counts.get(item.id, 0),
                                 sum(1 for key in item.provider_keys if key in present)))
    own_values, their_values = services.self_values(answers), services.assessor_values(answers)
    own_result = scoring.score(version, items, own_values)
    their_result = scoring.score(version, items, their_values)
    checks = [{
        "target": target, "rows": [{
            "label": scoring.CHECK_LABELS.get(key, key), "mark": marks[key],
            "self": dict(own_result.checks.get(target, [])).get(key),
            "assessor": dict(their_result.checks.get(target, [])).get(key) if their_values else None,
        } for key in scoring.PASS_MARK_KEYS if key in marks]}
        for target, marks in (version.pass_marks or {}).items()]
    score_rows = [{"area": own, "assessor": theirs} for own, theirs in
                  zip(own_result.areas, their_result.areas, strict=True)]
    return {"tree": [areas[a.id] for a in version.areas], "own_result": own_result, "their_result": their_result,
            "has_assessment": bool(their_values), "score_rows": score_rows, "checks": checks,
            "answered": own_result.answered, "item_total": own_result.items}
