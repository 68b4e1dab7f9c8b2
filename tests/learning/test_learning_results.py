"""Who sees whose results: an ASN their own, a secretary their OPD, the Inspectorate everyone."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.learning import attempts, services
from portal.learning.models import Module
from portal.org.models import Employee


@pytest.fixture
def progress(app, world, small_module):
    """asn.dinkes completed the module; asn.disdik failed once; the others have not started."""
    module_id = small_module()
    with app.app_context():
        module = db.session.get(Module, module_id)
        for lesson in module.lessons:
            services.mark_lesson_read(world.asn["employee_id"], lesson)
        for account, right in ((world.asn, True), (world.asn_disdik, False)):
            a = attempts.start_attempt(account["employee_id"], module)
            answers = {aq.question_id: (aq.correct_choice_ids if right else
                                        [next(c for c in aq.choice_order if c not in aq.correct_choice_ids)])
                       for aq in a.questions}
            attempts.submit_attempt(a, answers)
        db.session.commit()
        names = {key: db.session.get(Employee, getattr(world, key)["employee_id"]).name
                 for key in ("asn", "asn_disdik", "secretary", "kadis", "secretary_disdik")}
    return {"module_id": module_id, "names": names}


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def listed(html: str, name: str) -> bool:
    """The name as a row of the results table (not, say, echoed in the search box)."""
    return f">{name}</a>" in html


def test_asn_sees_only_their_own_results(login_as, world, progress):
    client = login_as(world.asn)
    assert client.get("/belajar/hasil/").status_code == 403
    own = page(client, f"/belajar/hasil/pegawai/{world.asn['employee_id']}?lang=en")
    assert progress["names"]["asn"] in own and "Quiz passed, best score 100%" in own
    for other in (world.kadis, world.secretary, world.asn_disdik):  # same OPD or not: not theirs
        assert client.get(f"/belajar/hasil/pegawai/{other['employee_id']}").status_code == 404


def test_secretary_sees_own_opd_only_whatever_the_parameters(login_as, world, progress, make_opd):
    client = login_as(world.secretary)
    names = progress["names"]
    for url in ("/belajar/hasil/?lang=en", f"/belajar/hasil/?opd={world.disdik}",
                f"/belajar/hasil/?opd={world.disdik}&q={names['asn_disdik']}",
                f"/belajar/hasil/?module={progress['module_id']}&status=in_progress"):
        html = page(client, url)
        assert not listed(html, names["asn_disdik"]) and not listed(html, names["secretary_disdik"]), url
    html = page(client, "/belajar/hasil/?lang=en")
    assert listed(html, names["asn"]) and listed(html, names["kadis"])
    assert "<td>1 (33%)</td>" in html  # 1 of the 3 DINKES employees is complete
    assert client.get(f"/belajar/hasil/pegawai/{world.asn['employee_id']}").status_code == 200
    assert client.get(f"/belajar/hasil/pegawai/{world.asn_disdik['employee_id']}").status_code == 404


def test_inspectorate_sees_everyone_and_can_narrow_by_opd(login_as, world, progress):
    client = login_as(world.inspektur)
    names = progress["names"]
    html = page(client, "/belajar/hasil/")
    assert listed(html, names["asn"]) and listed(html, names["asn_disdik"])
    html = page(client, f"/belajar/hasil/?opd={world.disdik}")
    assert listed(html, names["asn_disdik"]) and not listed(html, names["asn"])
    assert page(client, f"/belajar/hasil/pegawai/{world.asn_disdik['employee_id']}")


@pytest.mark.parametrize("status, present, absent", [
    ("complete", ["asn"], ["asn_disdik", "kadis"]),
    ("in_progress", ["asn_disdik"], ["asn", "kadis"]),
    ("not_started", ["kadis", "secretary"], ["asn", "asn_disdik"]),
])
def test_status_filter(login_as, world, progress, status, present, absent):
    html = page(login_as(world.admin), f"/belajar/hasil/?module={progress['module_id']}&status={status}")
    for key in present:
        assert listed(html, progress["names"][key]), key
    for key in absent:
        assert not listed(html, progress["names"][key]), key


@pytest.mark.parametrize("query", ["opd=abc", "module=-1&status=x", "page=999", "page=-5", "q=" + "x" * 500,
                                   "status=complete", "opd=99999999999", "opd=2147483648", "page=99999999999",
                                   "page=42949673", "module=99999999999&status=complete"])
def test_odd_parameters_never_fail(login_as, world, progress, query):
    assert login_as(world.inspektur).get(f"/belajar/hasil/?{query}").status_code == 200


def test_other_roles_are_refused(login_as, world, progress):
    assert login_as(world.handler).get("/belajar/hasil/").status_code == 403
    assert login_as(world.handler).get(f"/belajar/hasil/pegawai/{world.asn['employee_id']}").status_code == 404
