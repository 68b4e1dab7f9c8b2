"""The Inspectorate's city view of a year's Zona Integritas units: how far each is per area
(answered, with evidence, the unit's own score and the Inspectorate's), whether its target's pass
marks are met, which items still lack evidence, and the early-detection signals of its OPD.

Answers and uploaded evidence of every unit are read with one query each; the portal's own
evidence is gathered once per provider and OPD (an item's providers are shared by many items)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.zi import evidence, lke, scoring, services
from portal.zi.models import ItemEvidence, LkeArea, LkeComponent, LkeItem, LkeVersion, Unit


@dataclass
class AreaReadiness:
    code: str
    name: str
    weight: float
    items: int = 0
    answered: int = 0  # by the unit (self-assessment)
    with_evidence: int = 0
    self_score: float = 0.0
    assessor_score: float = 0.0


@dataclass
class UnitReadiness:
    unit: Unit
    areas: list[AreaReadiness]
    self_total: float
    assessor_total: float
    assessed: bool  # the Inspectorate has answered at least one item
    # (label, met on the unit's answers, met on the Inspectorate's) for the unit's target
    checks: list[tuple[object, bool, bool]]
    missing: list[str]  # item codes without any evidence
    signals: list = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(a.items for a in self.areas)

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.areas)

    @property
    def with_evidence(self) -> int:
        return sum(a.with_evidence for a in self.areas)




def _uploaded(unit_ids: list[int]) -> set[tuple[int, int]]:
    rows = db.session.execute(sa.select(ItemEvidence.unit_id, ItemEvidence.item_id)
                              .where(ItemEvidence.unit_id.in_(unit_ids)).distinct())
    return {(unit_id, item_id) for unit_id, item_id in rows}


def _signals(year: int, on: date, now: datetime, opd_ids: set[int]) -> dict[int, list]:
    from portal.participation import early_detection

    found: dict[int, list] = {}
    for signal in early_detection.compute(year, on, now)[0]:
        if signal.opd_id in opd_ids:
            found.setdefault(signal.opd_id, []).append(signal)
    return found


def readiness(version: LkeVersion, on: date, now: datetime) -> list[UnitReadiness]:
    units = services.units_of(version)
    if not units:
        return []
    # The components in the identity map: scoring reads item.component without a query per item.
    db.session.scalars(sa.select(LkeComponent).join(LkeArea).where(LkeArea.version_id == version.id)).all()
    items: list[LkeItem] = lke.items_of(version)
    unit_ids = [u.id for u in units]
    opd_ids = {u.opd_id for u in units}
    answers, uploaded = services.answers_by_unit(unit_ids), _uploaded(unit_ids)
    gathered = evidence.present_keys({k for i in items for k in i.provider_keys}, opd_ids, version.year)
    signals = _signals(version.year, on, now, opd_ids)
    area_of = {c.id: c.area_id for c in {i.component for i in items}}
    out = []
    for unit in units:
        rows_of_unit = answers[unit.id]
        own_values, their_values = services.self_values(rows_of_unit), services.assessor_values(rows_of_unit)
        mine = scoring.score(version, items, own_values)
        theirs = scoring.score(version, items, their_values)
        rows = {a.id: AreaReadiness(a.code, a.name, a.weight) for a in version.areas}
        missing = []
        for item in items:
            row = rows[area_of[item.component_id]]
            row.items += 1
            if own_values.get(item.id):
                row.answered += 1
            if (unit.id, item.id) in uploaded or any((k, unit.opd_id) in gathered for k in item.provider_keys):
                row.with_evidence += 1
            else:
                missing.append(item.code)
        for row, own, assessed in zip(rows.values(), mine.areas, theirs.areas, strict=True):
            row.self_score, row.assessor_score = own.score, assessed.score
        target = unit.target.value
        checks = [(scoring.CHECK_LABELS.get(key, key), met, dict(theirs.checks.get(target, [])).get(key, False))
                  for key, met in mine.checks.get(target, [])]
        out.append(UnitReadiness(
            unit=unit, areas=list(rows.values()), self_total=mine.parts["final"],
            assessor_total=theirs.parts["final"], assessed=theirs.answered > 0, checks=checks, missing=missing,
            signals=signals.get(unit.opd_id, [])))
    return out
