"""Socialisation sessions: invitations, nominations, QR check-in, attendance lists, minutes,
photos and evidence packs."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions
    from portal.socialisation import checkin_views, privacy_notice, records, todo, views
    from portal.socialisation.models import Photo

    app.register_blueprint(views.bp)
    app.register_blueprint(checkin_views.bp)
    contributions.of(app).stored_files[records.PHOTO_AREA] = Photo.storage_key
    contributions.add_todo(app, todo.todos)
    contributions.add_nav(app, "socialisation.index", _l("Sessions"), position=20)
    contributions.add_document_kind(app, "socialisation.invitation", _l("Invitation to a socialisation session"),
                                    numbered=True)
    contributions.add_document_kind(app, "socialisation.attendance_list", _l("Attendance list"),
                                    organiser_signs=True, acknowledged=True)
    contributions.add_document_kind(app, "socialisation.minutes", _l("Minutes of a socialisation session"),
                                    organiser_signs=True, acknowledged=True)
    privacy_notice.register_notice(app)
