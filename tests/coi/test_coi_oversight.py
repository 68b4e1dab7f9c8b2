"""The Inspectorate's side through HTTP: oversight list, register, yearly evaluation (page, PDF,
XLSX), comments, returns, take-overs; the secretary's coverage page; the lists and settings."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.coi.conftest import BASE, OVERSIGHT, english, field_error, text  # noqa: F401

SECRET = "RAHASIA-7Q: ipar saya pemilik apotek rekanan dinas kesehatan."


def declare(app, account, items, *, kind="adhoc", description=SECRET, type_code="BK01", **over) -> int:
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Activity, Kind, Relationship

    with app.app_context():
        user = db.session.get(User, account["user_id"])
        fields = dict(description=description, activity=Activity.PROCUREMENT, related_party="Apotek Sehat",
                      relationship_kind=Relationship.FAMILY, proposed_measure="Tidak ikut menilai rekanan.",
                      type_ids=(items[("type", type_code)],), source_ids=(items[("source", "S1")],))
        fields.update(over)
        d = services.save_draft(None, declarant=user.employee, kind=Kind(kind), actor=user,
                                fields=services.DraftFields(**fields))
        services.submit(d, actor=user)
        db.session.commit()
        return d.id


def declaration(app, declaration_id: int) -> dict:
    from portal.coi.models import Declaration

    with app.app_context():
        d = db.session.get(Declaration, declaration_id)
        return {"status": d.status.value, "route": d.route.value if d.route else None, "decider_id": d.decider_id,
                "register_no": d.register_no, "comments": [(c.kind, c.body) for c in d.comments],
                "year": d.year, "decided_by_id": d.decided_by_id}


def audit_actions(app, action: str) -> list[dict]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        return [e.data for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))]


@pytest.fixture
def inspektur(world, login_as):
    return english(login_as(world.inspektur))


# --- coverage: who has filed, never what ------------------------------------------------------

def test_secretary_sees_coverage_of_own_opd_only(app, world, login_as, items):
    from portal.auth.models import User

    declare(app, world.asn, items, kind="yearly")  # a yearly statement with a conflict in it
    with app.app_context():
        names = {k: db.session.get(User, getattr(world, k)["user_id"]).employee.name
                 for k in ("asn", "kadis", "secretary", "asn_disdik")}
    secretary = english(login_as(world.secretary))
    for url in (f"{OVERSIGHT}/cakupan", f"{OVERSIGHT}/cakupan?opd={world.disdik}"):
        page = text(secretary.get(url))
        assert "Dinas Kesehatan" in page and "1 of 3 employees have filed." in page
        assert names["asn"] in page and names["kadis"] in page and names["secretary"] in page
        assert names["asn_disdik"] not in page
        assert "RAHASIA-7Q" not in page and "Apotek" not in page
        row = next(r for r in page.split("<tr>") if names["asn"] in r)
        assert "Yes" in row and "Not yet" not in row
    for url in (f"{OVERSIGHT}/", f"{OVERSIGHT}/register", f"{OVERSIGHT}/evaluasi", f"{OVERSIGHT}/evaluasi.xlsx"):
        assert secretary.get(url).status_code == 403, url


def test_inspectorate_chooses_the_opd_for_coverage(app, world, inspektur, items):
    page = text(inspektur.get(f"{OVERSIGHT}/cakupan?opd={world.disdik}"))
    assert "Dinas Pendidikan dan Kebudayaan" in page and "0 of 2 employees have filed." in page


# --- oversight list, register, evaluation, exports ----------------------------------------------

def test_oversight_list_and_register(app, world, inspektur, items):
    did = declare(app, world.asn, items)
    other = declare(app, world.asn_disdik, items, description="Sepupu saya ikut seleksi guru PPPK di sekolah.")
    draft_number = declaration(app, did)["register_no"]
    page = text(inspektur.get(f"{OVERSIGHT}/"))
    assert draft_number in page and declaration(app, other)["register_no"] in page
    filtered = text(inspektur.get(f"{OVERSIGHT}/?opd={world.disdik}"))
    assert draft_number not in filtered and declaration(app, other)["register_no"] in filtered

    year = declaration(app, did)["year"]
    register = text(inspektur.get(f"{OVERSIGHT}/register?opd={world.dinkes}&tahun={year}"))
    assert draft_number in register and SECRET in register and "Tidak ikut menilai rekanan." in register
    assert "Sepupu saya" not in register
    assert SECRET not in text(inspektur.get(f"{OVERSIGHT}/register?opd={world.dinkes}&tahun={year - 1}"))


def test_evaluation_page_pdf_and_xlsx(app, world, inspektur, items):
    from openpyxl import load_workbook

    did = declare(app, world.asn, items)
    number, year = declaration(app, did)["register_no"], declaration(app, did)["year"]
    query = f"?opd={world.dinkes}&tahun={year}"
    page = text(inspektur.get(f"{OVERSIGHT}/evaluasi{query}"))
    assert "Yearly evaluation of conflict-of-interest handling" in page and "Dinas Kesehatan" in page

    response = inspektur.get(f"{OVERSIGHT}/evaluasi.pdf{query}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-") and len(response.data) > 2000
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                             check=True).stdout.decode()
        flat = re.sub(r"\s+", "", out)  # the table's narrow columns wrap wherever their widths fall
        assert "DinasKesehatan" in flat and number in flat and "RAHASIA-7Q" in flat
        assert "Kekuasaandan" in flat and "Powerand" not in flat  # the list's Indonesian label, whatever the interface

    response = inspektur.get(f"{OVERSIGHT}/evaluasi.xlsx{query}")
    assert response.status_code == 200 and "evaluasi-bk-dinkes" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [list(r) for r in book["Register"].iter_rows(values_only=True)]
    assert rows[0][:3] == ["No.", "Kind", "Description"]
    assert [r for r in rows if r[0] == number and r[2] == SECRET]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert summary["Conflicts declared"] == 1 and summary["Employees"] == 3
    assert [d["format"] for d in audit_actions(app, "coi.evaluation_exported")] == ["pdf", "xlsx"]


def test_comment_return_and_take_over(app, world, inspektur, login_as, items):
    did = declare(app, world.asn, items)
    assert inspektur.post(f"{OVERSIGHT}/{did}/komentar", data={"body": "Mohon lampirkan akta CV."}).status_code == 302
    assert declaration(app, did)["comments"] == [("comment", "Mohon lampirkan akta CV.")]
    empty = inspektur.post(f"{OVERSIGHT}/{did}/komentar", data={"body": "  "})
    assert empty.status_code == 400 and len(declaration(app, did)["comments"]) == 1

    response = inspektur.post(f"{BASE}/{did}/kembalikan", data={"body": "Sebutkan nilai kontrak dan nama direktur."})
    assert response.status_code == 302 and declaration(app, did)["status"] == "returned"
    asn = english(login_as(world.asn))
    assert "Sebutkan nilai kontrak" in text(asn.get(f"{BASE}/{did}/ubah"))
    assert asn.post(f"{BASE}/{did}/ajukan").status_code == 302
    assert declaration(app, did)["status"] == "submitted"

    response = inspektur.post(f"{OVERSIGHT}/{did}/ambil-alih", data={"body": "Kepala dinas adalah pihak terkait."})
    d = declaration(app, did)
    assert response.status_code == 302 and (d["route"], d["decider_id"]) == ("inspectorate", None)
    assert "Taken over by the Inspectorate" in text(inspektur.get(f"{BASE}/{did}"))
    kadis = english(login_as(world.kadis))
    kadis.post(f"{BASE}/{did}/putuskan", data={"decision": items[("decision", "RECUSAL")], "rationale": "Mundur."})
    assert declaration(app, did)["status"] == "submitted"
    response = inspektur.post(f"{BASE}/{did}/putuskan", data={"decision": items[("decision", "RECUSAL")],
                                                              "rationale": "Yang bersangkutan mundur dari panitia."})
    assert response.status_code == 302 and declaration(app, did)["decided_by_id"] == world.inspektur["user_id"]
    assert [a for a in ("coi.comment_added", "coi.declaration_returned", "coi.declaration_taken_over",
                        "coi.declaration_decided") if not audit_actions(app, a)] == []


def test_refused_take_over_explains_why(app, world, inspektur, login_as, items):
    did = declare(app, world.asn, items)
    english(login_as(world.kadis)).post(f"{BASE}/{did}/putuskan", data={
        "decision": items[("decision", "RECUSAL")], "rationale": "Mundur dari panitia."})
    response = inspektur.post(f"{OVERSIGHT}/{did}/ambil-alih", data={"body": "Terlambat diputuskan."})
    assert response.status_code == 400 and declaration(app, did)["route"] == "superior"
    assert "Only an open declaration can be taken over." in text(response)


# --- lists and settings --------------------------------------------------------------------------

def test_lists_page_says_the_types_are_the_list_the_portal_applies(app, world, inspektur, login_as, items):
    from portal.home.services import load_regulations

    with app.app_context():
        load_regulations()
        db.session.commit()
    page = text(inspektur.get(f"{OVERSIGHT}/daftar?lang=en"))
    assert "below are the list this portal applies. Keep them in line with Perwako Padang No. 27 Tahun 2019, " \
           "Pasal 6" in page and "Declarations that used an entry keep it." in page
    assert "has not yet been checked against the official text" in page
    codes = re.findall(r'/daftar/entri/\d+">([A-Z0-9_]+)</a>', page)
    assert sum(c.startswith("BK") for c in codes) == 9 and "LAINNYA" in codes
    assert sum(re.fullmatch(r"S\d", c) is not None for c in codes) == 6 and "RECUSAL" in codes
    assert login_as(world.admin).get(f"{OVERSIGHT}/daftar").status_code == 200
    with app.app_context():
        from portal.coi.models import ListItem
        seeded = list(db.session.scalars(sa.select(ListItem)))
        assert all(i.label_id and i.label_en and i.label_id != i.label_en for i in seeded)
        assert [i.code for i in seeded if i.is_other] == ["LAINNYA"]


def test_add_entry_and_duplicate_code_refused(app, world, inspektur, items):
    from portal.coi.models import ListItem

    data = {"code": "bk10", "label_id": "Jenis resmi kesepuluh", "label_en": "Official type ten",
            "reference": "Perwako 27/2019 Pasal 6 huruf j", "position": "200"}
    assert inspektur.post(f"{OVERSIGHT}/daftar/type/baru", data=data).status_code == 302
    with app.app_context():
        item = db.session.scalar(sa.select(ListItem).where(ListItem.code == "BK10"))
        assert (item.kind.value, item.label_en, item.reference) == ("type", "Official type ten", data["reference"])
        new_id = item.id
    assert audit_actions(app, "coi.list_item_created")[0]["code"] == "BK10"
    assert "Official type ten" in text(english(inspektur).get(f"{BASE}/baru/adhoc"))
    response = inspektur.post(f"{OVERSIGHT}/daftar/type/baru", data=dict(data, code="BK10 ", label_en="Again"))
    assert "This code is already used in this list." in field_error(text(response), "code")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ListItem).where(ListItem.code == "BK10")) == 1
        assert db.session.get(ListItem, new_id).label_en == "Official type ten"
    # The same code in another list is fine.
    assert inspektur.post(f"{OVERSIGHT}/daftar/source/baru", data=data).status_code == 302


def test_retire_entry_through_the_screen(app, world, inspektur, items):
    from portal.coi.models import ListItem

    yesterday = date.today() - timedelta(days=2)
    response = inspektur.post(f"{OVERSIGHT}/daftar/entri/{items[('type', 'BK02')]}", data={
        "code": "BK02", "label_id": "Lama", "label_en": "Old wording", "valid_until": yesterday.isoformat(),
        "position": "20"})
    assert response.status_code == 302, response.status_code
    with app.app_context():
        assert db.session.get(ListItem, items[("type", "BK02")]).valid_until == yesterday


def test_retired_entry_leaves_the_form_but_old_declarations_keep_it(app, world, items, login_as):
    from portal.coi.models import ListItem

    did = declare(app, world.asn, items, type_code="BK02")
    with app.app_context():  # retired directly, to test the form's choices alone
        item = db.session.get(ListItem, items[("type", "BK02")])
        item.valid_until, label = date.today() - timedelta(days=2), item.label_en
        db.session.commit()
    asn = english(login_as(world.asn))
    form = text(asn.get(f"{BASE}/baru/adhoc"))
    assert f'value="{items[("type", "BK02")]}"' not in form and f'value="{items[("type", "BK01")]}"' in form
    assert label in text(asn.get(f"{BASE}/{did}"))
    assert label in text(english(login_as(world.inspektur)).get(f"{OVERSIGHT}/evaluasi?opd={world.dinkes}"))


def test_code_of_an_entry_in_use_cannot_change(app, world, inspektur, items):
    from portal.coi.models import ListItem

    declare(app, world.asn, items, type_code="BK01")
    data = {"code": "BK01-BARU", "label_id": "Kebijakan", "label_en": "Policy", "position": "10"}
    response = inspektur.post(f"{OVERSIGHT}/daftar/entri/{items[('type', 'BK01')]}", data=data)
    assert "its code cannot change" in field_error(text(response), "code")
    unused = inspektur.post(f"{OVERSIGHT}/daftar/entri/{items[('type', 'BK09')]}", data=dict(data, code="BK09A"))
    assert unused.status_code == 302
    with app.app_context():
        assert db.session.get(ListItem, items[("type", "BK01")]).code == "BK01"
        assert db.session.get(ListItem, items[("type", "BK09")]).code == "BK09A"


def test_settings_change_is_audited_and_used(app, world, inspektur, items):
    from portal.core import settings
    from portal.core.workdays import add_workdays, today

    bad = inspektur.post(f"{OVERSIGHT}/daftar", data={"decision_days": "0", "reminder_days": "2"})
    assert "Between 1 and 60." in field_error(text(bad), "decision_days")
    assert inspektur.post(f"{OVERSIGHT}/daftar", data={"decision_days": "10", "reminder_days": "3"}).status_code == 302
    with app.app_context():
        assert settings.get("coi.decision_days", None) == 10 and settings.get("coi.reminder_days", None) == 3
    assert audit_actions(app, "coi.settings_changed") == [{"coi.decision_days": 10, "coi.reminder_days": 3}]
    did = declare(app, world.asn, items)
    with app.app_context():
        from portal.coi.models import Declaration
        assert db.session.get(Declaration, did).due_on == add_workdays(today(), 10)
    assert "10 working days" in text(inspektur.get(f"{BASE}/baru/adhoc"))
