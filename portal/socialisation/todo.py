"""Organisers: attendance lists of sessions that are over and still open (closing them issues the
certificates). Participants see their sessions under "My upcoming sessions" instead.

Administrators may manage every session, but only the ones they made are theirs to close:
otherwise every open list in the city would sit on the administrator's list."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from portal.core.clock import utcnow
from portal.core.contributions import Todo
from portal.core.roles import Role
from portal.extensions import db
from portal.socialisation import services
from portal.socialisation.models import SocialisationSession
from portal.web.permissions import has_role


def todos(user) -> list[Todo]:
    if not services.may_organise(user):
        return []
    ended = db.session.scalars(sa.select(SocialisationSession).where(
        SocialisationSession.ends_at < utcnow(), SocialisationSession.closed_at.is_(None),
        SocialisationSession.cancelled_at.is_(None)).order_by(SocialisationSession.ends_at))
    return [Todo(gettext("Close the attendance list of %(title)s", title=s.title),
                 url_for("socialisation.close", session_id=s.id), position=20)
            for s in ended if _organises(user, s)]


def _organises(user, session: SocialisationSession) -> bool:
    if session.created_by_id == user.id:
        return True
    return services.can_manage(user, session) and has_role(user, Role.COI_REVIEWER, Role.SECRETARY)
