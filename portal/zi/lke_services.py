"""Editing the LKE as data: a new year from an earlier one, the version's pass marks, its areas,
sub-components and items, their order, and what may be deleted.

Rules only: no request, no current user. Every change is flushed and audited; the caller commits.
An item or sub-component is deleted only while no unit of that year has answered it or attached
evidence to it: the unit's work would otherwise vanish with it."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.core import audit, settings
from portal.extensions import db
from portal.zi import lke, scoring
from portal.zi.models import (
    Answer,
    AnswerType,
    ItemEvidence,
    LkeArea,
    LkeComponent,
    LkeItem,
    LkeVersion,
    Part,
    Target,
)

# Recorded by whoever checked the letter-to-score conversion (zi/scoring.py) against the
# regulation: where it was checked; empty while not checked (setup checklist "zi_scoring").
SCORING_CHECKED = "zi.scoring_checked"
TARGETS = tuple(t.value for t in Target)
WEIGHT_TOLERANCE = 1e-6


class ZiLkeError(Exception):
    """A change the LKE refuses, with a translated message and the form field it belongs to."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class VersionFields:
    title: str
    source: str
    pass_marks: dict  # {"wbk": {key: number}, "wbbm": {...}}; a key left out has no check
    pass_marks_verified: bool


@dataclass(frozen=True)
class AreaFields:
    name: str
    weight: float
    complete: bool


@dataclass(frozen=True)
class ComponentFields:
    part: Part
    code: str
    name: str
    weight: float


@dataclass(frozen=True)
class ItemFields:
    code: str
    row_id: int | None
    text: str
    answer_type: AnswerType
    options: tuple[str, ...]
    guidance: str
    evidence_keys: tuple[str, ...]
    source: str
    verified: bool


def option_count(answer_type: AnswerType) -> int:
    """How many options an answer type has (0: a number, no options)."""
    if answer_type == AnswerType.YES_NO:
        return 2
    return scoring.LETTER_COUNT.get(answer_type, 0)


# --- versions --------------------------------------------------------------------------------

def new_year(source: LkeVersion, year: int, *, actor) -> LkeVersion:
    if lke.version_for(year) is not None:
        raise ZiLkeError(_("The LKE of %(year)d already exists: edit it instead.", year=year), "year")
    version = lke.copy_to_year(source, year)
    audit.record("zi.lke_version_created", version, actor=actor, data={"year": year, "from_year": source.year})
    return version


def save_version(version: LkeVersion, fields: VersionFields, *, actor) -> None:
    marks = {target: {key: float(value) for key, value in fields.pass_marks.get(target, {}).items()
                      if key in scoring.PASS_MARK_KEYS and value is not None}
             for target in TARGETS}
    version.title = fields.title.strip()
    version.source = fields.source.strip()
    version.pass_marks = marks
    version.pass_marks_verified = fields.pass_marks_verified
    db.session.flush()
    audit.record("zi.lke_version_saved", version, actor=actor, data={
        "year": version.year, "pass_marks": marks, "pass_marks_verified": fields.pass_marks_verified})


# --- areas and sub-components ----------------------------------------------------------------

def save_area(area: LkeArea, fields: AreaFields, *, actor) -> None:
    area.name = fields.name.strip()
    area.weight = fields.weight
    area.complete = fields.complete
    db.session.flush()
    audit.record("zi.lke_area_saved", area, actor=actor, data={
        "code": area.code, "name": area.name, "weight": area.weight, "complete": area.complete})


def save_component(component: LkeComponent | None, area: LkeArea, fields: ComponentFields, *,
                   actor) -> LkeComponent:
    code = fields.code.strip()
    taken = db.session.execute(
        db.select(LkeComponent.id).join(LkeArea).where(LkeArea.version_id == area.version_id,
                                                       LkeComponent.code == code)).scalars().all()
    if any(found != (component.id if component else None) for found in taken):
        raise ZiLkeError(_("Another sub-component of this LKE already has the code %(code)s.", code=code), "code")
    created = component is None
    if component is None:
        component = LkeComponent(area=area, position=_next_position(area.components))
        db.session.add(component)
    component.part, component.code, component.name, component.weight = (
        fields.part, code, fields.name.strip(), fields.weight)
    db.session.flush()
    audit.record("zi.lke_component_created" if created else "zi.lke_component_saved", component, actor=actor,
                 data={"area": area.code, "code": code, "part": fields.part.value, "weight": fields.weight})
    return component


def weight_warning(area: LkeArea) -> str:
    """A warning when the area's sub-components do not add up to its weight ('' when they do, or
    while it has none: an empty area is shown as such)."""
    if not area.components:
        return ""
    total = sum(c.weight for c in area.components)
    if abs(total - area.weight) <= WEIGHT_TOLERANCE:
        return ""
    return _("The sub-components sum to %(total)s of %(weight)s.", total=f"{total:g}", weight=f"{area.weight:g}")


def part_sums(area: LkeArea) -> list[tuple[Part, float]]:
    """The weight of each part (compliance, reform, results) of an area, for the version's page."""
    sums: dict[Part, float] = {}
    for component in area.components:
        sums[component.part] = sums.get(component.part, 0.0) + component.weight
    return list(sums.items())


# --- items -----------------------------------------------------------------------------------

def save_item(item: LkeItem | None, component: LkeComponent, fields: ItemFields, *, actor) -> LkeItem:
    code = fields.code.strip()
    options = [line.strip() for line in fields.options if line.strip()]
    wanted = option_count(fields.answer_type)
    if options and len(options) != wanted:
        if wanted:
            message = _("%(type)s has %(wanted)d options; %(given)d lines were given (one option per line).",
                        type=fields.answer_type.label, wanted=wanted, given=len(options))
        else:
            message = _("%(type)s has no options: leave this empty.", type=fields.answer_type.label)
        raise ZiLkeError(message, "options")
    version_id = component.area.version_id
    taken = db.session.execute(
        db.select(LkeItem.id).join(LkeComponent).join(LkeArea)
        .where(LkeArea.version_id == version_id, LkeItem.code == code)).scalars().all()
    if any(found != (item.id if item else None) for found in taken):
        raise ZiLkeError(_("Another item of this LKE already has the code %(code)s.", code=code), "code")
    created = item is None
    if item is None:
        item = LkeItem(component=component, position=_next_position(component.items))
        db.session.add(item)
    item.code, item.row_id, item.text, item.answer_type = code, fields.row_id, fields.text.strip(), fields.answer_type
    item.options = options
    item.guidance = fields.guidance.strip()
    item.evidence_keys = " ".join(dict.fromkeys(fields.evidence_keys))
    item.source = fields.source.strip()
    item.verified = fields.verified
    db.session.flush()
    audit.record("zi.lke_item_created" if created else "zi.lke_item_saved", item, actor=actor, data={
        "code": code, "row_id": fields.row_id, "answer_type": fields.answer_type.value, "options": len(options),
        "evidence_keys": item.evidence_keys, "verified": fields.verified})
    return item


def move_item(item: LkeItem, step: int, *, actor) -> bool:
    """Move an item one place up (step -1) or down (+1) in its sub-component; False at an end."""
    items = list(item.component.items)
    at = items.index(item)
    to = at + step
    if not 0 <= to < len(items):
        return False
    items[at], items[to] = items[to], items[at]
    for position, each in enumerate(items):
        each.position = position
    db.session.flush()
    audit.record("zi.lke_item_moved", item, actor=actor, data={"code": item.code, "position": to})
    return True


def in_use(item_ids: list[int]) -> int:
    """How many answers and evidence of units point to these items."""
    if not item_ids:
        return 0
    answers = db.session.scalar(sa.select(sa.func.count(Answer.id)).where(Answer.item_id.in_(item_ids))) or 0
    evidence = db.session.scalar(
        sa.select(sa.func.count(ItemEvidence.id)).where(ItemEvidence.item_id.in_(item_ids))) or 0
    return answers + evidence


def delete_item(item: LkeItem, *, actor) -> None:
    if in_use([item.id]):
        raise ZiLkeError(_("Item %(code)s cannot be deleted: a unit of %(year)d has already answered it or added "
                           "evidence to it. Change its wording instead.",
                           code=item.code, year=item.component.area.version.year))
    component = item.component
    data = {"code": item.code, "text": item.text}
    audit.record("zi.lke_item_deleted", item, actor=actor, data=data)
    component.items.remove(item)
    db.session.delete(item)
    for position, each in enumerate(component.items):
        each.position = position
    db.session.flush()


def delete_component(component: LkeComponent, *, actor) -> None:
    if in_use([item.id for item in component.items]):
        raise ZiLkeError(_("Sub-component %(code)s cannot be deleted: a unit of %(year)d has already answered one "
                           "of its items or added evidence to it.",
                           code=component.code, year=component.area.version.year))
    area = component.area
    audit.record("zi.lke_component_deleted", component, actor=actor,
                 data={"code": component.code, "items": len(component.items)})
    area.components.remove(component)
    db.session.delete(component)
    for position, each in enumerate(area.components):
        each.position = position
    db.session.flush()


def _next_position(rows) -> int:
    return max((row.position for row in rows), default=-1) + 1


# --- what is left to check ---------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    version: LkeVersion
    items: int
    complete: list[str]  # area names
    incomplete: list[str]
    empty: list[str]  # areas without any item
    unverified: int  # items not yet checked against the regulation


def summary(version: LkeVersion) -> Summary:
    items = lke.items_of(version)
    with_items = {item.component.area_id for item in items}
    return Summary(
        version=version, items=len(items),
        complete=[a.name for a in version.areas if a.complete],
        incomplete=[a.name for a in version.areas if not a.complete],
        empty=[a.name for a in version.areas if a.id not in with_items],
        unverified=sum(1 for item in items if not item.verified))


def versions() -> list[Summary]:
    return [summary(v) for v in db.session.execute(
        db.select(LkeVersion).order_by(LkeVersion.year.desc())).scalars()]


def scoring_checked() -> str:
    """Where the letter-to-score conversion was checked; '' while it is not."""
    return str(settings.get(SCORING_CHECKED, "") or "")


def record_scoring_checked(where: str, *, actor) -> None:
    """Record (or, with an empty `where`, withdraw) that the conversion follows the regulation."""
    settings.save({SCORING_CHECKED: " ".join(where.split())}, actor=actor, action="zi.scoring_checked")
