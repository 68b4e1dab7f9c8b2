"""The declarant's and the decider's pages, through HTTP: drafting, attachments, submitting,
deciding, acknowledging, changes, the yearly statement, bad input, and who may see what."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.coi.conftest import BASE, OVERSIGHT, english, field_error, text  # noqa: F401
from tests.helpers.nonce_support import with_nonce

DESCRIPTION = "Adik kandung saya direktur CV Sehat Sentosa yang ikut tender alat kesehatan."


def form(items, **over) -> dict:
    data = {"types": [items[("type", "BK01")], items[("type", "BK04")]], "sources": [items[("source", "S3")]],
            "description": DESCRIPTION, "activity": "procurement", "activity_detail": "Tender alkes 2026",
            "related_party": "CV Sehat Sentosa", "relationship_kind": "family",
            "proposed_measure": "Saya mundur dari panitia.", "save": "Save draft"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def declaration(app, declaration_id: int) -> dict:
    from portal.coi.models import Declaration

    with app.app_context():
        d = db.session.get(Declaration, declaration_id)
        return {"status": d.status.value, "description": d.description, "register_no": d.register_no,
                "types": sorted(t.id for t in d.types), "attachments": [(a.filename, a.id) for a in d.attachments],
                "decision_id": d.decision_id, "kind": d.kind.value, "changes_id": d.changes_id,
                "decider_id": d.decider_id, "route": d.route.value if d.route else None}


def count(app) -> int:
    from portal.coi.models import Declaration

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Declaration))


def send(client, url: str, data: dict, **kwargs):
    """POST the declaration form at `url` as a browser would: with the nonce of its page."""
    return client.post(url, data=with_nonce(client, url, data), **kwargs)


def new_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return int(re.search(r"/benturan-kepentingan/(\d+)$", response.headers["Location"]).group(1))


@pytest.fixture
def asn(world, login_as):
    return english(login_as(world.asn))


@pytest.fixture
def kadis(world, login_as):
    return english(login_as(world.kadis))


@pytest.fixture
def submitted(app, asn, items):
    """An ad-hoc declaration by asn.dinkes with a text attachment, submitted to kadis.dinkes."""
    data = form(items, send="Save and submit", attachment=(io.BytesIO(b"Surat penawaran CV\n"), "penawaran.txt"))
    data.pop("save")
    return new_id(send(asn, f"{BASE}/baru/adhoc", data=data, content_type="multipart/form-data"))


def test_draft_edit_attach_submit(app, world, asn, items):
    did = new_id(send(asn, f"{BASE}/baru/adhoc", data=form(items)))
    d = declaration(app, did)
    assert (d["status"], d["register_no"]) == ("draft", None)
    assert d["types"] == sorted([items[("type", "BK01")], items[("type", "BK04")]])

    edited = DESCRIPTION + " Nilai kontrak Rp 900 juta."
    response = send(asn, f"{BASE}/{did}/ubah", content_type="multipart/form-data", data=form(
        items, description=edited, attachment=(io.BytesIO(b"Daftar peserta tender\n"), "peserta.txt")))
    assert new_id(response) == did
    d = declaration(app, did)
    assert d["description"] == edited and [a[0] for a in d["attachments"]] == ["peserta.txt"]

    typed = "Teks yang saya ketik tidak boleh hilang, walau lampirannya ditolak."
    fake_pdf = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    response = send(asn, f"{BASE}/{did}/ubah", content_type="multipart/form-data",
                        data=form(items, description=typed, attachment=(io.BytesIO(fake_pdf), "laporan.pdf")))
    page = text(response)
    assert response.status_code == 400
    assert "This kind of file is not accepted" in field_error(page, "attachment")
    assert typed in page
    assert declaration(app, did)["description"] == edited and len(declaration(app, did)["attachments"]) == 1

    assert asn.post(f"{BASE}/{did}/ajukan").status_code == 302
    d = declaration(app, did)
    assert d["status"] == "submitted" and re.fullmatch(r"BK/DINKES/\d{4}/\d{5}", d["register_no"])
    assert d["decider_id"] == world.kadis["employee_id"]

    # Read-only from now on.
    assert asn.get(f"{BASE}/{did}/ubah").status_code == 302
    assert asn.post(f"{BASE}/{did}/ubah", data=form(items, description="Diubah setelah diajukan " * 3)).status_code == 302
    assert declaration(app, did)["description"] == edited
    page = text(asn.get(f"{BASE}/{did}"))
    assert d["register_no"] in page and "Waiting for a decision" in page
    download = asn.get(f"{BASE}/{did}/lampiran/{d['attachments'][0][1]}")
    assert download.status_code == 200 and download.data == b"Daftar peserta tender\n"


def test_form_shows_gratification_rule(app, world, asn, items):
    page = text(asn.get(f"{BASE}/baru/adhoc?lang=en"))
    assert "30 working days" in page and "KPK" in page and "UPG" in page
    assert "7 working days" in page  # the decision deadline, from the settings


def test_decide_tampering_and_acknowledge(app, world, asn, kadis, items, submitted, login_as):
    number = declaration(app, submitted)["register_no"]
    waiting = text(kadis.get(f"{BASE}/"))
    assert "Waiting for your decision" in waiting and number in waiting
    assert "Waiting for your decision" not in text(asn.get(f"{BASE}/"))

    for bad in (items[("type", "BK01")], 999999, "abc", 0):
        response = kadis.post(f"{BASE}/{submitted}/putuskan", data={"decision": bad, "rationale": "Mundur dari panitia."})
        assert response.status_code == 400, bad
        assert field_error(text(response), "decision"), bad
    assert declaration(app, submitted)["status"] == "submitted"
    # The refused form was drawn at the POST address; opening that address again (reloading it
    # from the address bar) leads back to the declaration, not to a 405.
    for action in ("putuskan", "kembalikan"):
        reopened = kadis.get(f"{BASE}/{submitted}/{action}")
        assert reopened.status_code == 302 and reopened.headers["Location"].endswith(f"{BASE}/{submitted}")

    recusal = items[("decision", "RECUSAL")]
    response = kadis.post(f"{BASE}/{submitted}/putuskan", data={"decision": recusal, "rationale": "Mundur dari panitia."})
    assert response.status_code == 302
    assert declaration(app, submitted)["decision_id"] == recusal
    again = kadis.post(f"{BASE}/{submitted}/putuskan", data={"decision": items[("decision", "NO_CONFLICT")],
                                                             "rationale": "Keputusan kedua, harus ditolak."})
    assert again.status_code == 400  # the message itself: test_refused_decision_explains_why
    assert declaration(app, submitted)["decision_id"] == recusal

    with app.app_context():
        from portal.coi.models import ListItem
        label = db.session.get(ListItem, recusal).label_en
    assert label in text(asn.get(f"{BASE}/"))
    assert kadis.post(f"{BASE}/{submitted}/terima").status_code == 400  # only the declarant
    assert declaration(app, submitted)["status"] == "decided"
    assert login_as(world.secretary).post(f"{BASE}/{submitted}/terima").status_code == 404
    assert asn.post(f"{BASE}/{submitted}/terima").status_code == 302
    assert declaration(app, submitted)["status"] == "acknowledged"


@pytest.mark.parametrize("who, message", [
    ("asn", "You cannot decide a declaration you are a party to."),
    ("kadis", "This declaration is not waiting for a decision (it may have been decided already)."),
])
def test_refused_decision_explains_why(app, world, login_as, items, submitted, who, message):
    if who == "kadis":
        english(login_as(world.kadis)).post(f"{BASE}/{submitted}/putuskan", data={
            "decision": items[("decision", "RECUSAL")], "rationale": "Mundur dari panitia."})
    response = english(login_as(getattr(world, who))).post(f"{BASE}/{submitted}/putuskan", data={
        "decision": items[("decision", "NO_CONFLICT")], "rationale": "Keputusan yang harus ditolak."})
    assert response.status_code == 400
    assert message in text(response)


def test_declarant_cannot_decide_own_declaration_over_http(app, world, asn, items, submitted):
    response = asn.post(f"{BASE}/{submitted}/putuskan", data={"decision": items[("decision", "NO_CONFLICT")],
                                                              "rationale": "Saya putuskan sendiri."})
    assert response.status_code == 400
    assert declaration(app, submitted)["status"] == "submitted"


def test_change_declaration(app, world, asn, kadis, items, submitted, login_as):
    kadis.post(f"{BASE}/{submitted}/putuskan", data={"decision": items[("decision", "RECUSAL")],
                                                     "rationale": "Mundur dari panitia."})
    number = declaration(app, submitted)["register_no"]
    page = text(asn.get(f"{BASE}/baru/change?dari={submitted}"))
    assert "Changes the declaration" in page and number in page
    data = form(items, description=DESCRIPTION + " Kini adik saya sudah keluar dari CV.", send="Save and submit")
    data.pop("save")
    change = new_id(send(asn, f"{BASE}/baru/change?dari={submitted}", data=data))
    d = declaration(app, change)
    assert (d["kind"], d["changes_id"], d["status"]) == ("change", submitted, "submitted")
    other = english(login_as(world.asn_disdik))
    assert other.get(f"{BASE}/baru/change?dari={submitted}").status_code == 404


def test_yearly_statement_no_conflict(app, world, asn):
    did = new_id(send(asn, f"{BASE}/baru/yearly", data={"no_conflict": "y", "send": "Save and submit"}))
    d = declaration(app, did)
    assert (d["kind"], d["status"], d["decider_id"], d["route"]) == ("yearly", "filed", None, None)
    again = asn.get(f"{BASE}/baru/yearly")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/{did}")
    assert asn.post(f"{BASE}/baru/yearly", data={"no_conflict": "y", "send": "x"}).status_code == 302
    assert count(app) == 1
    assert "Filed" in text(asn.get(f"{BASE}/"))
    # The statement shows what it says, not seven empty fields of a declaration.
    page = text(asn.get(f"{BASE}/{did}"))
    assert "I have no conflict of interest to declare this year" in page
    assert "Type of conflict" not in page and "Related party" not in page


@pytest.mark.parametrize("over, field, message", [
    ({"description": "x" * 10001}, "description", "At most 10000 characters."),
    ({"related_party": "x" * 201}, "related_party", "At most 200 characters."),
    ({"proposed_measure": "x" * 5001}, "proposed_measure", "At most 5000 characters."),
    ({"types": ["abc"]}, "types", ""),
    ({"sources": ["1x"]}, "sources", ""),
    ({"activity": "bogus"}, "activity", "Not a valid choice"),
    ({"relationship_kind": "enemy"}, "relationship_kind", "Not a valid choice"),
    ({"related_nip": "199001012015011999"}, "related_nip", "No employee has this NIP."),
])
def test_bad_input_is_400_with_message(app, world, asn, items, over, field, message):
    response = send(asn, f"{BASE}/baru/adhoc", data=form(items, **over))
    page = text(response)
    assert response.status_code == 400
    assert field_error(page, field) and message in field_error(page, field)
    assert count(app) == 0


@pytest.mark.parametrize("field", ["types", "sources"])
def test_unknown_list_id_is_400_not_500(app, world, asn, items, field):
    response = send(asn, f"{BASE}/baru/adhoc", data=form(items, **{field: ["999999"]}))
    assert response.status_code == 400, response.status_code  # 500 today
    assert "not a valid choice" in field_error(text(response), field)
    assert count(app) == 0


def test_incomplete_submission_is_400_next_to_the_field(app, world, asn, items):
    data = form(items, related_party="", send="Save and submit")
    data.pop("save")
    response = send(asn, f"{BASE}/baru/adhoc", data=data)
    assert response.status_code == 400
    assert "Name the related party" in field_error(text(response), "related_party")
    assert count(app) == 0


def test_superior_named_by_nip_routes_to_head_over_http(app, world, make_employee, login_as, items):
    kabid = make_employee(world.dinkes, superior_id=world.kadis["employee_id"])
    staff = make_employee(world.dinkes, username="staf.dinkes", superior_id=kabid["employee_id"])
    client = english(login_as(staff))
    data = form(items, related_party="Atasan saya", related_nip=kabid["nip"], send="Save and submit")
    data.pop("save")
    d = declaration(app, new_id(send(client, f"{BASE}/baru/adhoc", data=data)))
    assert (d["route"], d["decider_id"]) == ("head", world.kadis["employee_id"])


# --- privacy -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["secretary", "asn_disdik", "handler", "admin", "secretary_disdik"])
def test_others_cannot_see_a_declaration(app, world, login_as, submitted, items, who):
    attachment_id = declaration(app, submitted)["attachments"][0][1]
    client = login_as(getattr(world, who))
    assert client.get(f"{BASE}/{submitted}").status_code == 404
    assert client.get(f"{BASE}/{submitted}/lampiran/{attachment_id}").status_code in (403, 404)
    response = client.post(f"{BASE}/{submitted}/putuskan",
                           data={"decision": items[("decision", "NO_CONFLICT")], "rationale": "Saya ikut memutuskan."})
    assert response.status_code in (403, 404)
    assert declaration(app, submitted)["status"] == "submitted"


@pytest.mark.parametrize("who", ["asn", "kadis", "inspektur"])
def test_declarant_decider_and_inspectorate_see_it(app, world, login_as, submitted, who):
    attachment_id = declaration(app, submitted)["attachments"][0][1]
    client = login_as(getattr(world, who))
    assert DESCRIPTION in text(client.get(f"{BASE}/{submitted}"))
    download = client.get(f"{BASE}/{submitted}/lampiran/{attachment_id}")
    assert download.status_code == 200 and download.data == b"Surat penawaran CV\n"
    assert "sandbox" in download.headers["Content-Security-Policy"]
