"""The evidence the portal gathers for the LKE's items: every provider the shipped LKE names is
registered; each says what is missing when the portal holds nothing, shows the figures when it
does, and is kept current (a declaration, an attendance, a gift report, a recommendation added
through the services changes the next gathering); the WBS never shows a count below the minimum
nor any report's text; the export's files open."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.extensions import db

KEYS = {"socialisation", "learning", "gratification", "gratification_followup", "wbs_followup", "coi_followup",
        "wbs", "coi_register", "coi_evaluation"}


@pytest.fixture
def year(app):
    from portal.core.clock import today

    with app.app_context():
        return today().year


def gather(app, key: str, opd_id: int, year: int, *, files: bool = False) -> dict:
    """What a provider gathers now, as plain values (English), its files made when asked."""
    from portal.zi import evidence

    with app.app_context(), force_locale("en"):
        g = evidence.providers()[key].gather(opd_id, year)
        made = {name: make() for name, make in g.files} if files else {}
        db.session.commit()  # as an export would: a letter number given while making a file
        return {"title": g.title, "lines": g.lines, "text": "\n".join(g.lines), "url": g.url, "present": g.present,
                "names": [name for name, _make in g.files], "files": made}


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def only(files: dict, suffix: str) -> bytes:
    found = [data for name, data in files.items() if name.endswith(suffix)]
    assert len(found) == 1, list(files)
    return found[0]


def test_every_key_of_the_shipped_lke_has_its_provider(app):
    from portal.zi import evidence, lke
    from portal.zi.models import LkeItem

    with app.app_context():
        lke.load_shipped()
        db.session.commit()
        named = {key for item in db.session.scalars(sa.select(LkeItem)) for key in item.provider_keys}
        assert named and named <= set(evidence.providers())
        assert set(evidence.providers()) == KEYS


# --- socialisation ----------------------------------------------------------------------------------

def test_socialisation_sessions_attendance_and_packs(app, world, year):
    from tests.socialisation.factories import check_in, make_session

    absent = gather(app, "socialisation", world.dinkes, year)
    assert absent["present"] is False and "No socialisation session" in absent["text"]
    with app.app_context():
        session = make_session(world, starts_in=timedelta(minutes=-10), invite=[world.asn], minutes_long=180)
        session_id = session.id
    before = gather(app, "socialisation", world.dinkes, year)
    assert before["present"] and before["url"] == "/sosialisasi/"
    assert "1 sessions held in 1 different months; 0 attendances from the OPD." in before["text"]
    assert "0 of 1 listed attended; evidence pack without minutes or photos" in before["text"]
    with app.app_context():
        from portal.socialisation.models import SocialisationSession

        check_in(db.session.get(SocialisationSession, session_id), world.asn)
    after = gather(app, "socialisation", world.dinkes, year, files=True)
    assert "1 attendances from the OPD" in after["text"] and "1 of 1 listed attended" in after["text"]
    rows = csv_rows(only(after["files"], ".csv"))
    assert rows[1][:5] == ["Date", "Session", "Venue", "Listed from the OPD", "Attended"]
    assert rows[2][3:5] == ["1", "1"]
    with zipfile.ZipFile(io.BytesIO(only(after["files"], ".zip"))) as pack:
        assert "00-daftar-isi.txt" in pack.namelist() and "02-daftar-hadir.pdf" in pack.namelist()
    # Another OPD was neither invited nor listed.
    assert gather(app, "socialisation", world.disdik, year)["present"] is False


def test_socialisation_leaves_out_cancelled_future_and_other_years(app, world, year):
    from portal.auth.models import User
    from portal.socialisation import services
    from tests.socialisation.factories import make_session

    with app.app_context():
        make_session(world, starts_in=timedelta(days=400))
        cancelled = make_session(world, starts_in=timedelta(minutes=-30))
        services.cancel(cancelled, actor=db.session.get(User, world.inspektur["user_id"]))
        db.session.commit()
    assert gather(app, "socialisation", world.dinkes, year)["present"] is False


# --- e-learning -------------------------------------------------------------------------------------

def test_learning_coverage_per_module(app, world, year):
    from tests.participation.support import complete, make_module

    assert gather(app, "learning", world.dinkes, year)["present"] is False
    with app.app_context():
        module_id = make_module("zi-uji", "Modul Integritas")
        complete(world.asn["employee_id"], module_id)
    found = gather(app, "learning", world.dinkes, year, files=True)
    assert found["present"] and found["url"] == f"/partisipasi/?opd={world.dinkes}&tahun={year}"
    assert "Modul Integritas: 1 of 3 staff completed it (33%)." in found["text"]
    assert "Learning gain: not shown, fewer than 5 people" in found["text"]
    assert only(found["files"], ".pdf").startswith(b"%PDF-")
    rows = csv_rows(only(found["files"], ".csv"))
    assert rows[2][:3] == ["Modul Integritas", "3", "1"]
    with app.app_context():
        complete(world.kadis["employee_id"], module_id)
    assert "Modul Integritas: 2 of 3 staff completed it (67%)." in gather(app, "learning", world.dinkes, year)["text"]
    assert gather(app, "learning", world.disdik, year)["present"] is False


# --- gratification ----------------------------------------------------------------------------------

def test_gratification_reports_masked_and_the_upg(app, world, year, make_employee):
    from portal.core.roles import Role
    from tests.helpers.gifts import gift_report

    absent = gather(app, "gratification", world.dinkes, year)
    assert absent["present"] is False and "No account holds the UPG role yet." in absent["text"]
    make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG})
    upg_only = gather(app, "gratification", world.dinkes, year)
    assert upg_only["present"] and "The Inspectorate's gratification control unit (UPG) is in place." in upg_only["text"]
    assert "No gift report was sent from the OPD" in upg_only["text"] and "own UPG officer" not in upg_only["text"]

    with app.app_context():
        gift_report(world.asn["user_id"])
        db.session.commit()
    one = gather(app, "gratification", world.dinkes, year, files=True)
    assert "sent to the UPG in %d: < 3 (on time < 3, late 0); forwarded to the KPK: 0." % year in one["text"]
    assert [r for r in csv_rows(only(one["files"], ".csv")) if r and r[0] == "Gift reports sent"] == [
        ["Gift reports sent", "< 3"]]
    with app.app_context():
        gift_report(world.asn["user_id"], giver="Siti")
        gift_report(world.kadis["user_id"], giver="Andi")
        db.session.commit()
    three = gather(app, "gratification", world.dinkes, year)
    assert ": 3 (on time 3, late 0)" in three["text"]
    assert "Budi Santoso" not in three["text"] and "Siti" not in three["text"]
    make_employee(world.dinkes, username="upg.dinkes", roles={Role.ASN, Role.UPG})
    assert "The OPD has appointed its own UPG officer." in gather(app, "gratification", world.dinkes, year)["text"]
    assert "own UPG officer" not in gather(app, "gratification", world.disdik, year)["text"]


def test_gratification_on_time_is_not_shown_when_late_is_masked(app, world, year):
    from portal.gratification.models import GiftReport
    from tests.helpers.gifts import gift_report

    with app.app_context():
        ids = [gift_report(world.asn["user_id"], giver=f"Pemberi {n}") for n in range(4)]
        db.session.get(GiftReport, ids[0]).late = True
        db.session.commit()
    text = gather(app, "gratification", world.dinkes, year)["text"]
    assert ": 4 (on time not shown, late < 3)" in text and " 3 " not in text


# --- follow-up of evaluations -----------------------------------------------------------------------

def _recommend(kind: str, key: str, opd_id: int, year: int, *, due_in: int = 30, text: str = "Perbaiki.") -> int:
    from portal.core.clock import today
    from portal.followup.models import Recommendation

    rec = Recommendation(source_kind=kind, source_key=key, year=year, text=text, opd_id=opd_id,
                         due_on=today() + timedelta(days=due_in))
    db.session.add(rec)
    db.session.commit()
    return rec.id


def test_coi_followup_counts_and_is_kept_current(app, world, year):
    from portal.auth.models import User
    from portal.core.clock import today
    from portal.followup import services
    from portal.followup.models import Recommendation

    absent = gather(app, "coi_followup", world.dinkes, year)
    assert absent["present"] is False and "No recommendation" in absent["text"]
    with app.app_context():
        actor = db.session.get(User, world.inspektur["user_id"])
        first = services.add("coi.evaluation", str(world.dinkes), year, services.Fields(
            text="Tetapkan petugas.", opd_id=world.dinkes, owner_login="", due_on=today() + timedelta(days=30)),
            actor=actor)
        db.session.commit()
        first_id = first.id
    assert "1 recommendations: 0 done, 1 open, 0 of them overdue." in gather(app, "coi_followup", world.dinkes,
                                                                              year)["text"]
    with app.app_context():
        services.add("coi.evaluation", "city", year, services.Fields(
            text="Perbarui register.", opd_id=world.dinkes, owner_login="", due_on=today() - timedelta(days=1)),
            actor=db.session.get(User, world.inspektur["user_id"]))
        services.complete(db.session.get(Recommendation, first_id), note="Sudah.",
                          actor=db.session.get(User, world.secretary["user_id"]))
        db.session.commit()
    found = gather(app, "coi_followup", world.dinkes, year, files=True)
    assert "2 recommendations: 1 done, 1 open, 1 of them overdue." in found["text"]
    rows = csv_rows(only(found["files"], ".csv"))
    assert {r[0] for r in rows[1:]} == {"Tetapkan petugas.", "Perbarui register."}
    assert gather(app, "coi_followup", world.disdik, year)["present"] is False
    assert gather(app, "coi_followup", world.dinkes, year - 1)["present"] is False


@pytest.mark.parametrize("key,kind", [("gratification_followup", "gratification.evaluation"),
                                      ("wbs_followup", "wbs.evaluation")])
def test_other_evaluations_followup_by_kind(app, world, year, key, kind):
    assert gather(app, key, world.dinkes, year)["present"] is False
    with app.app_context():
        _recommend(kind, str(world.dinkes), world.dinkes, year)
        _recommend(kind, "city", world.disdik, year)
        _recommend("coi.evaluation", str(world.dinkes), world.dinkes, year)
    found = gather(app, key, world.dinkes, year)
    assert found["present"] and "1 recommendations: 0 done, 1 open" in found["text"]
    with app.app_context():
        _recommend(kind, "city", world.dinkes, year, due_in=-3)
    assert "2 recommendations: 0 done, 2 open, 1 of them overdue." in gather(app, key, world.dinkes, year)["text"]


# --- WBS --------------------------------------------------------------------------------------------

WHAT = "Pungutan liar pada loket perizinan oleh petugas berinisial ZX."


def _file_wbs(opd_id: int | None) -> None:
    from portal.org.models import Opd
    from portal.wbs import services
    from portal.wbs.models import Category, Mode

    services.file_report(mode=Mode.ANONYMOUS, category=db.session.scalars(sa.select(Category)).first(),
                         reported_opd=db.session.get(Opd, opd_id) if opd_id else None,
                         content={"reported_name": "Pelapor Rahasia", "what": WHAT, "where": "Loket",
                                  "when_from": "2026-01-05", "how": "Tunai"}, identity=None, uploads=[])
    db.session.commit()


def test_wbs_in_place_counts_never_below_the_minimum(wbs_app, world, year):
    from portal.home.services import load_regulations

    app = wbs_app
    absent = gather(app, "wbs", world.dinkes, year)
    assert absent["present"] is False and "No WBS regulation" in absent["text"]
    with app.app_context():
        load_regulations()
        db.session.commit()
    empty = gather(app, "wbs", world.dinkes, year)
    assert empty["present"] and empty["url"] == "/wbs/" and "Published rules: Perwako Padang No. 15" in empty["text"]
    assert "Reports naming the OPD: fewer than 3." in empty["text"]
    seen = []
    for n in range(1, 4):
        with app.app_context():
            _file_wbs(world.dinkes)
            if n == 1:
                _file_wbs(None)
        found = gather(app, "wbs", world.dinkes, year, files=True)
        data = only(found["files"], ".csv").decode("utf-8-sig")
        for text in (found["text"], data, found["title"]):
            assert WHAT not in text and "ZX" not in text and "Pelapor Rahasia" not in text and "Loket" not in text
        assert not re.search(r"(?<![\d.])[12](?![\d.])", found["text"].replace(str(year), "")), found["text"]
        assert not re.search(r",[12]\r?$", data, re.M), data
        seen.append(found["text"])
    assert "Reports naming the OPD: fewer than 3." in seen[1]
    assert "Reports filed in the city in %d: 3, concluded: fewer than 3." % year in seen[1]
    assert "Reports naming the OPD: 3." in seen[2] and "in %d: 4," % year in seen[2]
    assert "Reports naming the OPD: fewer than 3." in gather(app, "wbs", world.disdik, year)["text"]


# --- conflicts of interest --------------------------------------------------------------------------

def test_coi_register_counts_and_is_kept_current(app, world, year, items):
    from tests.participation.support import file_statement

    absent = gather(app, "coi_register", world.dinkes, year)
    assert absent["present"] is False and "No conflict-of-interest declaration" in absent["text"]
    with app.app_context():
        file_statement(world.asn["employee_id"])
    one = gather(app, "coi_register", world.dinkes, year, files=True)
    assert one["present"] and one["url"] == f"/benturan-kepentingan/pengawasan/register?opd={world.dinkes}&tahun={year}"
    assert "Yearly statements filed: 1 of 3 staff." in one["text"] and "Yearly statement: 1" in one["text"]
    assert "Conflicts declared: 0 (decided 0, waiting 0)." in one["text"]
    rows = dict(r for r in csv_rows(only(one["files"], ".csv"))[1:] if len(r) == 2)
    assert rows["Yearly statements filed"] == "1" and rows["Staff"] == "3"
    with app.app_context():
        file_statement(world.kadis["employee_id"])
    assert "Yearly statements filed: 2 of 3 staff." in gather(app, "coi_register", world.dinkes, year)["text"]
    assert gather(app, "coi_register", world.disdik, year)["present"] is False


def test_coi_evaluation_and_its_workbook(app, world, year, items):
    from tests.participation.support import file_statement

    absent = gather(app, "coi_evaluation", world.dinkes, year)
    assert absent["present"] is False and "no data yet" in absent["text"]
    with app.app_context():
        file_statement(world.secretary["employee_id"])
    found = gather(app, "coi_evaluation", world.dinkes, year, files=True)
    assert found["present"] and found["url"] == f"/benturan-kepentingan/pengawasan/evaluasi?opd={world.dinkes}&tahun={year}"
    assert "Yearly statements filed: 1 of 3 staff." in found["text"]
    book = openpyxl.load_workbook(io.BytesIO(only(found["files"], ".xlsx")))
    summary = [[c for c in row if c is not None] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert ["Yearly statements filed", 1] in summary and ["Employees", 3] in summary
    with app.app_context():
        file_statement(world.asn["employee_id"])
    assert "Yearly statements filed: 2 of 3 staff." in gather(app, "coi_evaluation", world.dinkes, year)["text"]


def test_on_an_empty_portal_every_provider_says_what_is_missing_in_indonesian(app, world, year):
    from portal.zi import evidence

    with app.app_context():
        found = {key: g for key, g in zip(sorted(KEYS), evidence.gather(sorted(KEYS), world.dinkes, year))}
    assert not any(g.present for g in found.values())
    assert all(g.lines and g.url for g in found.values())
    assert found["coi_register"].title == f"Register benturan kepentingan {year}, Dinas Kesehatan"
    assert found["socialisation"].lines == [f"Tidak ada kegiatan sosialisasi pada {year} yang mengundang OPD atau "
                                            "pegawainya."]
    assert "Belum ada akun dengan peran UPG." in found["gratification"].lines


SECRET = "Adik saya ikut tender di dinas ini."


def test_coi_declared_conflicts_by_type_and_decision_never_their_content(app, world, year, items):
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Activity, Declaration, Kind, ListItem, Relationship

    with app.app_context():
        user = db.session.get(User, world.asn["user_id"])
        d = services.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, actor=user, fields=services.DraftFields(
            description=SECRET, activity=Activity.PROCUREMENT, related_party="CV Contoh",
            relationship_kind=Relationship.FAMILY, proposed_measure="Tidak ikut menilai.",
            type_ids=(items[("type", "BK02")],), source_ids=(items[("source", "S1")],)))
        services.submit(d, actor=user)
        db.session.commit()
        declaration_id = d.id
    waiting = gather(app, "coi_register", world.dinkes, year, files=True)
    assert "Ad-hoc declaration: 1" in waiting["text"]
    assert "Conflicts declared: 1 (decided 0, waiting 1)." in waiting["text"]
    assert "By type: Discriminatory granting of permits or licences (1)" in waiting["text"]
    evaluation = gather(app, "coi_evaluation", world.dinkes, year, files=True)
    assert "Conflicts declared: 1, decided 0" in evaluation["text"]
    with app.app_context():
        services.decide(db.session.get(Declaration, declaration_id),
                        decision=db.session.get(ListItem, items[("decision", "RECUSAL")]),
                        rationale="Mundur dari panitia.", actor=db.session.get(User, world.kadis["user_id"]))
        db.session.commit()
    decided = gather(app, "coi_register", world.dinkes, year)
    assert "Conflicts declared: 1 (decided 1, waiting 0)." in decided["text"]
    book = openpyxl.load_workbook(io.BytesIO(only(evaluation["files"], ".xlsx")))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert cells and "CV Contoh" not in cells
    for text in (waiting["text"], decided["text"], evaluation["text"], only(waiting["files"], ".csv").decode("utf-8-sig"),
                 *cells):
        assert SECRET not in text and "CV Contoh" not in text and "Pegawai" not in text
