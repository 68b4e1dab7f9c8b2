"""Conflict-of-interest declarations at the service level: routing to the decider, the deadline
in working days, register numbers, the yearly statement, completeness, who may decide, the
conditional update against a second decision, returns, take-overs, acknowledgement, audit."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.coi.models import Activity, Kind, Relationship, Route, Status
from portal.extensions import db
from portal.core.roles import Role

FULL = {"description": "Adik kandung saya direktur CV yang ikut tender alat kesehatan.",
        "activity": Activity.PROCUREMENT, "related_party": "CV Sehat Sentosa",
        "relationship_kind": Relationship.FAMILY, "proposed_measure": "Saya tidak ikut menilai."}


def item_id(app, kind: str, code: str) -> int:
    from portal.coi import lists
    from portal.coi.models import ListItem, ListKind

    with app.app_context():
        lists.load_lists()
        db.session.commit()
        return db.session.scalar(sa.select(ListItem.id).where(ListItem.kind == ListKind(kind), ListItem.code == code))


def declare(app, account, *, kind=Kind.ADHOC, submit=True, related_employee_id=None, **over) -> int:
    """A declaration by `account`, built through the services and committed."""
    from portal.auth.models import User
    from portal.coi import services
    from portal.org.models import Employee

    fields = dict(FULL, type_ids=(item_id(app, "type", "BK01"),), source_ids=(item_id(app, "source", "S1"),))
    fields.update(over)
    with app.app_context():
        user = db.session.get(User, account["user_id"])
        if related_employee_id:
            fields["related_nip"] = db.session.get(Employee, related_employee_id).nip
        d = services.save_draft(None, declarant=user.employee, kind=kind, fields=services.DraftFields(**fields),
                                actor=user)
        if submit:
            services.submit(d, actor=user)
        db.session.commit()
        return d.id


def act(app, name: str, declaration_id: int, account, **kwargs):
    """Run services.<name>(declaration, actor=account's user, ...) and commit."""
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Declaration, ListItem

    with app.app_context():
        if "decision" in kwargs:
            kwargs["decision"] = db.session.get(ListItem, kwargs["decision"])
        getattr(services, name)(db.session.get(Declaration, declaration_id),
                                actor=db.session.get(User, account["user_id"]), **kwargs)
        db.session.commit()


def row(app, declaration_id: int) -> dict:
    from portal.coi.models import Declaration

    with app.app_context():
        d = db.session.get(Declaration, declaration_id)
        return {"status": d.status, "route": d.route, "decider_id": d.decider_id, "due_on": d.due_on,
                "register_no": d.register_no, "decision_id": d.decision_id, "decided_by_id": d.decided_by_id,
                "description": d.description, "comments": [c.kind for c in d.comments], "year": d.year,
                "acknowledged_on": d.acknowledged_on, "submitted_on": d.submitted_on}


def events(app, declaration_id: int) -> list[str]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "coi_declaration", AuditEvent.object_id == str(declaration_id))
            .order_by(AuditEvent.seq)))


def freeze(monkeypatch, day: date) -> None:
    import portal.coi.services
    import portal.core.workdays

    for module in (portal.core.workdays, portal.coi.services):
        monkeypatch.setattr(module, "today", lambda: day)


@pytest.fixture
def recusal(app):
    return item_id(app, "decision", "RECUSAL")


# --- routing --------------------------------------------------------------------------------

@pytest.fixture
def chain(world, make_employee):
    """Dinkes: kadis (head) > a titled sub-head > staff, so superior and head differ."""
    kabid = make_employee(world.dinkes, name="dr. Rina Marlina, M.Kes", superior_id=world.kadis["employee_id"])
    staff = make_employee(world.dinkes, superior_id=kabid["employee_id"])
    return kabid, staff


def test_routed_to_direct_superior(app, world, chain):
    kabid, staff = chain
    r = row(app, declare(app, staff))
    assert (r["route"], r["decider_id"], r["status"]) == (Route.SUPERIOR, kabid["employee_id"], Status.SUBMITTED)


def test_superior_named_by_nip_goes_to_head(app, world, chain):
    kabid, staff = chain
    r = row(app, declare(app, staff, related_party="Kepala Bidang saya", related_employee_id=kabid["employee_id"]))
    assert (r["route"], r["decider_id"]) == (Route.HEAD, world.kadis["employee_id"])


@pytest.mark.parametrize("party", ["Rina Marlina", "Dr. RINA MARLINA, S.Kom., M.Kes (kakak ipar)",
                                   "Ibu Marlina Rina"])
def test_superior_named_by_name_with_titles_goes_to_head(app, world, chain, party):
    kabid, staff = chain
    r = row(app, declare(app, staff, related_party=party))
    assert (r["route"], r["decider_id"]) == (Route.HEAD, world.kadis["employee_id"])


def test_other_person_with_one_common_word_does_not_reroute(app, world, chain):
    kabid, staff = chain
    r = row(app, declare(app, staff, related_party="Rina Wati"))
    assert (r["route"], r["decider_id"]) == (Route.SUPERIOR, kabid["employee_id"])


def test_no_superior_goes_to_head(app, world, make_employee):
    loner = make_employee(world.dinkes)
    r = row(app, declare(app, loner))
    assert (r["route"], r["decider_id"]) == (Route.HEAD, world.kadis["employee_id"])


def test_head_without_superior_goes_to_inspectorate(app, world):
    r = row(app, declare(app, world.kadis))
    assert (r["route"], r["decider_id"]) == (Route.INSPECTORATE, None)


def test_head_who_is_a_party_sends_it_to_inspectorate(app, world):
    # asn.dinkes's superior is the head: naming them removes both.
    r = row(app, declare(app, world.asn, related_party="x", related_employee_id=world.kadis["employee_id"]))
    assert (r["route"], r["decider_id"]) == (Route.INSPECTORATE, None)


def test_opd_without_head_and_superior_goes_to_inspectorate(app, world):
    r = row(app, declare(app, world.asn_disdik))
    assert (r["route"], r["decider_id"]) == (Route.INSPECTORATE, None)


# --- deadline and register numbers ------------------------------------------------------------

@pytest.mark.parametrize("start, due", [
    (date(2026, 2, 2), date(2026, 2, 11)),    # a Monday: one weekend skipped
    (date(2026, 2, 12), date(2026, 2, 25)),   # across Imlek (16-17 February) and a weekend
])
def test_due_date_is_seven_working_days(app, world, monkeypatch, start, due):
    freeze(monkeypatch, start)
    r = row(app, declare(app, world.asn))
    assert (r["submitted_on"], r["due_on"]) == (start, due)


def test_due_date_skips_admin_holiday_and_follows_setting(app, world, monkeypatch):
    from portal.core import settings
    from portal.core.workdays import ExtraHoliday

    freeze(monkeypatch, date(2026, 2, 2))
    with app.app_context():
        db.session.add(ExtraHoliday(day=date(2026, 2, 5), name="Libur daerah"))
        db.session.commit()
    assert row(app, declare(app, world.asn))["due_on"] == date(2026, 2, 12)
    with app.app_context():
        settings.put("coi.decision_days", 3)
        db.session.commit()
    assert row(app, declare(app, world.asn))["due_on"] == date(2026, 2, 6)


def test_register_numbers_per_opd_and_year(app, world, monkeypatch):
    freeze(monkeypatch, date(2026, 2, 2))
    first, second = declare(app, world.asn), declare(app, world.secretary)
    draft = declare(app, world.asn, submit=False)
    other_opd = declare(app, world.asn_disdik)
    # Numbered per OPD and year, in the order of submission, as an office's register is.
    assert row(app, first)["register_no"] == "BK/DINKES/2026/00001"
    assert row(app, second)["register_no"] == "BK/DINKES/2026/00002"
    assert row(app, draft)["register_no"] is None
    assert row(app, other_opd)["register_no"] == "BK/DISDIKBUD/2026/00001"
    act(app, "submit", draft, world.asn)
    assert row(app, draft)["register_no"] == "BK/DINKES/2026/00003"
    assert row(app, first)["register_no"] < row(app, second)["register_no"] < row(app, draft)["register_no"]


# --- the yearly statement and completeness ---------------------------------------------------

def test_yearly_no_conflict_is_filed_without_decider(app, world):
    did = declare(app, world.asn, kind=Kind.YEARLY, no_conflict=True, description="", activity=None,
                  related_party="", relationship_kind=None, type_ids=(), source_ids=())
    r = row(app, did)
    assert (r["status"], r["route"], r["decider_id"], r["due_on"]) == (Status.FILED, None, None, None)
    assert events(app, did) == ["coi.declaration_submitted"]


def test_second_yearly_statement_in_a_year_refused(app, world):
    from portal.coi.services import CoiError

    declare(app, world.asn, kind=Kind.YEARLY, no_conflict=True, submit=False)
    with pytest.raises(CoiError) as exc:
        declare(app, world.asn, kind=Kind.YEARLY, no_conflict=True)
    assert exc.value.field == "kind"
    with pytest.raises(CoiError) as exc:  # "no conflict" belongs to the yearly statement only
        declare(app, world.asn, no_conflict=True)
    assert exc.value.field == "no_conflict"


@pytest.mark.parametrize("missing, field", [
    ({"type_ids": ()}, "types"), ({"source_ids": ()}, "sources"), ({"description": "Terlalu pendek."}, "description"),
    ({"activity": None}, "activity"), ({"related_party": "  "}, "related_party"),
    ({"relationship_kind": None}, "related_party"),
])
def test_incomplete_adhoc_refused(app, world, missing, field):
    from portal.coi.services import CoiError

    did = declare(app, world.asn, submit=False, **missing)
    with pytest.raises(CoiError) as exc:
        act(app, "submit", did, world.asn)
    assert exc.value.field == field
    assert row(app, did)["status"] == Status.DRAFT and events(app, did) == []


def test_other_type_needs_a_longer_description(app, world):
    from portal.coi.services import CoiError

    did = declare(app, world.asn, submit=False, type_ids=(item_id(app, "type", "LAINNYA"),),
                  description="Situasi lain yang cukup singkat.")  # 20-39 characters
    with pytest.raises(CoiError, match="another conflict") as exc:
        act(app, "submit", did, world.asn)
    assert exc.value.field == "description"


# --- deciding -------------------------------------------------------------------------------

def test_declarant_cannot_decide(app, world, recusal):
    from portal.coi.services import CoiError

    # The Inspector heads the Inspectorate and has no superior: his own declaration goes to the
    # Inspectorate, whose reviewer he is; still he cannot decide it.
    did = declare(app, world.inspektur)
    assert row(app, did)["route"] == Route.INSPECTORATE
    with pytest.raises(CoiError, match="party") as exc:
        act(app, "decide", did, world.inspektur, decision=recusal, rationale="Saya putuskan sendiri saja.")
    assert exc.value.field == "decision" and row(app, did)["status"] == Status.SUBMITTED


def test_related_party_cannot_decide(app, world, recusal, make_employee):
    from portal.auth.models import User
    from portal.coi.services import CoiError

    with app.app_context():
        inspektur_name = db.session.get(User, world.inspektur["user_id"]).employee.name
    did = declare(app, world.asn, related_party=f"{inspektur_name} (paman)", related_employee_id=world.kadis["employee_id"])
    assert row(app, did)["route"] == Route.INSPECTORATE
    with pytest.raises(CoiError, match="party") as exc:
        act(app, "decide", did, world.inspektur, decision=recusal, rationale="Tidak ada masalah sama sekali.")
    assert exc.value.field == "decision" and row(app, did)["status"] == Status.SUBMITTED
    colleague = make_employee(world.inspektorat, roles={Role.ASN, Role.COI_REVIEWER})
    act(app, "decide", did, colleague, decision=recusal, rationale="Yang bersangkutan mundur dari tim.")
    assert row(app, did)["decided_by_id"] == colleague["user_id"]


def test_second_decision_refused(app, world, recusal):
    from portal.coi.services import CoiError

    did = declare(app, world.asn)
    act(app, "decide", did, world.kadis, decision=recusal, rationale="Mundur dari panitia tender.")
    with pytest.raises(CoiError) as exc:
        act(app, "decide", did, world.kadis, decision=item_id(app, "decision", "NO_CONFLICT"),
            rationale="Berubah pikiran, lanjutkan saja.")
    assert exc.value.field == "decision"
    assert row(app, did)["decision_id"] == recusal
    assert events(app, did).count("coi.declaration_decided") == 1


def test_concurrent_second_decision_counted_once(app, app_factory, world, recusal):
    """Two sessions load the declaration while it waits; both decide: only one wins."""
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Declaration, ListItem

    did = declare(app, world.asn)
    other_app = app_factory()  # same database, its own engine and session
    with other_app.app_context():
        stale = db.session.get(Declaration, did)
        kadis = db.session.get(User, world.kadis["user_id"])
        assert stale.status == Status.SUBMITTED
        act(app, "decide", did, world.kadis, decision=recusal, rationale="Mundur dari panitia tender.")
        assert stale.status == Status.SUBMITTED  # still stale in this session
        with pytest.raises(services.CoiError):
            services.decide(stale, decision=db.session.get(ListItem, item_id(app, "decision", "NO_CONFLICT")),
                            rationale="Keputusan kedua yang bersamaan.", actor=kadis)
        db.session.rollback()
    assert row(app, did)["decision_id"] == recusal
    assert events(app, did).count("coi.declaration_decided") == 1


def test_decided_declaration_cannot_be_edited(app, world, recusal):
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Declaration

    did = declare(app, world.asn)
    for step in ("submitted", "decided"):
        if step == "decided":
            act(app, "decide", did, world.kadis, decision=recusal, rationale="Mundur dari panitia tender.")
        with app.app_context():
            user = db.session.get(User, world.asn["user_id"])
            with pytest.raises(services.CoiError):
                services.save_draft(db.session.get(Declaration, did), declarant=user.employee, kind=Kind.ADHOC,
                                    fields=services.DraftFields(**dict(FULL, description="Diubah " * 5)), actor=user)
            db.session.rollback()
        assert row(app, did)["description"] == FULL["description"]


def test_return_edit_resubmit(app, world, monkeypatch):
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Declaration

    freeze(monkeypatch, date(2026, 2, 2))
    did = declare(app, world.asn)
    number = row(app, did)["register_no"]
    act(app, "return_for_information", did, world.kadis, message="Sebutkan nama CV dan nilai kontraknya.")
    assert row(app, did)["status"] == Status.RETURNED
    freeze(monkeypatch, date(2026, 2, 12))
    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        d = db.session.get(Declaration, did)
        services.save_draft(d, declarant=user.employee, kind=Kind.ADHOC, actor=user, fields=services.DraftFields(
            **dict(FULL, description="CV Sehat Sentosa, nilai kontrak Rp 900 juta, direktur adik saya.",
                   type_ids=(item_id(app, "type", "BK01"),), source_ids=(item_id(app, "source", "S1"),))))
        services.submit(d, actor=user)
        db.session.commit()
    r = row(app, did)
    assert (r["status"], r["register_no"], r["due_on"]) == (Status.SUBMITTED, number, date(2026, 2, 25))
    assert r["description"].startswith("CV Sehat Sentosa") and r["comments"] == ["returned", "resubmitted"]
    assert events(app, did) == ["coi.declaration_submitted", "coi.declaration_returned", "coi.declaration_submitted"]


def test_take_over_then_only_reviewer_decides(app, world, recusal):
    from portal.coi.services import CoiError

    did = declare(app, world.asn)
    act(app, "take_over", did, world.inspektur, reason="Kepala dinas terlambat memutuskan.")
    r = row(app, did)
    assert (r["route"], r["decider_id"], r["comments"]) == (Route.INSPECTORATE, None, ["taken_over"])
    for outsider in (world.kadis, world.handler, world.secretary):
        with pytest.raises(CoiError, match="not yours"):
            act(app, "decide", did, outsider, decision=recusal, rationale="Mundur dari panitia tender.")
    act(app, "decide", did, world.inspektur, decision=recusal, rationale="Mundur dari panitia tender.")
    assert row(app, did)["decided_by_id"] == world.inspektur["user_id"]
    assert events(app, did) == ["coi.declaration_submitted", "coi.declaration_taken_over",
                                "coi.declaration_decided"]


def test_acknowledge_only_by_declarant_after_decision(app, world, recusal):
    from portal.coi.services import CoiError

    did = declare(app, world.asn)
    with pytest.raises(CoiError):
        act(app, "acknowledge", did, world.asn)
    act(app, "decide", did, world.kadis, decision=recusal, rationale="Mundur dari panitia tender.")
    with pytest.raises(CoiError, match="Only the declarant"):
        act(app, "acknowledge", did, world.kadis)
    assert row(app, did)["status"] == Status.DECIDED
    act(app, "acknowledge", did, world.asn)
    r = row(app, did)
    assert r["status"] == Status.ACKNOWLEDGED and r["acknowledged_on"] is not None
    with pytest.raises(CoiError):
        act(app, "acknowledge", did, world.asn)
    assert events(app, did) == ["coi.declaration_submitted", "coi.declaration_decided",
                                "coi.decision_acknowledged"]


def test_decision_must_be_a_decision_option_with_rationale(app, world, recusal):
    from portal.coi.services import CoiError

    did = declare(app, world.asn)
    with pytest.raises(CoiError) as exc:
        act(app, "decide", did, world.kadis, decision=item_id(app, "type", "BK01"), rationale="Mundur dari tender.")
    assert exc.value.field == "decision"
    with pytest.raises(CoiError) as exc:
        act(app, "decide", did, world.kadis, decision=recusal, rationale="ok")
    assert exc.value.field == "rationale"
    assert row(app, did)["status"] == Status.SUBMITTED


def test_overdue_after_due_on(app, world):
    from portal.coi import services
    from portal.coi.models import Declaration

    did = declare(app, world.asn)
    due = row(app, did)["due_on"]
    with app.app_context():
        d = db.session.get(Declaration, did)
        assert not services.overdue(d, due)
        assert services.overdue(d, date.fromordinal(due.toordinal() + 1))
        d.status = Status.DECIDED
        assert not services.overdue(d, date.fromordinal(due.toordinal() + 30))
