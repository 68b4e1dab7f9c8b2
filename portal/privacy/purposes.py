"""The purposes for which the portal processes personal data, each with its privacy notice.

Each area contributes its own purpose from its init_app (`register(app, Purpose(...))`), next to
the models it describes, so an area added later (gratification reports, say) brings its notice
with it and edits nothing here. `/privasi` lists them; `/privasi/<code>` shows one.

Every text is a lazy string, translated when shown. The legal basis says how the portal applies
UU 27/2022 tentang Pelindungan Data Pribadi and names the area's regulation from the
regulations table (`regulation_topics`); it never quotes article numbers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app

from portal.extensions import db
from portal.home.models import Regulation

EXTENSION = "portal.privacy.purposes"


@dataclass(frozen=True)
class Purpose:
    code: str                 # its address: /privasi/<code>
    title: object
    summary: object           # one sentence for the index
    collected: tuple          # what is collected, one item each
    why: object
    legal_basis: object       # how the portal applies UU 27/2022 for this purpose
    recipients: tuple         # who sees it, one item each
    retention: Callable[[], list[str]]   # how long it is kept, read from the settings when shown
    rights: tuple             # how to exercise one's rights for this purpose, in the portal
    regulation_topics: tuple = ()        # topics of home_regulation rows named as the area's regulation
    notes: tuple = ()         # what else the person should know (the WBS's promises, say)
    position: int = 50        # order on the index


def register(app: Flask, purpose: Purpose) -> None:
    found = app.extensions.setdefault(EXTENSION, {})
    if purpose.code in found:
        raise ValueError(f"privacy purpose {purpose.code!r} registered twice")
    found[purpose.code] = purpose


def all_purposes(app: Flask | None = None) -> list[Purpose]:
    app = app or current_app
    return sorted(app.extensions.get(EXTENSION, {}).values(), key=lambda p: (p.position, p.code))


def get(code: str) -> Purpose | None:
    return current_app.extensions.get(EXTENSION, {}).get(code)


def regulations_for(purpose: Purpose) -> list:
    """The area's regulations as the regulations table names them (another city has its own)."""
    if not purpose.regulation_topics:
        return []
    return list(db.session.scalars(sa.select(Regulation).where(Regulation.topic.in_(purpose.regulation_topics))
                                   .order_by(Regulation.position, Regulation.id)))
