"""Regulations: listed on the home page; seeded from portal/content/regulations.json."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.home.models import Regulation

SEED = Path(__file__).resolve().parent.parent / "content" / "regulations.json"
FIELDS = ("topic", "short_name", "title_id", "title_en", "summary_id", "summary_en", "source", "position")


def list_regulations() -> list[Regulation]:
    return list(db.session.scalars(sa.select(Regulation).order_by(Regulation.position, Regulation.id)))


def load_regulations(path: Path = SEED) -> int:
    """Create the regulations that are missing; existing rows (maybe edited) are kept."""
    created = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        if db.session.scalar(sa.select(Regulation).where(Regulation.slug == item["slug"])) is None:
            db.session.add(Regulation(slug=item["slug"], **{k: item[k] for k in FIELDS}))
            created += 1
    db.session.flush()
    return created
