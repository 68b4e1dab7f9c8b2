"""What the Zona Integritas tests share: the answer values per type, answering through the
services, and the unit's state read back from the database."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db

BASE = "/zona-integritas"
# A valid answer for each answer type, and one the item refuses.
VALID = {"yes_no": "yes", "abc": "a", "abcd": "b", "abcde": "b", "percent": "80", "score": "3"}
INVALID = {"yes_no": "maybe", "abc": "z", "abcd": "z", "abcde": "z", "percent": "101", "score": "5"}


def answer_all(app, unit_id, items, *, by, assessor=False, value=None):
    """Every item answered through the services (the tests of single answers go through the client)."""
    from portal.auth.models import User
    from portal.zi import services
    from portal.zi.models import LkeItem, Unit

    with app.app_context():
        unit, actor = db.session.get(Unit, unit_id), db.session.get(User, by["user_id"])
        for entry in items:
            item = db.session.get(LkeItem, entry["id"])
            chosen = value(entry) if value else VALID[entry["type"]]
            if assessor:
                services.assess(unit, item, chosen, "", actor)
            else:
                services.answer_self(unit, item, chosen, "", actor)
        db.session.commit()


def unit_state(app, unit_id) -> dict:
    from portal.zi.models import Answer, Unit

    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            return {}
        answers = {a.item_id: a for a in db.session.scalars(sa.select(Answer).where(Answer.unit_id == unit_id))}
        return {"status": unit.status.value, "target": unit.target.value, "opd_id": unit.opd_id,
                "answers": {k: (a.self_value, a.self_note, a.assessor_value, a.assessor_comment)
                            for k, a in answers.items()}}


def audit_actions(app) -> list[str]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return [e.action for e in db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action.like("zi.%")).order_by(AuditEvent.seq))]
