"""Regulations: listed on the home page and in the library; seeded from portal/content/regulations.json."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.home.models import Regulation, RegulationArticle

SEED = Path(__file__).resolve().parent.parent / "content" / "regulations.json"
FIELDS = ("topic", "kind", "number", "year", "short_name", "title_id", "title_en", "summary_id", "summary_en",
          "source", "position", "jdih_url")
ARTICLE_FIELDS = ("label", "relied_id", "relied_en", "note", "position")


def list_regulations(*topics: str) -> list[Regulation]:
    """All regulations, or those of the given topics, in the library's order."""
    stmt = sa.select(Regulation).options(selectinload(Regulation.articles)).order_by(Regulation.position,
                                                                                      Regulation.id)
    if topics:
        stmt = stmt.where(Regulation.topic.in_(topics))
    return list(db.session.scalars(stmt))


def article(key: str) -> RegulationArticle | None:
    """The article the portal relies on for `key` (its default content names it), if recorded."""
    return db.session.scalar(sa.select(RegulationArticle).where(RegulationArticle.key == key))


def load_regulations(path: Path = SEED) -> int:
    """Create the regulations and relied-on articles that are missing; existing rows (maybe
    edited, maybe checked) are kept. Returns how many rows were created."""
    created = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        regulation = db.session.scalar(sa.select(Regulation).where(Regulation.slug == item["slug"]))
        if regulation is None:
            regulation = Regulation(slug=item["slug"], **{k: item[k] for k in FIELDS if k in item})
            db.session.add(regulation)
            created += 1
        for entry in item.get("articles", ()):
            if article(entry["key"]) is None:
                regulation.articles.append(RegulationArticle(key=entry["key"],
                                                             **{k: entry[k] for k in ARTICLE_FIELDS if k in entry}))
                db.session.flush()
                created += 1
    db.session.flush()
    return created
