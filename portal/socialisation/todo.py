"""Organisers: attendance lists of sessions that are over and still open (closing them issues the
certificates). Participants see their sessions under "My upcoming sessions" instead."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from portal.core.clock import local, utcnow
from portal.core.contributions import Todo
from portal.extensions import db
from portal.socialisation import services
from portal.socialisation.models import SocialisationSession


def todos(user) -> list[Todo]:
    if not services.may_organise(user):
        return []
    ended = db.session.scalars(sa.select(SocialisationSession).where(
        SocialisationSession.ends_at < utcnow(), SocialisationSession.closed_at.is_(None),
        SocialisationSession.cancelled_at.is_(None)).order_by(SocialisationSession.ends_at))
    return [Todo(gettext("Close the attendance list of %(title)s", title=s.title),
                 url_for("socialisation.close", session_id=s.id), due=local(s.ends_at).date(), position=20)
            for s in ended if services.can_manage(user, s)]
