"""Gratification on the participation dashboards and in early detection: gift reports per OPD as
counts (one or two shown as "< 3"), a secretary sees only their own OPD's, late reports and one
giver's gifts in several OPDs raise signals at their thresholds and not below, the giver's keyed
digest matches spellings of one giver and tells givers apart, no signal page names the giver,
and the pages cost the same SQL statements however many reports there are."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers.pages import english, page_text
from tests.participation.support import cards, main, put_setting
from tests.participation.test_participation_query_count import counting

BASE = "/partisipasi"
DINKES, DISDIK, INSPEKTORAT = "Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan", "Inspektorat"
GIVER_NAME = "Direktur Utama Rahasia"


@pytest.fixture
def app(app_factory):
    # Interval 0: each page recounts its figures, so a test sees the reports it just sent.
    return app_factory(PARTICIPATION_REFRESH_SECONDS=0)


@pytest.fixture
def upg(world, make_employee):
    from portal.core.roles import Role

    return make_employee(world.inspektorat, username="upg.inspektorat", roles={Role.ASN, Role.UPG},
                         position="Auditor Ahli Pertama")


@pytest.fixture
def client_of(world, login_as, upg):
    made = {}

    def get(name: str):
        if name not in made:
            made[name] = english(login_as(upg if name == "upg" else getattr(world, name)))
        return made[name]

    return get


def send(app, account, *, institution="CV Maju Bersama", name=GIVER_NAME, late=False, refused=False,
         draft=False) -> int:
    """A report by `account`, sent to the UPG today (a draft with `draft`); late when received 60 days ago."""
    from portal.auth.models import User
    from portal.core.workdays import today
    from portal.gratification import services
    from portal.gratification.models import Custody, GiverRelation, ObjectKind, ReportType

    with app.app_context():
        user = db.session.get(User, account["user_id"])
        fields = services.ReportFields(
            report_type=ReportType.REFUSAL if refused else ReportType.RECEIPT, giver_name=name,
            reporter_address="Jl. Sudirman 1, Padang", reporter_phone="0812 1111 2222",
            giver_institution=institution, giver_relation=GiverRelation.SUPPLIER, occasion="Hari raya",
            received_on=today() - timedelta(days=60 if late else 1), place="Kantor",
            chronology="Rekanan datang ke kantor dan menyerahkan bingkisan kepada saya.", refused=refused,
            objects=[services.ObjectFields(kind=ObjectKind.GOODS, description="Bingkisan", value=300000,
                                           custody=Custody.REPORTER)])
        report = services.save(None, reporter=user.employee, fields=fields, send=not draft, actor=user)
        assert report.late is late
        db.session.commit()
        return report.id


def city_table(page: str) -> dict[str, list[str]]:
    """The city dashboard's OPD table: name -> the gift cells (reports, late, refused)."""
    section = page.split('id="opd-h"', 1)[1].split("</table>", 1)[0]
    out = {}
    for row in re.findall(r"<tr>\s*<td[^>]*>\d+</td>(.*?)</tr>", section, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        out[cells[0]] = cells[-3:]
    return out


def gift_card(response) -> str:
    """The dashboard's gift card, read off the raw HTML ("&lt; 3" holds no tag bracket)."""
    return html.unescape(cards(response.get_data(as_text=True))["Gift reports to the UPG"])


def signals(client) -> dict[tuple[str, str], str]:
    """(OPD, signal) -> why, from the early-detection page."""
    response = client.get(f"{BASE}/deteksi-dini")
    assert response.status_code == 200, response.data[:300]
    rows = re.findall(r"<tr><t[hd][^>]*>([^<]*)</t[hd]><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>",
                      response.get_data(as_text=True))
    return {(html.unescape(o), html.unescape(k)): html.unescape(w) for o, k, w in rows}


LATE, GIVER = "Late gratification reports", "One giver, several OPDs"


# --- the digest -------------------------------------------------------------------------------------

def test_the_digest_matches_spellings_of_one_giver_and_tells_givers_apart(app, app_factory):
    from portal.gratification import givers
    from portal.gratification.models import GiverRelation

    supplier = GiverRelation.SUPPLIER
    with app.app_context():
        one = givers.digest("Direktur", "PT Minang Farma", supplier)
        assert re.fullmatch(r"[0-9a-f]{64}", one)
        for spelling in ("pt. minang  farma", "Minang Farma, PT", "P.T. MINANG FARMA Tbk", "ＰＴ Minang-Farma"):
            assert givers.digest("Orang lain", spelling, supplier) == one, spelling
        # The institution decides; the name only when there is none.
        assert givers.digest("Budi", "", supplier) == givers.digest(" budi ", "", supplier) != one
        assert len({one, givers.digest("Direktur", "PT Minang Farmasi", supplier),
                    givers.digest("Direktur", "CV Minang Farma Jaya", supplier),
                    givers.digest("Minang Farma", "", supplier)} - {one}) == 2  # the name "Minang Farma" matches
        # Nobody known: no digest, so "unknown" givers never look like one giver everywhere.
        assert givers.digest("Tidak diketahui", "", supplier) is None
        assert givers.digest("Budi", "PT Minang Farma", GiverRelation.UNKNOWN) is None
        assert givers.digest("Hamba Allah", "-", supplier) is None
    # Keyed: another master key gives another digest of the same giver.
    other = app_factory(DATA_KEYS=["AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="])
    with other.app_context():
        assert givers.digest("Direktur", "PT Minang Farma", supplier) not in (one, None)


def test_saving_sets_the_digest_and_rotation_recomputes_it(app, app_factory, world):
    from portal.gratification import givers
    from portal.gratification.models import GiftReport

    first = send(app, world.asn, institution="PT Minang Farma")
    second = send(app, world.asn_disdik, institution="pt. minang  farma")
    other = send(app, world.asn_disdik, institution="CV Sehat Sentosa")
    with app.app_context():
        digests = {r.id: r.giver_digest for r in db.session.scalars(sa.select(GiftReport))}
        assert digests[first] == digests[second] != digests[other] and None not in digests.values()
        raw = db.session.execute(sa.text("SELECT giver_digest FROM gratification_report")).scalars().all()
        assert not any("minang" in (d or "").lower() for d in raw)
        db.session.get(GiftReport, first).giver_digest = None  # saved before the column existed
        db.session.commit()
        assert givers.recompute_all() == 1
        db.session.commit()
        assert db.session.get(GiftReport, first).giver_digest == digests[first]
    # A new master key first: `rotate-keys` gives every report its digest under it, matches kept.
    rotated = app_factory(DATA_KEYS=["AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                                     *app.config["DATA_KEYS"]])
    with rotated.app_context():
        assert givers.recompute_all() == 3
        db.session.commit()
        after = {r.id: r.giver_digest for r in db.session.scalars(sa.select(GiftReport))}
        assert after[first] == after[second] != after[other] and after[first] != digests[first]


# --- the dashboards and the export ---------------------------------------------------------------------

def test_figures_per_opd_with_one_or_two_shown_as_fewer_than_three(app, world, client_of):
    for late, refused in ((True, False), (False, True), (False, False)):
        send(app, world.asn, late=late, refused=refused)
    send(app, world.secretary, late=True)
    send(app, world.asn_disdik, refused=True)
    send(app, world.asn_disdik, draft=True)  # a draft is nobody's figure

    response = client_of("secretary").get(f"{BASE}/")
    assert gift_card(response) == "4"
    page = main(response)
    assert "(late: < 3, refused: < 3)" in page

    response = client_of("inspektur").get(f"{BASE}/")
    assert gift_card(response) == "5"
    assert "< 3" not in response.get_data(as_text=True)  # escaped everywhere: a bare "<" is invalid HTML
    city = main(response)
    table = city_table(city)
    assert table[DINKES] == ["4", "< 3", "< 3"]
    assert table[DISDIK] == ["< 3", "0", "< 3"]
    assert table[INSPEKTORAT] == ["0", "0", "0"]
    assert "/gratifikasi/" not in city  # counts only, no link into any report

    send(app, world.kadis, late=True)  # a third late report in Dinkes shows its number
    assert city_table(main(client_of("inspektur").get(f"{BASE}/")))[DINKES] == ["5", "3", "< 3"]


def test_a_secretary_sees_only_their_own_opd(app, world, client_of):
    from openpyxl import load_workbook

    for _ in range(3):
        send(app, world.asn_disdik)
    send(app, world.asn)
    secretary = client_of("secretary")
    assert gift_card(secretary.get(f"{BASE}/")) == "< 3"
    assert gift_card(secretary.get(f"{BASE}/?opd={world.disdik}")) == "< 3"  # the URL cannot widen it
    assert gift_card(client_of("secretary_disdik").get(f"{BASE}/")) == "3"

    response = secretary.get(f"{BASE}/pegawai.xlsx?opd={world.disdik}")
    book = load_workbook(io.BytesIO(response.data))
    gifts = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert gifts[1:] == [["OPD", "Gift reports sent to the UPG", "Sent late", "Refused"], [DINKES, "< 3", 0, 0]]
    # Per person nothing: neither the staff sheet nor the CSV has a gift column.
    staff_header = [c.value for c in book.worksheets[0][2]]
    assert not any("ift" in str(v) or "ratifi" in str(v) for v in staff_header)
    csv_header = secretary.get(f"{BASE}/pegawai.csv").data.decode("utf-8-sig").splitlines()[0]
    assert "ift" not in csv_header and "ratifi" not in csv_header

    city = load_workbook(io.BytesIO(client_of("inspektur").get(f"{BASE}/pegawai.xlsx").data)).worksheets[1]
    rows = {r[0]: r[1:] for r in city.iter_rows(min_row=3, values_only=True)}
    assert rows[DISDIK] == (3, 0, 0) and rows[DINKES] == ("< 3", 0, 0)


# --- the signals ----------------------------------------------------------------------------------------

def test_late_reports_signal_at_the_threshold_and_never_below_three(app, world, client_of):
    inspektur = client_of("inspektur")
    send(app, world.asn, late=True)
    send(app, world.secretary, late=True)
    assert (DINKES, LATE) not in signals(inspektur)
    with app.app_context():
        put_setting("signals.gift_reports_late", 1)  # stored past the form: still never two
    assert (DINKES, LATE) not in signals(inspektur)
    send(app, world.kadis, late=True)
    assert signals(inspektur)[(DINKES, LATE)] == (
        "3 gratification reports were sent to the UPG after their deadline this year.")
    with app.app_context():
        put_setting("signals.gift_reports_late", 4)
    assert (DINKES, LATE) not in signals(inspektur)
    # The form refuses a threshold below three.
    from tests.participation.support import settings_form

    response = client_of("admin").post(f"{BASE}/pengaturan", data=settings_form(gift_reports_late=2))
    assert response.status_code == 400


def test_one_giver_in_several_opds_without_naming_it(app, world, client_of):
    inspektur, admin, upg = client_of("inspektur"), client_of("admin"), client_of("upg")
    first = send(app, world.asn, institution="PT Minang Farma")
    send(app, world.asn_disdik, institution="CV Sehat Sentosa")  # another giver
    send(app, world.asn, institution="pt. minang  farma", draft=True)  # a draft does not count
    assert not any(kind == GIVER for (_, kind) in signals(inspektur))

    second = send(app, world.asn_disdik, institution="pt. minang  farma")
    why = "Gifts from one giver were reported in 2 OPDs this year."
    found = signals(inspektur)
    assert {k: v for k, v in found.items() if k[1] == GIVER} == {(DINKES, GIVER): why, (DISDIK, GIVER): why}
    assert signals(admin) == found
    for client in (inspektur, admin, upg):
        page = client.get(f"{BASE}/deteksi-dini").get_data(as_text=True)
        for secret in ("Minang", "minang", "MINANG", "Farma", "Sehat Sentosa", "Rahasia"):
            assert secret not in page, secret
    page = inspektur.get(f"{BASE}/deteksi-dini").get_data(as_text=True)
    assert "UPG/" not in page and "/gratifikasi/upg" not in page  # which reports: not for the Inspectorate

    # The UPG is told which reports, with a link to its list.
    with app.app_context():
        from portal.gratification.models import GiftReport

        numbers = [db.session.get(GiftReport, i).register_no for i in (first, second)]
    upg_found = signals(upg)
    assert upg_found[(DISDIK, GIVER)] == f"{why} Reports: {', '.join(sorted(numbers))}."
    assert 'href="/gratifikasi/upg/"' in upg.get(f"{BASE}/deteksi-dini").get_data(as_text=True)

    # Three OPDs needed: gone until a third OPD reports the same giver.
    with app.app_context():
        put_setting("signals.gift_giver_opds", 3)
    assert not any(kind == GIVER for (_, kind) in signals(inspektur))
    send(app, world.handler, institution="Minang Farma, PT")
    found = signals(inspektur)
    assert {o for (o, kind) in found if kind == GIVER} == {DINKES, DISDIK, INSPEKTORAT}
    assert found[(INSPEKTORAT, GIVER)] == "Gifts from one giver were reported in 3 OPDs this year."


def test_the_upg_sees_only_its_signals_and_no_dashboard(app, world, client_of):
    for _ in range(3):
        send(app, world.asn, late=True)
    upg, inspektur = client_of("upg"), client_of("inspektur")
    everything = signals(inspektur)
    assert (DINKES, LATE) in everything and any(kind != LATE for (_, kind) in everything)
    assert set(signals(upg)) == {(DINKES, LATE)}
    assert "e-learning coverage" not in page_text(upg.get(f"{BASE}/deteksi-dini"))
    for path in ("/", "/pegawai", "/pegawai.csv", "/bukti-dukung.pdf", "/pengaturan"):
        assert upg.get(f"{BASE}{path}").status_code == 403, path
    assert "/partisipasi/deteksi-dini" in upg.get("/gratifikasi/upg/").get_data(as_text=True)
    assert client_of("secretary").get(f"{BASE}/deteksi-dini").status_code == 403


def test_statements_do_not_grow_with_reports(app_factory, world, upg):
    from portal.core.workdays import today
    from portal.participation import figures
    from tests.helpers.accounts import login

    app = app_factory(PARTICIPATION_REFRESH_SECONDS=3600)  # as in production: stored figures

    def client(account):
        made = app.test_client()
        login(made, account["login"])
        return english(made)

    clients = {"secretary": client(world.secretary), "inspektur": client(world.inspektur), "upg": client(upg)}
    pages = [("secretary", "/"), ("secretary", "/pegawai.xlsx"), ("inspektur", "/"),
             ("inspektur", "/deteksi-dini"), ("inspektur", "/pegawai.xlsx"), ("upg", "/deteksi-dini")]

    def measure() -> dict:
        with app.app_context():
            figures.refresh(today().year)
        out = {}
        for name, path in pages:
            clients[name].get(BASE + path)
            with counting(app) as statements:
                assert clients[name].get(BASE + path).status_code == 200
            out[(name, path)] = len(statements)
        return out

    send(app, world.asn, institution="PT Minang Farma")
    few = measure()
    for account in (world.asn, world.secretary, world.kadis, world.asn_disdik, world.handler):
        send(app, account, institution="pt minang farma", late=True)
        send(app, account, institution="CV Lain", refused=True)
    many = measure()
    assert {kind for (_, kind) in signals(clients["inspektur"])} >= {LATE, GIVER}  # the reports did count
    assert many == few
