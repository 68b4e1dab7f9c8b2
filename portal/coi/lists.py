"""The admin-editable lists: types, sources and decision options, seeded from
portal/content/coi_lists.json. The seed's types are the standard list of 9 (the Permenpan RB
37/2012 lineage) plus "other"; the Inspectorate aligns them with the regulation's own article,
which the regulation library records (article "coi-types") and the setup checklist tracks."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.coi.models import ListItem, ListKind
from portal.core import audit
from portal.core.errors import PortalError
from portal.extensions import db

SEED = Path(__file__).resolve().parent.parent / "content" / "coi_lists.json"


class ListError(PortalError):
    pass


def items(kind: ListKind, *, on: date | None = None) -> list[ListItem]:
    stmt = sa.select(ListItem).where(ListItem.kind == kind).order_by(ListItem.position, ListItem.id)
    rows = list(db.session.scalars(stmt))
    return [i for i in rows if i.valid_on(on)] if on else rows


def load_lists(path: Path = SEED) -> int:
    created = 0
    for kind_value, entries in json.loads(path.read_text(encoding="utf-8")).items():
        kind = ListKind(kind_value)
        for position, entry in enumerate(entries, start=1):
            exists = db.session.scalar(sa.select(ListItem).where(ListItem.kind == kind, ListItem.code == entry["code"]))
            if exists is None:
                db.session.add(ListItem(kind=kind, code=entry["code"], label_id=entry["label_id"],
                                        label_en=entry["label_en"], reference=entry.get("reference", ""),
                                        position=position * 10, is_other=entry.get("is_other", False)))
                created += 1
    db.session.flush()
    return created


def save_item(item: ListItem | None, *, kind: ListKind, code: str, label_id: str, label_en: str, reference: str,
              valid_from: date | None, valid_until: date | None, position: int, is_other: bool, actor) -> ListItem:
    code = code.strip().upper()
    clash = db.session.scalar(sa.select(ListItem).where(ListItem.kind == kind, ListItem.code == code))
    if clash is not None and clash is not item:
        raise ListError(_l("This code is already used in this list."), "code")
    if valid_from and valid_until and valid_until < valid_from:
        raise ListError(_l("The end of validity is before its start."), "valid_until")
    created = item is None
    if created:
        item = ListItem(kind=kind)
        db.session.add(item)
    elif item.code != code and _in_use(item):
        raise ListError(_l("This entry is used by declarations; its code cannot change. Retire it and add a new one."),
                        "code")
    item.code, item.label_id, item.label_en = code, label_id.strip(), label_en.strip()
    item.reference = reference.strip()
    item.valid_from, item.valid_until, item.position, item.is_other = valid_from, valid_until, position, is_other
    db.session.flush()
    audit.record("coi.list_item_created" if created else "coi.list_item_updated", item, actor=actor,
                 data={"kind": kind.value, "code": code, "label_id": item.label_id, "label_en": item.label_en,
                       "valid_from": valid_from, "valid_until": valid_until})
    return item


def _in_use(item: ListItem) -> bool:
    from portal.coi.models import Declaration, declaration_source, declaration_type

    checks = (
        sa.select(sa.func.count()).select_from(declaration_type).where(declaration_type.c.item_id == item.id),
        sa.select(sa.func.count()).select_from(declaration_source).where(declaration_source.c.item_id == item.id),
        sa.select(sa.func.count()).select_from(Declaration).where(Declaration.decision_id == item.id),
    )
    return any(db.session.scalar(q) for q in checks)
