"""Evidence from what the OPD's staff did in the year: socialisation sessions, e-learning and gift
reports. Registered by evidence_sources.register_all; read live from the areas' tables and queries."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal.core import formatting, tables
from portal.core.clock import local, utcnow, year_bounds
from portal.extensions import db
from portal.org.models import Employee, Opd
from portal.web import urls
from portal.zi.evidence import Gathered


def opd_name(opd_id: int) -> str:
    opd = db.session.get(Opd, opd_id)
    return opd.name if opd is not None else "–"


def slug(opd_id: int) -> str:
    """The OPD's code for file names ("dinkes")."""
    opd = db.session.get(Opd, opd_id)
    return (opd.code if opd is not None else str(opd_id)).lower()


def staff_count(opd_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Employee).where(
        Employee.opd_id == opd_id, Employee.active.is_(True))) or 0


# --- socialisation --------------------------------------------------------------------------------

def held_sessions(opd_id: int, year: int) -> list[tuple]:
    """(session, listed from the OPD, attended from the OPD) for every session of the year that has
    started, was not cancelled, and to which the OPD was invited or its staff were listed."""
    from portal.socialisation.models import ATTENDED, Participant, SocialisationSession, invited_opd

    start, end = year_bounds(year)
    invited = sa.select(invited_opd.c.session_id).where(invited_opd.c.opd_id == opd_id)
    listed = sa.select(Participant.session_id).where(Participant.opd_id == opd_id)
    sessions = list(db.session.scalars(
        sa.select(SocialisationSession).where(
            SocialisationSession.starts_at >= start, SocialisationSession.starts_at < end,
            SocialisationSession.starts_at <= utcnow(), SocialisationSession.cancelled_at.is_(None),
            sa.or_(SocialisationSession.id.in_(invited), SocialisationSession.id.in_(listed)))
        .options(selectinload(SocialisationSession.photos)).order_by(SocialisationSession.starts_at)))
    counts = {sid: (n, came) for sid, n, came in db.session.execute(
        sa.select(Participant.session_id, sa.func.count(), sa.func.count().filter(Participant.status.in_(ATTENDED)))
        .where(Participant.opd_id == opd_id, Participant.session_id.in_([s.id for s in sessions]))
        .group_by(Participant.session_id))} if sessions else {}
    return [(s, *counts.get(s.id, (0, 0))) for s in sessions]


def _pack_state(session) -> str:
    if session.minutes and session.photos:
        return _("evidence pack with minutes and photos")
    if session.minutes:
        return _("evidence pack without photos")
    if session.photos:
        return _("evidence pack without minutes")
    return _("evidence pack without minutes or photos")


def socialisation(opd_id: int, year: int) -> Gathered:
    from portal.socialisation import documents

    name = opd_name(opd_id)
    rows = held_sessions(opd_id, year)
    title = _("Socialisation sessions %(year)d, %(opd)s", year=year, opd=name)
    url = urls.path("socialisation.index")
    if not rows:
        return Gathered(title, [_("No socialisation session in %(year)d invited the OPD or its staff.", year=year)],
                        url, present=False)
    attended = sum(came for _s, _n, came in rows)
    months = len({local(s.starts_at).month for s, _n, _c in rows})
    lines = [_("%(n)d sessions held in %(months)d different months; %(attended)d attendances from the OPD.",
               n=len(rows), months=months, attended=attended)]
    lines += [_("%(day)s: %(title)s, %(came)d of %(listed)d listed attended; %(pack)s.",
                day=formatting.day(s.starts_at), title=s.title, came=came, listed=n, pack=_pack_state(s))
              for s, n, came in rows]

    def csv() -> bytes:
        return tables.csv_bytes(
            [_("Date"), _("Session"), _("Venue"), _("Listed from the OPD"), _("Attended"), _("Minutes"), _("Photos")],
            ([formatting.day(s.starts_at), s.title, s.venue, n, came, _("Yes") if s.minutes else _("No"),
              len(s.photos)] for s, n, came in held_sessions(opd_id, year)), preamble=[[title]])

    def pack(session_id: int):
        # The area's own ZIP for the OPD (invitation, attendance list, minutes, photos). Making it
        # may give the invitation its letter number, as the area's download does; the caller commits.
        def build() -> bytes:
            from portal.socialisation.models import SocialisationSession
            return documents.evidence_pack(db.session.get_one(SocialisationSession, session_id), opd_id, name)
        return build

    files = [(f"sosialisasi-{slug(opd_id)}-{year}.csv", csv)]
    files += [(f"bukti-dukung-sosialisasi-{s.id}-{slug(opd_id)}.zip", pack(s.id)) for s, _n, _c in rows]
    return Gathered(title, lines, url, files=files)


# --- e-learning -----------------------------------------------------------------------------------

def completions(opd_id: int) -> dict[int, int]:
    """module id -> active staff of the OPD who completed it (the participation dashboard's rule)."""
    from portal.learning.models import Completion

    return dict(db.session.execute(
        sa.select(Completion.module_id, sa.func.count(sa.distinct(Completion.employee_id)))
        .join(Employee, Employee.id == Completion.employee_id)
        .where(Employee.opd_id == opd_id, Employee.active.is_(True)).group_by(Completion.module_id)).all())


def learning(opd_id: int, year: int) -> Gathered:
    from portal.learning import gain
    from portal.participation import queries

    name = opd_name(opd_id)
    title = _("E-learning %(year)d, %(opd)s", year=year, opd=name)
    url = urls.path("participation.dashboard", opd=opd_id, tahun=year)
    modules = queries.counted_modules()
    headcount = staff_count(opd_id)
    done = completions(opd_id)
    if not modules or not headcount or not any(done.get(m.id) for m in modules):
        return Gathered(title, [_("No one on the OPD's staff has completed a counted e-learning module yet.")],
                        url, present=False)
    module_ids = [m.id for m in modules]
    locale = str(get_locale() or "id")
    lines = []
    for m in modules:
        n = min(done.get(m.id, 0), headcount)
        lines.append(_("%(module)s: %(n)d of %(staff)d staff completed it (%(percent)s).",
                       module=m.title_en if locale == "en" else m.title_id, n=n, staff=headcount,
                       percent=formatting.percent(n / headcount)))
    overall = gain.by_opd(sa.select(Employee.id).where(Employee.opd_id == opd_id), module_ids).get(opd_id)
    if overall is not None and overall.shown and overall.g is not None:
        lines.append(_("Learning gain from pre-test to quiz: %(g)s over %(pairs)d people (all years).",
                       g=formatting.number(overall.g, 2), pairs=overall.pairs))
    else:
        lines.append(_("Learning gain: not shown, fewer than %(n)d people took both the pre-test and the quiz.",
                       n=gain.MIN_PAIRS))

    def evidence_pdf() -> bytes:
        # The participation area's own evidence summary of the OPD (its dashboard's figures).
        from portal.participation import exports, figures

        opd = db.session.get_one(Opd, opd_id)
        counted = figures.load(year, opd_id)
        return exports.evidence_pdf(opd=opd, title=opd.name, year=year, rows=counted.rows, total=counted.rows[0],
                                    modules=queries.counted_modules(), per_unit=False, as_of=counted.as_of)

    def csv() -> bytes:
        now_done, staff = completions(opd_id), staff_count(opd_id)
        gains = gain.for_opd(opd_id, module_ids)
        return tables.csv_bytes(
            [_("Module"), _("Staff"), _("Completed"), _("Learning gain"), _("People with both tests")],
            ([m.title_id if locale != "en" else m.title_en, staff, min(now_done.get(m.id, 0), staff),
              formatting.number(gains[m.id].g, 2) if m.id in gains and gains[m.id].shown and gains[m.id].g is not None
              else "", gains[m.id].pairs if m.id in gains else 0] for m in modules), preamble=[[title]])
    return Gathered(title, lines, url, files=[(f"bukti-dukung-partisipasi-{slug(opd_id)}-{year}.pdf", evidence_pdf),
                                              (f"e-learning-{slug(opd_id)}-{year}.csv", csv)])


# --- gratification --------------------------------------------------------------------------------

def upg_holders() -> tuple[bool, set[int]]:
    """(the Inspectorate's UPG has an active officer, the other OPDs that have appointed their own):
    who holds the role, and where they work, as gratification.services.upg_opd reads it."""
    from portal.auth.models import User, UserRole
    from portal.core.roles import Role
    from portal.org.models import OpdKind

    rows = db.session.execute(
        sa.select(Opd.kind, Employee.opd_id).select_from(UserRole)
        .join(User, User.id == UserRole.user_id).join(Employee, Employee.id == User.employee_id)
        .join(Opd, Opd.id == Employee.opd_id)
        .where(UserRole.role == Role.UPG, User.active.is_(True), Employee.active.is_(True))).all()
    return (any(kind == OpdKind.INSPECTORATE for kind, _o in rows),
            {o for kind, o in rows if kind != OpdKind.INSPECTORATE})


def upg_in_place(opd_id: int) -> tuple[bool, bool]:
    """(the Inspectorate's UPG has an active officer, the OPD has appointed its own)."""
    city_upg, own = upg_holders()
    return city_upg, opd_id in own


def gratification(opd_id: int, year: int) -> Gathered:
    """Gift reports sent from the OPD in the year, as secretaries may read them: a count of one or
    two is "< 3" (gratification.figures.MIN_SHOWN), and nothing lets it be worked out by subtraction."""
    from portal.gratification import statistics
    from portal.gratification.figures import MIN_SHOWN, masked

    name = opd_name(opd_id)
    title = _("Gratification control %(year)d, %(opd)s", year=year, opd=name)
    url = urls.path("gratification_oversight.statistics_page", tahun=year)
    exact = statistics.year_figures(year, opd_id=opd_id).total
    sent, late, forwarded = exact.sent or 0, exact.late or 0, exact.forwarded or 0
    city_upg, own_upg = upg_in_place(opd_id)
    lines = []
    if city_upg:
        lines.append(_("The Inspectorate's gratification control unit (UPG) is in place."))
    if own_upg:
        lines.append(_("The OPD has appointed its own UPG officer."))
    if not (city_upg or own_upg):
        lines.append(_("No account holds the UPG role yet."))
    if sent:
        # On time is sent minus late: shown only when late is itself shown, else it would give late away.
        on_time = masked(sent - late) if not 0 < late < MIN_SHOWN else _("not shown")
        lines.append(_("Gift reports sent to the UPG in %(year)d: %(sent)s (on time %(on_time)s, late %(late)s); "
                       "forwarded to the KPK: %(forwarded)s.", year=year, sent=masked(sent), on_time=on_time,
                       late=masked(late), forwarded=masked(forwarded)))
    else:
        lines.append(_("No gift report was sent from the OPD in %(year)d.", year=year))
    present = bool(sent or city_upg or own_upg)

    def csv() -> bytes:
        now = statistics.year_figures(year, opd_id=opd_id).total
        s, late_n = now.sent or 0, now.late or 0
        return tables.csv_bytes([_("Figure"), _("Count")], [
            [_("Gift reports sent"), masked(s)],
            [_("On time"), masked(s - late_n) if not 0 < late_n < MIN_SHOWN else _("not shown")],
            [_("Late"), masked(late_n)], [_("Forwarded to the KPK"), masked(now.forwarded or 0)]],
            preamble=[[title]])
    return Gathered(title, lines, url, present=present, files=[(f"gratifikasi-{slug(opd_id)}-{year}.csv", csv)])
