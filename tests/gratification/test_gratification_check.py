"""The check "Do I have to report this?": the evaluation under both versions of the rules
(Perkom 2/2019 until 19 January 2026, Perkom 1/2026 from 20 January 2026), the HTTP flow in
Indonesian and English, the rules editor and the setup-checklist item."""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.gratification.check import Answer, Answers, Giver, ObjectKind, Occasion, Outcome, Reason, evaluate
from portal.gratification.rules import seed_rules
from tests.helpers.pages import english, field_error, page_text

BEFORE = date(2026, 1, 10)  # Perkom 2/2019 still in force
AFTER = date(2026, 2, 10)  # Perkom 1/2026 in force


def plus_days(start: date, n: int) -> date:
    return start + timedelta(days=n)  # a stand-in for add_workdays: the evaluation takes the function


def answers(**over) -> Answers:
    fields = dict(object_kind=ObjectKind.MONEY, giver=Giver.OTHER, occasion=Occasion.CEREMONY, received_on=AFTER,
                  related_to_duty=Answer.NO, giver_has_business=Answer.NO, applies_to_all=Answer.UNSURE,
                  value=1_200_000, earlier_this_year=0)
    fields.update(over)
    return Answers(**fields)


def run(**over):
    return evaluate(answers(**over), seed_rules(), deadline=plus_days)


# --- the evaluation ----------------------------------------------------------------------

def test_a_wedding_gift_of_1_2_million_needs_reporting_under_2019_but_not_under_2026():
    before = run(received_on=BEFORE)
    assert before.outcome is Outcome.REPORT
    assert before.reasons == (Reason.OVER_THRESHOLD,)
    assert before.rule.code == "CEREMONY" and before.rule.threshold == 1_000_000
    assert before.deadline == plus_days(BEFORE, 30)

    after = run(received_on=AFTER)
    assert after.outcome is Outcome.NO_NEED
    assert after.rule.code == "CEREMONY" and after.rule.threshold == 1_500_000
    assert "Perkom 1/2026" in after.rule.source and after.deadline is None
    assert run(received_on=AFTER, value=1_600_000).outcome is Outcome.REPORT


def test_the_day_the_2026_rules_take_effect():
    assert run(received_on=date(2026, 1, 19)).outcome is Outcome.REPORT
    assert run(received_on=date(2026, 1, 20)).outcome is Outcome.NO_NEED


@pytest.mark.parametrize("day, value, earlier, outcome, reason", [
    (BEFORE, 200_000, 0, Outcome.NO_NEED, None),
    (BEFORE, 250_000, 0, Outcome.REPORT, Reason.OVER_THRESHOLD),
    (BEFORE, 200_000, 900_000, Outcome.REPORT, Reason.OVER_CAP),
    (AFTER, 500_000, 0, Outcome.NO_NEED, None),
    (AFTER, 500_000, 1_000_000, Outcome.NO_NEED, None),
    (AFTER, 600_000, 0, Outcome.REPORT, Reason.OVER_THRESHOLD),
    (AFTER, 400_000, 1_200_000, Outcome.REPORT, Reason.OVER_CAP),
    (AFTER, 400_000, None, Outcome.ASK_UPG, Reason.EARLIER_UNKNOWN),
])
def test_a_co_worker_gift_within_and_above_the_threshold_and_the_yearly_cap(day, value, earlier, outcome, reason):
    result = run(object_kind=ObjectKind.GOODS, giver=Giver.COWORKER, occasion=Occasion.NONE, received_on=day,
                 value=value, earlier_this_year=earlier)
    assert result.outcome is outcome, result
    assert reason is None or reason in result.reasons
    if outcome is Outcome.NO_NEED:
        assert result.rule.code == "COWORKER"


def test_money_from_a_co_worker_is_not_exempt():
    result = run(object_kind=ObjectKind.MONEY, giver=Giver.COWORKER, occasion=Occasion.NONE, value=50_000)
    assert result.outcome is Outcome.REPORT and result.reasons == (Reason.NO_CATEGORY,)


@pytest.mark.parametrize("day", [BEFORE, AFTER])
@pytest.mark.parametrize("value", [1, 100_000, 5_000_000])
def test_money_from_a_vendor_is_always_reported_and_refused_whatever_its_value(day, value):
    result = run(giver=Giver.PROVIDER, occasion=Occasion.CEREMONY, value=value, received_on=day)
    assert result.outcome is Outcome.REPORT and result.refuse
    assert result.reasons == (Reason.MONEY_FROM_BUSINESS,)


def test_a_giver_with_business_is_never_cleared_even_by_a_category_that_fits():
    # A family member who is also a contractor of the unit: the family exemption needs no conflict.
    result = run(giver=Giver.FAMILY, giver_has_business=Answer.YES, object_kind=ObjectKind.GOODS, value=10_000)
    assert result.outcome is Outcome.REPORT and result.reasons == (Reason.BUSINESS,)
    assert run(giver=Giver.FAMILY, object_kind=ObjectKind.GOODS, value=10_000).outcome is Outcome.NO_NEED


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_an_unknown_giver_or_an_unsure_condition_sends_the_employee_to_the_upg(day):
    unknown = run(giver=Giver.UNKNOWN, value=100_000, received_on=day)
    assert unknown.outcome is Outcome.ASK_UPG and unknown.reasons == (Reason.GIVER_UNKNOWN,)
    assert unknown.deadline == plus_days(day, 30)
    assert run(related_to_duty=Answer.UNSURE, value=100_000).reasons == (Reason.DUTY_UNSURE,)
    assert run(giver_has_business=Answer.UNSURE, value=100_000).reasons == (Reason.BUSINESS_UNSURE,)
    assert run(value=None).reasons == (Reason.VALUE_UNKNOWN,)


def test_a_gift_is_never_cleared_on_value_alone():
    # A small gift related to one's duty, on no particular occasion: no category fits, so report (and refuse).
    result = run(object_kind=ObjectKind.GOODS, occasion=Occasion.NONE, related_to_duty=Answer.YES, value=10_000)
    assert result.outcome is Outcome.REPORT and result.refuse
    # Within the wedding threshold but related to one's duty: the category does not allow it.
    assert run(related_to_duty=Answer.YES, value=100_000).outcome is Outcome.REPORT


def test_what_applies_to_everyone_needs_that_answer():
    kit = dict(object_kind=ObjectKind.GOODS, occasion=Occasion.OFFICIAL_EVENT, related_to_duty=Answer.YES, value=None)
    assert run(**kit, applies_to_all=Answer.YES).outcome is Outcome.NO_NEED
    assert run(**kit, applies_to_all=Answer.NO).outcome is Outcome.REPORT
    assert run(**kit, applies_to_all=Answer.UNSURE).outcome is Outcome.ASK_UPG


def test_the_farewell_category_is_gone_from_2026_and_the_co_worker_rule_takes_over():
    farewell = dict(object_kind=ObjectKind.GOODS, giver=Giver.COWORKER, occasion=Occasion.FAREWELL, value=300_000)
    assert run(**farewell, received_on=BEFORE).rule.code == "COWORKER_FAREWELL"
    assert run(**farewell, received_on=AFTER).rule.code == "COWORKER"


def test_the_seed_keeps_what_the_reference_marks_unverified_unverified():
    by_code = {(r.code, r.valid_from): r for r in seed_rules()}
    assert not by_code[("DISASTER", date(2026, 1, 20))].verified
    assert not by_code[("HOSPITALITY", None)].verified and not by_code[("INSTITUTION_SOUVENIR", None)].verified
    assert by_code[("CEREMONY", None)].valid_to == date(2026, 1, 19)
    assert by_code[("COWORKER", date(2026, 1, 20))].yearly_cap == 1_500_000


def test_the_deadline_is_30_working_days_from_the_day_received(app):
    from portal.core.workdays import add_workdays
    from portal.gratification import rules

    with app.app_context():
        rules.load_rules()
        result = rules.assess(answers(received_on=BEFORE))
        assert result.outcome is Outcome.REPORT
        assert result.deadline == add_workdays(BEFORE, 30) and result.deadline > plus_days(BEFORE, 30)


# --- HTTP --------------------------------------------------------------------------------

CHECK = "/gratifikasi/periksa"
WEDDING = {"object_kind": "money", "giver": "other", "occasion": "ceremony", "value": "1.200.000",
           "earlier_this_year": "", "received_on": "2026-01-10", "related_to_duty": "no",
           "giver_has_business": "no", "applies_to_all": "unsure"}


@pytest.fixture
def seeded(app):
    from portal.gratification import rules

    with app.app_context():
        rules.load_rules()
        db.session.commit()


def outcome(response) -> str:
    match = re.search(r'data-outcome="(\w+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_the_check_in_indonesian(app, world, seeded, login_as):
    client = login_as(world.asn)
    page = page_text(client.get(CHECK))
    assert "Apakah saya wajib melaporkan?" in page and "Siapa pemberinya?" in page
    response = client.post(CHECK, data=WEDDING)
    assert response.status_code == 200 and outcome(response) == "report"
    page = page_text(response)
    assert "Wajib dilaporkan" in page and "Pasal 12C ayat (2)" in page
    assert "Nilainya melebihi batas nilai kategori ini." in page
    link = re.search(r'href="(/gratifikasi/lapor\?[^"]+)"', response.get_data(as_text=True)).group(1)
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query == {"giver_relationship": ["other"], "occasion": ["ceremony"], "object_kind": ["money"],
                     "value": ["1200000"], "received_on": ["2026-01-10"]}

    response = client.post(CHECK, data={**WEDDING, "received_on": "2026-02-10"})
    assert outcome(response) == "no_need"
    assert "Tidak wajib dilaporkan" in page_text(response) and "Perkom 1/2026" in page_text(response)


def test_the_check_in_english_with_a_vendor_and_an_unknown_giver(app, world, seeded, login_as):
    client = english(login_as(world.asn))
    response = client.post(CHECK, data={**WEDDING, "giver": "provider", "value": "Rp 100.000"})
    assert outcome(response) == "report"
    page = page_text(response)
    assert "Refuse it, or report it" in page and "Start a report" in page
    response = client.post(CHECK, data={**WEDDING, "giver": "unknown"})
    assert outcome(response) == "ask_upg" and "You do not know who gave it." in page_text(response)
    # "Change the answers" brings the form back filled in.
    change = re.search(r'href="(/gratifikasi/periksa\?object_kind=[^"]+)"', response.get_data(as_text=True)).group(1)
    form = client.get(change.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(r'value="unknown"[^>]*checked|checked[^>]*value="unknown"', form)
    assert 'value="2026-01-10"' in form


def test_bad_answers_are_refused_with_the_reason_and_what_was_typed_is_kept(app, world, seeded, login_as):
    client = english(login_as(world.asn))
    future = (date.today() + timedelta(days=400)).isoformat()
    response = client.post(CHECK, data={**WEDDING, "value": "satu juta", "received_on": future, "giver": "bogus",
                                        "related_to_duty": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a whole number of rupiah" in field_error(page, "value")
    assert "cannot be in the future" in field_error(page, "received_on")
    assert 'value="satu juta"' in page
    assert "Choose an answer." in page_text(response)
    assert client.post(CHECK, data={}).status_code == 400


def test_the_check_needs_a_login(client):
    response = client.get(CHECK)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the rules editor --------------------------------------------------------------------

RULES = "/gratifikasi/aturan"


def rule_id(app, code: str, valid_from: date | None) -> int:
    from portal.gratification.rules import GratificationRule

    with app.app_context():
        start = GratificationRule.valid_from.is_(None) if valid_from is None else GratificationRule.valid_from == valid_from
        return db.session.scalar(sa.select(GratificationRule.id).where(GratificationRule.code == code, start))


def form_of(app, rid: int, **over) -> dict:
    from portal.gratification.rules import GratificationRule

    with app.app_context():
        r = db.session.get(GratificationRule, rid)
        data = {"code": r.code, "label_id": r.label_id, "label_en": r.label_en, "condition_id": r.condition_id,
                "condition_en": r.condition_en, "occasion": r.occasion or "", "giver": r.giver or "",
                "threshold": "" if r.threshold is None else str(r.threshold), "basis": r.basis or "",
                "yearly_cap": "" if r.yearly_cap is None else str(r.yearly_cap),
                "valid_from": r.valid_from.isoformat() if r.valid_from else "",
                "valid_to": r.valid_to.isoformat() if r.valid_to else "", "source": r.source,
                "source_url": r.source_url, "position": str(r.position)}
        if r.verified:
            data["verified"] = "y"
    data.update(over)
    return data


def test_an_admin_edits_a_threshold_and_the_check_follows(app, world, seeded, login_as):
    admin = english(login_as(world.admin))
    listing = page_text(admin.get(RULES))
    assert "CEREMONY" in listing and "Not verified" in listing
    rid = rule_id(app, "CEREMONY", date(2026, 1, 20))
    response = admin.post(f"{RULES}/{rid}", data=form_of(app, rid, threshold="1.000.000"))
    assert response.status_code == 302

    from portal.core.audit import AuditEvent
    from portal.gratification.rules import GratificationRule

    with app.app_context():
        assert db.session.get(GratificationRule, rid).threshold == 1_000_000
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "gratification.rule_updated"))
    asn = login_as(world.asn)
    assert outcome(asn.post(CHECK, data={**WEDDING, "received_on": "2026-02-10"})) == "report"


def test_invalid_input_in_the_editor_keeps_what_was_typed(app, world, seeded, login_as):
    admin = english(login_as(world.admin))
    rid = rule_id(app, "CEREMONY", date(2026, 1, 20))
    response = admin.post(f"{RULES}/{rid}", data=form_of(app, rid, threshold="banyak", source_url="javascript:x"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="banyak"' in page and "Enter a whole number of rupiah" in field_error(page, "threshold")
    # Overlapping versions of one category are refused, the typed dates kept.
    response = admin.post(f"{RULES}/{rid}", data=form_of(app, rid, valid_from="2026-01-01"))
    assert response.status_code == 400
    assert "in force in the same period" in field_error(response.get_data(as_text=True), "valid_from")
    assert 'value="2026-01-01"' in response.get_data(as_text=True)
    response = admin.post(f"{RULES}/{rid}", data=form_of(app, rid, basis=""))
    assert "per giver or per gift" in field_error(response.get_data(as_text=True), "basis")

    from portal.gratification.rules import GratificationRule

    with app.app_context():
        r = db.session.get(GratificationRule, rid)
        assert (r.threshold, r.valid_from) == (1_500_000, date(2026, 1, 20))


def test_an_admin_adds_a_rule(app, world, seeded, login_as):
    admin = english(login_as(world.admin))
    assert admin.get(f"{RULES}/baru").status_code == 200
    response = admin.post(f"{RULES}/baru", data={
        "code": "gift_test", "label_id": "Uji", "label_en": "Test", "occasion": "congratulation", "giver": "",
        "object_kinds": ["goods"], "threshold": "100000", "basis": "per_giver", "valid_from": "2027-01-01",
        "source": "Perwako contoh", "position": "5"})
    assert response.status_code == 302
    assert rule_id(app, "GIFT_TEST", date(2027, 1, 1))


def test_the_editor_is_for_administrators_only(app, world, seeded, login_as):
    rid = rule_id(app, "CEREMONY", date(2026, 1, 20))
    for account in (world.asn, world.inspektur, world.secretary):
        client = login_as(account)
        assert client.get(RULES).status_code == 403
        assert client.post(f"{RULES}/{rid}", data=form_of(app, rid, threshold="1")).status_code == 403
    assert english(login_as(world.admin)).get(f"{RULES}/2147483647").status_code == 404


def test_the_setup_check_stays_open_while_a_rule_in_force_is_unverified(app, world, seeded, login_as):
    from portal.gratification import rules

    with app.test_request_context():
        status = rules.setup_status()
        assert not status.done and "DISASTER" in status.remaining and "HOSPITALITY" in status.remaining
        assert "CEREMONY" not in status.remaining
        for r in rules.all_rules():
            r.verified = True
        db.session.commit()
        assert rules.setup_status().done
    page = page_text(english(login_as(world.admin)).get("/admin/persiapan"))
    assert "Gratification: categories that need not be reported" in page
