"""Default offence groups: the seven groups of corruption offences commonly drawn from
UU 31/1999 jo. UU 20/2001 (wbs.md §3.1), plus "other". Editable data afterwards."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.wbs.models import Category

SEED = Path(__file__).resolve().parent.parent / "content" / "wbs_categories.json"


def load_categories(path: Path = SEED) -> int:
    created = 0
    for position, item in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        if db.session.scalar(sa.select(Category).where(Category.code == item["code"])) is None:
            db.session.add(Category(code=item["code"], label_id=item["label_id"], label_en=item["label_en"],
                                    position=position))
            created += 1
    db.session.flush()
    return created
