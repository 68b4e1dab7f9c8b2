"""The LKE as data: loading the shipped LKE (content/zi_lke.json) and a year's version.

The shipped file holds what the reference could confirm from one agency's template: the six
areas and the results with their weights, every item of Penguatan Pengawasan, the results'
items. The other areas are empty until the Inspectorate enters their items; each area says
whether it is complete, and nothing is marked verified until checked against the Lampiran of
the regulation (setup checklist, zi/checks.py)."""
from __future__ import annotations

import json
from pathlib import Path

from portal.extensions import db
from portal.zi.models import AnswerType, LkeArea, LkeComponent, LkeItem, LkeVersion, Part, Section

SHIPPED = Path(__file__).resolve().parent.parent / "content" / "zi_lke.json"


def version_for(year: int) -> LkeVersion | None:
    return db.session.execute(db.select(LkeVersion).where(LkeVersion.year == year)).scalar_one_or_none()


def latest_version() -> LkeVersion | None:
    return db.session.execute(db.select(LkeVersion).order_by(LkeVersion.year.desc()).limit(1)).scalar_one_or_none()


def build(data: dict, *, year: int | None = None) -> LkeVersion:
    """A version from the shipped layout (or an export of one): areas, sub-components, items."""
    version = LkeVersion(year=year or data["year"], title=data["title"], source=data.get("source", ""),
                         pass_marks=data.get("pass_marks", {}),
                         pass_marks_verified=data.get("pass_marks_verified", False))
    for a_pos, area in enumerate(data["areas"]):
        row = LkeArea(code=area["code"], name=area["name"], section=Section(area["section"]), weight=area["weight"],
                      position=a_pos, complete=area.get("complete", False))
        for c_pos, comp in enumerate(area["components"]):
            component = LkeComponent(part=Part(comp["part"]), code=comp["code"], name=comp["name"],
                                     weight=comp["weight"], position=c_pos)
            for i_pos, item in enumerate(comp["items"]):
                component.items.append(LkeItem(
                    code=item["code"], row_id=item.get("row_id"), text=item["text"],
                    answer_type=AnswerType(item["answer_type"]), options=list(item.get("options", [])),
                    guidance=item.get("guidance", ""), evidence_keys=item.get("evidence_keys", ""),
                    source=item.get("source", data.get("source", "")), verified=item.get("verified", False),
                    position=i_pos))
            row.components.append(component)
        version.areas.append(row)
    db.session.add(version)
    db.session.flush()
    return version


def as_data(version: LkeVersion) -> dict:
    """A version in the shipped file's layout (the copy for a new year, an export)."""
    return {
        "year": version.year, "title": version.title, "source": version.source,
        "pass_marks": version.pass_marks, "pass_marks_verified": version.pass_marks_verified,
        "areas": [{
            "code": a.code, "name": a.name, "section": a.section.value, "weight": a.weight, "complete": a.complete,
            "components": [{
                "code": c.code, "part": c.part.value, "name": c.name, "weight": c.weight,
                "items": [{"code": i.code, "row_id": i.row_id, "text": i.text, "answer_type": i.answer_type.value,
                           "options": list(i.options), "guidance": i.guidance, "evidence_keys": i.evidence_keys,
                           "source": i.source, "verified": i.verified} for i in c.items],
            } for c in a.components],
        } for a in version.areas],
    }


def copy_to_year(version: LkeVersion, year: int) -> LkeVersion:
    """Next year's LKE starts as this year's; the Inspectorate then edits what changed."""
    return build(as_data(version), year=year)


def load_shipped() -> int:
    """Seeder: the shipped LKE, once (a later edit by the Inspectorate is never overwritten)."""
    if db.session.execute(db.select(LkeVersion.id).limit(1)).first():
        return 0
    build(json.loads(SHIPPED.read_text(encoding="utf-8")))
    return 1


def items_of(version: LkeVersion) -> list[LkeItem]:
    """Every item of a version in LKE order, with one query."""
    return list(db.session.execute(
        db.select(LkeItem).join(LkeComponent).join(LkeArea)
        .where(LkeArea.version_id == version.id)
        .order_by(LkeArea.position, LkeComponent.position, LkeItem.position)).scalars())
