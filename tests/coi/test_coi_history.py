"""A declaration's history on its page: every step in order, with its date and time and who
took it, in the reader's language, for the declarant, the decider and the Inspectorate."""
from __future__ import annotations

import html
import re

import pytest

from portal.extensions import db
from tests.coi.conftest import BASE, OVERSIGHT, english, text
from tests.coi.test_coi_views import form, new_id, send

REASON = "Mohon sebutkan nama paket tender yang dimaksud."
REMARK = "Inspektorat memantau paket tender ini."
EN_MOMENT = r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} WIB"
ID_MOMENT = r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}\.\d{2} WIB"


def history(page: str) -> list[str]:
    """The history's entries, as text."""
    section = re.search(r'id="c-h".*?<ol[^>]*>(.*?)</ol>', page, re.S)
    assert section, "no history on the page"
    items = re.findall(r"<li[^>]*>(.*?)</li>", section.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def names(app, world) -> dict:
    from portal.org.models import Employee

    with app.app_context():
        return {k: db.session.get(Employee, getattr(world, k)["employee_id"]).name
                for k in ("asn", "kadis", "inspektur")}


@pytest.fixture
def clients(world, login_as):
    return {k: english(login_as(getattr(world, k))) for k in ("asn", "kadis", "inspektur")}


def test_the_whole_history_in_order_with_who_and_when(app, world, items, clients, login_as):
    asn, kadis, inspektur = clients["asn"], clients["kadis"], clients["inspektur"]
    data = form(items, send="Save and submit")
    data.pop("save")
    did = new_id(send(asn, f"{BASE}/baru/adhoc", data=data))
    assert kadis.post(f"{BASE}/{did}/kembalikan", data={"body": REASON}).status_code == 302
    assert asn.post(f"{BASE}/{did}/ajukan").status_code == 302
    assert inspektur.post(f"{OVERSIGHT}/{did}/komentar", data={"body": REMARK}).status_code == 302
    recusal = items[("decision", "RECUSAL")]
    assert kadis.post(f"{BASE}/{did}/putuskan", data={"decision": recusal,
                                                      "rationale": "Pegawai tidak ikut menilai."}).status_code == 302
    assert asn.post(f"{BASE}/{did}/terima").status_code == 302
    change_data = form(items, description="Adik saya sudah keluar dari CV itu sejak bulan lalu.",
                       send="Save and submit")
    change_data.pop("save")
    change = new_id(send(asn, f"{BASE}/{did}/perubahan", data=change_data))

    from portal.coi.models import Declaration, ListItem

    with app.app_context():
        decision = db.session.get(ListItem, recusal).label_en
        change_no = db.session.get(Declaration, change).register_no
    who = names(app, world)
    expected = [("Submitted to: Direct superior", who["asn"], ""),
                ("Returned for more information", who["kadis"], REASON),
                ("Submitted again", who["asn"], ""),
                ("Comment", who["inspektur"], REMARK),
                (f"Decision recorded: {decision}", who["kadis"], ""),
                ("Decision acknowledged", who["asn"], ""),
                (f"Change of circumstances reported: {change_no}", who["asn"], "")]
    for reader, client in clients.items():
        page = text(client.get(f"{BASE}/{did}"))
        steps = history(page)
        assert len(steps) == len(expected), (reader, steps)
        for step, (label, actor, words) in zip(steps, expected, strict=True):
            assert re.match(EN_MOMENT, step), (reader, step)
            assert f"· {actor} " in step and label in step and words in step, (reader, step)
        assert f'href="{BASE}/{change}"' in page


def test_a_filed_statement_in_indonesian(app, world, login_as):
    asn = login_as(world.asn)  # the portal's first language
    did = new_id(send(asn, f"{BASE}/baru/yearly", data={"no_conflict": "y", "send": "Save and submit"}))
    steps = history(text(asn.get(f"{BASE}/{did}")))
    assert len(steps) == 1
    assert re.match(ID_MOMENT, steps[0]), steps
    assert names(app, world)["asn"] in steps[0] and "tidak ada benturan kepentingan" in steps[0]


def test_a_decided_and_acknowledged_yearly_statement_in_indonesian(app, world, items, login_as):
    asn, kadis = login_as(world.asn), login_as(world.kadis)
    data = form(items, send="Save and submit")
    data.pop("save")
    did = new_id(send(asn, f"{BASE}/baru/yearly", data=data))
    kadis.post(f"{BASE}/{did}/putuskan", data={"decision": items[("decision", "RECUSAL")],
                                               "rationale": "Pegawai tidak ikut menilai."})
    asn.post(f"{BASE}/{did}/terima")
    who = names(app, world)
    for client in (asn, kadis):
        steps = history(text(client.get(f"{BASE}/{did}")))
        assert [re.match(ID_MOMENT, s) is not None for s in steps] == [True, True, True], steps
        assert "Disampaikan kepada: Atasan langsung" in steps[0] and who["asn"] in steps[0]
        assert "Keputusan ditetapkan" in steps[1] and who["kadis"] in steps[1]
        assert "Keputusan telah diterima" in steps[2] and who["asn"] in steps[2]
