"""The privacy notice of socialisation sessions and attendance (portal/privacy/purposes.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.privacy import retention
from portal.privacy.purposes import Purpose, register


def _retention() -> list[str]:
    return [retention.describe(retention.ATTENDANCE.code), retention.describe(retention.SESSION_PHOTOS.code),
            _("Attendance certificates stay when the attendance rows go.")]


PURPOSE = Purpose(
    code="sosialisasi",
    title=_l("Socialisation sessions and attendance"),
    summary=_l("Invitations, check-ins and attendance at socialisation sessions, and the session photos."),
    collected=(
        _l("Invitations and nominations: who was invited or nominated, from which OPD, and by whom."),
        _l("Attendance: present, late, excused or absent; how and when you checked in (QR code, short code, marked "
           "by the organiser, or registered at the door by NIP) and any note by the organiser."),
        _l("When you check in with a phone: a random marker kept in a cookie on that phone, stored only as a hash, "
           "so that one phone checking in several people can be shown to the organiser. No address or browser "
           "details are stored."),
        _l("Photos and minutes of the session, which may show or name participants."),
    ),
    why=_l("To organise sessions, record who attended, make attendance lists, minutes and evidence packs (bukti "
           "dukung), and issue attendance certificates."),
    legal_basis=_l("The portal processes these data to carry out the government's duties and authority under the "
                   "law, one of the bases UU 27/2022 tentang Pelindungan Data Pribadi allows: socialising the "
                   "regulations below to its staff. The processing does not rest on your consent."),
    recipients=(
        _l("The organisers (the Inspectorate, or the secretary of the OPD that organises the session) and the "
           "administrators."),
        _l("The secretaries of the invited OPDs: the session, its list and its documents."),
        _l("You, and the others on the list, see the session."),
    ),
    retention=_retention,
    rights=(
        _l("See your sessions under Sessions, and your attendance under My data."),
        _l("Attendance marked wrongly: tell the organiser before the list is closed, or ask for a correction under "
           "My data."),
        _l("If you do not want to appear in a session photo, tell the organiser: photos can be removed."),
    ),
    regulation_topics=("wbs", "coi", "gratification"),
    position=40,
)


def register_notice(app) -> None:
    register(app, PURPOSE)
