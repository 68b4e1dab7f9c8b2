"""The WBS team: conflict-of-interest exclusions, escalation, assignment, the audit of every
view, who may reach /wbs/kelola at all, the sealed identity of a confidential reporter, and
the statistics."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.core.roles import Role
from portal.wbs.workflow import Status
from tests.wbs.handler_support import (audit_events, case_url, english, field_error, file_case, freeze_today,
                                       queue_row, report_row, text)

SEALED = "Confidential: the identity is sealed."
REASON = "Perlu klarifikasi langsung kepada pelapor tentang dokumen kontrak."


@pytest.fixture
def handler(world, login_as):
    return english(login_as(world.handler))


@pytest.fixture
def case(app, world):
    return file_case(app, world.dinkes, uploads=[("bukti.txt", b"Bukti transfer Rp 50.000.000\n")])


@pytest.fixture
def outside_handler(make_employee, world):
    """A second handler, in Dinas Pendidikan: not in the Inspektorat."""
    return make_employee(world.disdik, username="petugas.disdik", roles={Role.ASN, Role.WBS_HANDLER},
                         name="Hendra Gunawan")


def employee_name(app, employee_id) -> str:
    from portal.org.models import Employee

    with app.app_context():
        return db.session.get(Employee, employee_id).name


# --- exclusions -----------------------------------------------------------------------------

def test_a_handler_of_the_reported_opd_is_excluded(app, world, make_employee, login_as, handler, case):
    insider = make_employee(world.dinkes, username="petugas.dinkes", roles={Role.ASN, Role.WBS_HANDLER})
    # Filed after the insider joined: the exclusion is recorded with its reason.
    case2 = file_case(app, world.dinkes)
    assert report_row(app, case2["public_id"])["exclusions"] == {insider["user_id"]: "opd"}
    client = english(login_as(insider))
    for pid in (case["public_id"], case2["public_id"]):
        assert client.get(case_url(pid)).status_code == 403
        assert client.post(case_url(pid, "/status"), data={"status": "ditolak", "reason": "x"}).status_code == 403
        refused = audit_events(app, "wbs.case_access_refused", pid)
        assert refused and refused[-1]["actor_id"] == insider["user_id"]
        assert queue_row(text(client.get("/wbs/kelola/?all=1")), pid) is None
    assert report_row(app, case["public_id"])["status"] == Status.RECEIVED
    assert audit_events(app, "wbs.case_viewed") == []
    # The Inspektorat's handler is not affected.
    assert handler.get(case_url(case["public_id"])).status_code == 200
    assert queue_row(text(handler.get("/wbs/kelola/")), case["public_id"]) is not None


@pytest.mark.parametrize(("handler_name", "reported_name"), [
    ("Rina Marlina, S.Kom", "Rina Marlina"),
    ("dr. Rina Marlina", "RINA MARLINA, S.Kom., M.Si"),
    ("Rina Marlina", "dr. Rina Marlina, M.Kes"),
])
def test_a_handler_named_in_the_report_is_excluded(app, world, make_employee, login_as, handler_name,
                                                   reported_name):
    named = make_employee(world.inspektorat, username="petugas.rina", roles={Role.ASN, Role.WBS_HANDLER},
                          name=handler_name)
    case = file_case(app, world.dinkes, reported_name=reported_name)
    assert report_row(app, case["public_id"])["exclusions"] == {named["user_id"]: "named"}
    client = english(login_as(named))
    assert client.get(case_url(case["public_id"])).status_code == 403
    assert queue_row(text(client.get("/wbs/kelola/")), case["public_id"]) is None
    assert english(login_as(world.handler)).get(case_url(case["public_id"])).status_code == 200


def test_a_similar_name_is_not_the_same_person(app, world, make_employee):
    named = make_employee(world.inspektorat, roles={Role.ASN, Role.WBS_HANDLER}, name="Rina Marlina, S.Kom")
    case = file_case(app, world.dinkes, reported_name="Rina Wati")
    assert named["user_id"] not in report_row(app, case["public_id"])["exclusions"]


def test_a_handler_named_at_the_end_of_a_sentence_is_excluded(app, world, make_employee):
    named = make_employee(world.inspektorat, roles={Role.ASN, Role.WBS_HANDLER}, name="Rina Marlina")
    case = file_case(app, world.dinkes, reported_name="tidak diketahui",
                     what="Uang pelicin itu diserahkan kepada Rina Marlina.")
    assert named["user_id"] in report_row(app, case["public_id"])["exclusions"]


def test_a_named_person_who_joins_the_team_later_is_refused(app, world, make_employee, login_as):
    from portal.auth import services as auth_services
    from portal.auth.models import User

    later = make_employee(world.inspektorat, username="joko.auditor", name="Joko Santoso")
    case = file_case(app, world.dinkes, reported_name="Joko Santoso")
    with app.app_context():
        auth_services.set_roles(db.session.get(User, later["user_id"]), {Role.ASN, Role.WBS_HANDLER}, actor=None)
        db.session.commit()
    assert english(login_as(later)).get(case_url(case["public_id"])).status_code == 403


def test_a_handler_moved_into_the_reported_opd_is_refused_live(app, world, outside_handler, login_as, case):
    from portal.org.models import Employee

    client = english(login_as(outside_handler))
    assert client.get(case_url(case["public_id"])).status_code == 200
    with app.app_context():
        db.session.get(Employee, outside_handler["employee_id"]).opd_id = world.dinkes
        db.session.commit()
    assert client.get(case_url(case["public_id"])).status_code == 403
    assert queue_row(text(client.get("/wbs/kelola/")), case["public_id"]) is None
    assert audit_events(app, "wbs.case_access_refused", case["public_id"])[-1]["actor_id"] == \
        outside_handler["user_id"]


# --- escalation -----------------------------------------------------------------------------

def test_reports_naming_the_inspectorate_leadership_are_escalated(app, world, outside_handler, login_as, handler):
    head = employee_name(app, world.inspektur["employee_id"])
    by_position = file_case(app, world.inspektorat, reported_name="tidak diketahui", position="Inspektur")
    by_name = file_case(app, world.inspektorat, reported_name=f"Drs. {head}, M.Si")
    staff = file_case(app, world.inspektorat, reported_name="Auditor Biasa", position="Auditor Ahli Pertama")
    elsewhere = file_case(app, world.dinkes, reported_name="Kepala Dinas", position="Kepala Dinas Kesehatan")
    assert [report_row(app, c["public_id"])["escalate"] for c in (by_position, by_name, staff, elsewhere)] == [
        True, True, False, False]
    client = english(login_as(outside_handler))
    page = text(client.get("/wbs/kelola/"))
    assert "Escalate" in queue_row(page, by_position["public_id"])
    assert "Escalate" in queue_row(page, by_name["public_id"])
    assert "Escalate" not in queue_row(page, staff["public_id"])
    assert "escalated outside the Inspectorate" in text(client.get(case_url(by_name["public_id"])))
    # Inside the Inspektorat nobody handles it.
    assert handler.get(case_url(by_name["public_id"])).status_code == 403


def test_naming_the_inspektur_without_choosing_the_opd_still_escalates(app, world):
    head = employee_name(app, world.inspektur["employee_id"])
    case = file_case(app, None, reported_name=head, position="Inspektur Kota Padang",
                     opd_text="Inspektorat Kota Padang")
    assert report_row(app, case["public_id"])["escalate"] is True


# --- assignment -----------------------------------------------------------------------------

def test_assignment_only_to_a_handler_not_excluded(app, world, make_employee, outside_handler, handler, case):
    insider = make_employee(world.dinkes, roles={Role.ASN, Role.WBS_HANDLER}, name="Orang Dalam Dinkes")
    pid = case["public_id"]
    page = text(handler.get(case_url(pid)))
    options = page.split('id="assignee"', 1)[1].split("</select>", 1)[0]
    assert "Hendra Gunawan" in options and "Orang Dalam Dinkes" not in options
    for bad in (insider["user_id"], world.asn["user_id"], world.admin["user_id"]):
        response = handler.post(case_url(pid, "/tugaskan"), data={"assignee": bad})
        assert response.status_code == 400
        assert "cannot take this case" in field_error(text(response), "assignee")
    assert report_row(app, pid)["assigned_to_id"] is None
    assert audit_events(app, "wbs.case_assigned") == []
    assert handler.post(case_url(pid, "/tugaskan"), data={"assignee": outside_handler["user_id"]}).status_code == 302
    assert report_row(app, pid)["assigned_to_id"] == outside_handler["user_id"]
    [event] = audit_events(app, "wbs.case_assigned", pid)
    assert event == {**event, "actor_id": world.handler["user_id"], "data": {"assignee": outside_handler["user_id"]}}
    assert handler.post(case_url(pid, "/tugaskan"), data={"assignee": "0"}).status_code == 302
    assert report_row(app, pid)["assigned_to_id"] is None


def test_assigning_an_unknown_account_is_an_error(app, world, handler, case):
    pid = case["public_id"]
    assert handler.post(case_url(pid, "/tugaskan"), data={"assignee": world.handler["user_id"]}).status_code == 302
    assert handler.post(case_url(pid, "/tugaskan"), data={"assignee": "999999"}).status_code == 400
    assert report_row(app, pid)["assigned_to_id"] == world.handler["user_id"]


# --- every view is audited, without request metadata ------------------------------------------

def test_every_view_is_audited_without_request_metadata(app, world, handler, case):
    spy = {"environ_base": {"REMOTE_ADDR": "203.0.113.77"},
           "headers": {"User-Agent": "SpyAgent/9.9", "Referer": "https://perujuk.example/jejak"}}
    for _ in range(2):
        assert handler.get(case_url(case["public_id"]), **spy).status_code == 200
    assert handler.get(case_url(case["public_id"], f"/bukti/{case['evidence'][0]}"), **spy).status_code == 200
    viewed = audit_events(app, "wbs.case_viewed", case["public_id"])
    assert len(viewed) == 2
    for event in viewed:
        assert event["actor_id"] == world.handler["user_id"] and event["object_type"] == "wbs_report"
        assert set(event["data"]) == {"identity_shown"} and event["created_at"] is not None
    from portal.core.audit import AuditEvent

    with app.app_context():
        everything = json.dumps([[e.action, e.object_id, e.data] for e in db.session.scalars(sa.select(AuditEvent))],
                                default=str)
    for leak in ("203.0.113.77", "SpyAgent", "perujuk.example", "127.0.0.1", "user_agent", "remote_addr"):
        assert leak not in everything


# --- who may reach /wbs/kelola ----------------------------------------------------------------

@pytest.fixture
def routes(app, world, case):
    from portal.auth.models import User
    from portal.wbs import handling
    from portal.wbs.models import Report

    with app.app_context():
        request = handling.request_identity(db.session.get(Report, case["id"]), REASON,
                                            actor=db.session.get(User, world.handler["user_id"]))
        db.session.commit()
        values = {"public_id": case["public_id"], "evidence_id": case["evidence"][0], "request_id": request.id}
        out = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("wbs_manage."):
                path = rule.rule
                for key, value in values.items():
                    path = re.sub(rf"<(?:[^:>]+:)?{key}(?:\([^)]*\))?>", str(value), path)
                out.append((rule.endpoint, path, "GET" if "GET" in rule.methods else "POST"))
    assert len(out) == 15
    return out


@pytest.mark.parametrize("role", ["secretary", "inspektur", "asn", "asn_disdik"])
def test_other_roles_get_403_everywhere(app, world, login_as, routes, role):
    client = login_as(getattr(world, role))
    for endpoint, path, method in routes:
        response = client.open(path, method=method, data={"status": "ditolak", "reason": "x" * 30})
        assert response.status_code == 403, (endpoint, path)
    assert audit_events(app, "wbs.case_viewed") == []


def test_admin_manages_but_never_reads(app, world, login_as, routes, case):
    admin = english(login_as(world.admin))
    allowed = {"wbs_manage.settings_page", "wbs_manage.identity_request", "wbs_manage.retention_settings"}
    for endpoint, path, method in routes:
        response = admin.open(path, method=method) if method == "POST" else admin.get(path)
        assert response.status_code == (200 if endpoint in allowed else 403), (endpoint, path)
        assert "Pengadaan alat kesehatan" not in text(response)
    assert audit_events(app, "wbs.case_viewed") == [] and audit_events(app, "wbs.evidence_downloaded") == []


def test_anonymous_visitors_are_sent_to_the_login(app, routes):
    client = app.test_client()
    for endpoint, path, method in routes:
        response = client.open(path, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], endpoint


# --- the sealed identity --------------------------------------------------------------------

def request_identity(client, public_id, reason=REASON):
    return client.post(case_url(public_id, "/identitas"), data={"reason": reason})


def test_the_identity_opens_only_after_an_admin_approves(app, world, login_as, handler, outside_handler, case):
    pid = case["public_id"]
    page = text(handler.get(case_url(pid)))
    assert SEALED in page and "Siti Pelapor Rahasia" not in page and "0812-7777-1111" not in page
    short = request_identity(handler, pid, "terlalu pendek")
    assert short.status_code == 400 and field_error(text(short), "identity-reason")
    assert audit_events(app, "wbs.identity_requested") == []
    assert request_identity(handler, pid).status_code == 302
    [asked] = audit_events(app, "wbs.identity_requested", pid)
    assert asked["actor_id"] == world.handler["user_id"] and asked["data"]["reason"] == REASON
    assert SEALED in text(handler.get(case_url(pid)))                      # still sealed while pending
    assert request_identity(handler, pid).status_code == 400              # one request at a time

    admin = english(login_as(world.admin))
    request_id = asked["data"]["request"]
    assert f"/wbs/kelola/permintaan-identitas/{request_id}" in text(admin.get("/wbs/kelola/pengaturan"))
    detail = text(admin.get(f"/wbs/kelola/permintaan-identitas/{request_id}"))
    assert REASON in detail and "Pengadaan alat kesehatan" not in detail and "Siti Pelapor" not in detail
    assert admin.post(f"/wbs/kelola/permintaan-identitas/{request_id}",
                      data={"decision": "approve", "note": "Disetujui untuk klarifikasi."}).status_code == 302
    [decided] = audit_events(app, "wbs.identity_request_decided", pid)
    assert decided["actor_id"] == world.admin["user_id"]
    assert decided["data"] == {"request": request_id, "approved": True, "note": "Disetujui untuk klarifikasi."}

    page = text(handler.get(case_url(pid)))
    assert "Siti Pelapor Rahasia" in page and "0812-7777-1111" in page and SEALED not in page
    assert audit_events(app, "wbs.case_viewed", pid)[-1]["data"] == {"identity_shown": True}
    other = text(english(login_as(outside_handler)).get(case_url(pid)))
    assert SEALED in other and "Siti Pelapor Rahasia" not in other


def test_a_refused_request_keeps_the_identity_sealed(app, world, login_as, handler, case):
    assert request_identity(handler, case["public_id"]).status_code == 302
    request_id = audit_events(app, "wbs.identity_requested")[0]["data"]["request"]
    admin = english(login_as(world.admin))
    assert admin.post(f"/wbs/kelola/permintaan-identitas/{request_id}",
                      data={"decision": "refuse", "note": "Alasan belum cukup."}).status_code == 302
    assert audit_events(app, "wbs.identity_request_decided")[0]["data"]["approved"] is False
    page = text(handler.get(case_url(case["public_id"])))
    assert SEALED in page and "Siti Pelapor Rahasia" not in page


def test_the_requester_cannot_decide_their_own_request(app, world, make_employee, login_as, case):
    from portal.wbs.models import IdentityRequest

    both = make_employee(world.disdik, username="petugas.admin", roles={Role.ASN, Role.WBS_HANDLER, Role.ADMIN})
    client = english(login_as(both))
    assert request_identity(client, case["public_id"]).status_code == 302
    request_id = audit_events(app, "wbs.identity_requested")[0]["data"]["request"]
    response = client.post(f"/wbs/kelola/permintaan-identitas/{request_id}",
                           data={"decision": "approve", "note": "Saya setujui sendiri."})
    assert "A request cannot be decided by the person who made it." in field_error(text(response), "note")
    with app.app_context():
        assert db.session.get(IdentityRequest, request_id).state == "pending"
    assert audit_events(app, "wbs.identity_request_decided") == []
    assert SEALED in text(client.get(case_url(case["public_id"])))


def test_anonymous_and_open_reports(app, world, handler):
    anonymous = file_case(app, world.dinkes, mode="anonymous")
    page = text(handler.get(case_url(anonymous["public_id"])))
    assert "Anonymous." in page and "/identitas" not in page
    response = request_identity(handler, anonymous["public_id"])   # a forged POST: the page has no form
    assert response.status_code == 400 and "Anonymous." in text(response)
    assert audit_events(app, "wbs.identity_requested") == []
    opened = file_case(app, world.dinkes, mode="open", identity={"name": "Pelapor Terbuka", "contact": "0813"})
    assert "Pelapor Terbuka" in text(handler.get(case_url(opened["public_id"])))


# --- statistics -----------------------------------------------------------------------------

def stat_rows(page: str, caption: str) -> dict:
    table = page.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return {label.strip(): n.strip() for label, n in re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td></tr>", table)}


def test_statistics_page_and_csv(app, world, handler, monkeypatch):
    freeze_today(monkeypatch, date(2026, 3, 13))
    one = file_case(app, world.dinkes, category_code="suap_menyuap")
    two = file_case(app, world.dinkes, category_code="suap_menyuap")
    file_case(app, world.disdik, category_code="gratifikasi")
    freeze_today(monkeypatch, date(2026, 3, 17))   # acknowledged after 2 working days
    handler.post(case_url(one["public_id"], "/status"), data={"status": "verifikasi", "reason": "Diverifikasi."})
    freeze_today(monkeypatch, date(2026, 3, 26))   # 16, 17, 25, 26: acknowledged and closed after 4
    handler.post(case_url(two["public_id"], "/status"), data={"status": "ditolak", "reason": "Bukan pelanggaran."})
    page = text(handler.get("/wbs/kelola/statistik"))
    assert stat_rows(page, "Per OPD reported") == {"DINKES": "2", "DISDIKBUD": "1"}
    assert stat_rows(page, "Per category") == {"Bribery": "2", "Gratification": "1"}
    assert stat_rows(page, "Per status") == {"Verification": "1", "Rejected": "1", "Received": "1"}
    assert stat_rows(page, "Per month") == {"2026-03": "3"}
    assert "3.0" in page and "4.0" in page and "Pengadaan alat kesehatan" not in page
    response = handler.get("/wbs/kelola/statistik.csv")
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["section", "label", "count"] and ["total", "", "3"] in rows
    for row in (["opd", "DINKES", "2"], ["opd", "DISDIKBUD", "1"], ["category", "Bribery", "2"],
                ["status", "ditolak", "1"], ["month", "2026-03", "3"],
                ["avg_workdays_to_acknowledge", "", "3.0"], ["avg_workdays_to_close", "", "4.0"]):
        assert row in rows


def test_a_zero_average_is_exported_as_zero(app, world, handler):
    case = file_case(app, world.dinkes)
    handler.post(case_url(case["public_id"], "/status"), data={"status": "ditolak", "reason": "Tidak lengkap."})
    assert "0.0" in text(handler.get("/wbs/kelola/statistik"))
    rows = list(csv.reader(io.StringIO(handler.get("/wbs/kelola/statistik.csv").data.decode("utf-8-sig"))))
    assert ["avg_workdays_to_acknowledge", "", "0.0"] in rows and ["avg_workdays_to_close", "", "0.0"] in rows


def test_small_counts_are_hidden_outside_the_team(app, world):
    from portal.wbs import stats

    assert stats.suppressed([("A", 5), ("B", 2), ("C", 3), ("D", 1), ("E", 0)]) == [
        ("A", 5), ("B", None), ("C", 3), ("D", None), ("E", None)]
    for expected in (None, None, 3, 4):   # after 1, 2, 3, 4 reports
        file_case(app, world.dinkes)
        with app.app_context():
            assert stats.count_for_opd(world.dinkes) == expected
    with app.app_context():
        assert stats.count_for_opd(world.disdik) is None
