"""Learning hours (JP): what a completion earns and in which year, shown to the person and to
their secretary, in the staff export and in the kepegawaian export (one row per completion)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.participation.support import BASE, csv_rows, main, xlsx_cells, xlsx_sheet

FORMULA_TITLE = "=HYPERLINK(\"http://evil.example\",\"klik\")"


@pytest.fixture
def complete(app):
    """A completion of a module at a given moment, with its certificate issued the way the
    receiver issues it (the certificate copies the module's JP at that moment)."""
    from portal.certificates import services as certificates
    from portal.learning.models import Attempt, Completion

    def make(employee_id: int, module_id: int, at: datetime) -> str:
        with app.app_context():
            attempt = Attempt(module_id=module_id, employee_id=employee_id, started_at=at, submitted_at=at,
                              pass_mark_percent=60, question_count=3, correct_count=3, score_percent=100, passed=True)
            db.session.add(attempt)
            db.session.flush()
            completion = Completion(employee_id=employee_id, module_id=module_id, attempt_id=attempt.id,
                                    score_percent=100, completed_at=at)
            db.session.add(completion)
            db.session.flush()
            code = certificates.issue_for_module(completion).code
            db.session.commit()
            return code

    return make


@pytest.fixture
def module(app):
    from tests.learning.factories import make_small_module

    def make(slug: str, learning_hours: int, title: str | None = None) -> int:
        from portal.learning.models import Module

        with app.app_context():
            module_id = make_small_module(slug=slug, learning_hours=learning_hours)
            if title:
                db.session.get(Module, module_id).title_id = title
            db.session.commit()
            return module_id

    return make


def _set_hours(app, module_id: int, n: int) -> None:
    from portal.learning import editing
    from portal.learning.models import Module

    with app.app_context():
        editing.set_learning_hours(db.session.get(Module, module_id), n)
        db.session.commit()


def _totals(app, employee_ids, year):
    from portal.learning import hours

    with app.app_context():
        return hours.totals(employee_ids, year)


def test_the_year_is_the_local_calendar_and_the_certificate_keeps_its_jp(app, world, module, complete):
    asn = world.asn["employee_id"]
    a, b, c = module("modul-a", 4), module("modul-b", 3), module("modul-c", 0)
    # 31 December 2026 20:00 UTC is 1 January 2027 03:00 in Padang (WIB): it counts for 2027.
    complete(asn, a, datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    complete(asn, b, datetime(2026, 6, 1, 3, 0, tzinfo=UTC))
    complete(asn, c, datetime(2026, 6, 2, 3, 0, tzinfo=UTC))  # 0 JP: not set, earns nothing
    assert _totals(app, [asn, world.asn_disdik["employee_id"]], 2026) == {asn: 3, world.asn_disdik["employee_id"]: 0}
    assert _totals(app, [asn], 2027) == {asn: 4}
    # The module's JP changes after the certificate: the certificate's JP is what counts.
    _set_hours(app, b, 8)
    assert _totals(app, [asn], 2026) == {asn: 3}


def test_old_certificates_count_the_modules_jp_and_revoked_ones_nothing(app, world, module, complete):
    from portal.auth.models import User
    from portal.certificates import services as certificates
    from portal.certificates.models import Certificate

    asn = world.asn["employee_id"]
    a, b = module("modul-a", 4), module("modul-b", 3)
    code_a = complete(asn, a, datetime(2026, 3, 1, 3, 0, tzinfo=UTC))
    code_b = complete(asn, b, datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    with app.app_context():
        # Issued before JP existed: no copy, so the module's JP counts (and nothing is printed).
        db.session.execute(sa.update(Certificate).where(Certificate.code == code_a).values(learning_hours=None))
        admin = db.session.get(User, world.admin["user_id"])
        certificates.revoke(certificates.find(code_b), "Kuis dikerjakan oleh orang lain.", actor=admin)
        db.session.commit()
    assert _totals(app, [asn], 2026) == {asn: 4}


def test_the_learner_sees_their_jp_and_the_rule_as_the_portal_applies_it(app, world, module, complete, client_of):
    from portal.core.clock import today

    now = datetime.now(UTC)
    complete(world.asn["employee_id"], module("modul-a", 2), now)
    page = main(client_of("asn").get("/belajar/"))
    assert f"Your learning hours (JP) in {today().year}" in page and "2 JP" in page
    assert "at least 20 JP a year, as this portal applies the rule" in page
    indonesian = main(client_of("asn").get("/belajar/?lang=id"))
    assert "sebagaimana diterapkan portal ini" in indonesian and "Pasal" not in indonesian


def test_the_secretary_sees_a_jp_column_and_exports_it(app, world, module, complete, client_of):
    year = datetime.now(UTC).year
    complete(world.asn["employee_id"], module("modul-a", 4), datetime.now(UTC))
    secretary = client_of("secretary")
    page = main(secretary.get(f"{BASE}/pegawai"))
    assert f"JP</abbr> {year}" in page and "as this portal applies the rule" in page
    assert re.search(r'<td class="text-end"[^>]*>4</td>', page)  # the person's 4 JP
    rows = {r["NIP"]: r for r in csv_rows(secretary.get(f"{BASE}/pegawai.csv"))}
    with app.app_context():
        from portal.org.models import Employee

        nip = db.session.get(Employee, world.asn["employee_id"]).nip
    assert rows[nip][f"Learning hours (JP) in {year}"] == "4"
    person = main(secretary.get(f"/belajar/hasil/pegawai/{world.asn['employee_id']}"))
    assert f"Learning hours (JP) earned in {year}: 4 JP" in person
    sheet = xlsx_sheet(secretary.get(f"{BASE}/pegawai.xlsx"))
    header = sheet[1]
    assert sheet[[r[1] for r in sheet].index(nip)][header.index(f"Learning hours (JP) in {year}")] == 4


def test_the_kepegawaian_export_has_a_row_per_completion_with_its_proof(app, world, module, complete, client_of):
    from portal.core import settings
    from portal.org.models import Employee

    asn, other = world.asn["employee_id"], world.asn_disdik["employee_id"]
    a, b = module("modul-a", 4, title="Modul integritas"), module("modul-b", 0, title=FORMULA_TITLE)
    code_a = complete(asn, a, datetime(2026, 3, 1, 20, 0, tzinfo=UTC))  # 2 March in WIB
    complete(asn, b, datetime(2026, 3, 5, 3, 0, tzinfo=UTC))
    complete(other, a, datetime(2026, 3, 1, 3, 0, tzinfo=UTC))  # another OPD: not the secretary's
    with app.app_context():
        person = db.session.get(Employee, asn)
        nip, name, opd = person.nip, person.name, person.opd.name
        provider = settings.inspectorate_name()
    secretary = client_of("secretary")
    rows = csv_rows(secretary.get(f"{BASE}/jam-pelajaran.csv?tahun=2026"))
    assert [r["NIP"] for r in rows] == [nip, nip]  # the secretary's OPD only
    first = rows[0]
    dashed = "-".join(code_a[i:i + 4] for i in range(0, 16, 4))
    assert first == {"NIP": nip, "Name": name, "OPD": opd, "Type of development": "E-learning",
                     "Provider": provider, "Material": "Modul integritas", "Date completed": "2026-03-02",
                     "Learning hours (JP)": "4", "Certificate code (proof)": dashed,
                     "Verification address": f"{app.config['PUBLIC_BASE_URL']}/verifikasi/{code_a}"}
    assert rows[1]["Material"] == "'" + FORMULA_TITLE and rows[1]["Learning hours (JP)"] == ""  # not set
    assert csv_rows(secretary.get(f"{BASE}/jam-pelajaran.csv?tahun=2025")) == []

    response = secretary.get(f"{BASE}/jam-pelajaran.xlsx?tahun=2026")
    sheet = xlsx_sheet(response)
    assert sheet[1][:4] == ["NIP", "Name", "OPD", "Type of development"] and len(sheet) == 4
    assert all(c.data_type == "s" for row in xlsx_cells(response) for c in row if isinstance(c.value, str))
    assert FORMULA_TITLE in [c.value for row in xlsx_cells(response) for c in row]

    city = csv_rows(client_of("inspektur").get(f"{BASE}/jam-pelajaran.csv?tahun=2026"))
    assert len(city) == 3
    assert client_of("asn").get(f"{BASE}/jam-pelajaran.csv").status_code == 403
