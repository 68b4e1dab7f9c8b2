"""Each role's home page says what is waiting for them, links to where it is done, and forgets
it once it is done: the superior's decision, the employee's acknowledgement, this year's
statement and modules, the WBS team's new and overdue cases, the organiser's open lists, the
administrator's second-person requests and setup checklist."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db
import html


def todo(client, lang: str = "id") -> list[str]:
    """The lines of the to-do list on the home page, as text, each with the link it carries."""
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    section = re.search(r'<section[^>]*aria-labelledby="todo-h".*?</section>', page, re.S)
    assert section, page[:2000]
    return [f"{_text(item)} -> {html.unescape(href)}" + (f" | {_text(rest)}" if _text(rest) else "")
            for href, item, rest in re.findall(r'<li[^>]*>\s*<a href="([^"]+)">(.*?)</a>(.*?)</li>',
                                               section.group(0), re.S)]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _declare(app, account) -> int:
    from portal.auth.models import User
    from portal.coi import lists
    from portal.coi import services
    from portal.coi.models import Activity, Kind, ListItem, ListKind, Relationship

    with app.app_context():
        lists.load_lists()
        code = {k: db.session.scalar(sa.select(ListItem.id).where(ListItem.kind == k, ListItem.code == c))
                for k, c in ((ListKind.TYPE, "BK01"), (ListKind.SOURCE, "S1"))}
        user = db.session.get(User, account["user_id"])
        d = services.save_draft(None, declarant=user.employee, kind=Kind.ADHOC, fields=services.DraftFields(
            description="Adik kandung saya direktur CV yang ikut tender alat kesehatan.",
            activity=Activity.PROCUREMENT, related_party="CV Sehat Sentosa", relationship_kind=Relationship.FAMILY,
            proposed_measure="Saya tidak ikut menilai.", type_ids=(code[ListKind.TYPE],),
            source_ids=(code[ListKind.SOURCE],)), actor=user)
        services.submit(d, actor=user)
        db.session.commit()
        return d.id


def _decide(app, declaration_id: int, account) -> None:
    from portal.auth.models import User
    from portal.coi import services
    from portal.coi.models import Declaration, ListItem, ListKind

    with app.app_context():
        decision = db.session.scalar(sa.select(ListItem).where(ListItem.kind == ListKind.DECISION,
                                                              ListItem.code == "RECUSAL"))
        services.decide(db.session.get(Declaration, declaration_id), decision=decision,
                        rationale="Tidak ikut menilai tender ini.", actor=db.session.get(User, account["user_id"]))
        db.session.commit()


def test_a_declaration_travels_from_the_superiors_list_to_the_employees_and_away(app, world, login_as):
    asn, kadis = login_as(world.asn), login_as(world.kadis)
    assert not any("keputusan" in line for line in todo(kadis))
    did = _declare(app, world.asn)

    waiting = [line for line in todo(kadis) if "menunggu keputusan Anda" in line]
    with app.app_context():
        from portal.coi.models import Declaration
        from portal.core import formatting

        with app.test_request_context("/"):
            due = formatting.day(db.session.get(Declaration, did).due_on)
    assert waiting == [f"1 deklarasi menunggu keputusan Anda -> /benturan-kepentingan/{did} | paling lambat {due}"]
    assert not any("menunggu keputusan" in line for line in todo(asn))  # not the declarant's to decide
    assert any("1 declaration waits for your decision" in line for line in todo(kadis, "en"))

    _decide(app, did, world.kadis)
    assert not any("keputusan Anda" in line for line in todo(kadis))
    acknowledge = [line for line in todo(asn) if "Baca dan nyatakan" in line]
    assert len(acknowledge) == 1 and acknowledge[0].endswith(f"-> /benturan-kepentingan/{did}"), todo(asn)
    assert any(line.startswith("Read and acknowledge the decision") for line in todo(asn, "en"))

    response = asn.post(f"/benturan-kepentingan/{did}/terima", data={})
    assert response.status_code == 302, response.status_code
    assert not any("Baca dan nyatakan" in line for line in todo(asn))


def test_an_employee_sees_this_years_statement_and_every_module_left_until_done(app, world, login_as):
    from portal.core.workdays import today
    from portal.learning import editing

    with app.app_context():
        module = editing.save_module(None, slug="todo", topic="wbs", title_id="Modul Uji Tugas",
                                     title_en="To-do test module", summary_id="-", summary_en="-",
                                     questions_per_attempt=1, pass_mark_percent=60, attempts_per_day=None,
                                     time_limit_minutes=None)
        db.session.commit()
        module_id = module.id
    asn = login_as(world.asn)
    with app.app_context():
        year = today().year
    lines = todo(asn)
    assert f"Buat pernyataan benturan kepentingan tahun {year} -> /benturan-kepentingan/baru/yearly" in lines, lines
    assert f"Selesaikan modul Modul Uji Tugas -> /belajar/modul/{module_id}" in lines, lines
    assert f"Complete the module To-do test module -> /belajar/modul/{module_id}" in todo(asn, "en")

    response = asn.post("/benturan-kepentingan/baru/yearly", data={"no_conflict": "y", "send": "1"})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:  # the form asks for a nonce: send it through the form as a person would
        from tests.helpers.nonce_support import with_nonce

        response = asn.post("/benturan-kepentingan/baru/yearly",
                            data=with_nonce(asn, "/benturan-kepentingan/baru/yearly",
                                            {"no_conflict": "y", "send": "1"}))
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert not any("pernyataan benturan kepentingan" in line for line in todo(asn)), todo(asn)


def test_the_organiser_is_asked_to_close_a_list_once_the_session_is_over(app, world, login_as):
    from portal.auth.models import User
    from portal.core.clock import utcnow
    from portal.socialisation import services as sessions

    start = (utcnow() - timedelta(hours=4)).replace(second=0, microsecond=0)
    with app.app_context():
        inspektur = db.session.get(User, world.inspektur["user_id"])
        over = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi Perwako 27/2019", starts_at=start, ends_at=start + timedelta(hours=2),
            late_after=start + timedelta(minutes=15), venue="Aula", module_ids=(), opd_ids=(world.dinkes,),
            invite_nips=""), actor=inspektur)
        later = sessions.save_session(None, sessions.SessionFields(
            title="Sosialisasi yang akan datang", starts_at=start + timedelta(days=3),
            ends_at=start + timedelta(days=3, hours=2), late_after=start + timedelta(days=3, minutes=15),
            venue="Aula", module_ids=(), opd_ids=(world.dinkes,), invite_nips=""), actor=inspektur)
        db.session.commit()
        over_id, later_id = over.id, later.id
    organiser = login_as(world.inspektur)
    lines = [line for line in todo(organiser) if "daftar hadir" in line]
    assert [line.split(" | ")[0] for line in lines] == [
        f"Tutup daftar hadir Sosialisasi Perwako 27/2019 -> /sosialisasi/{over_id}/tutup"], lines
    assert not any(f"/sosialisasi/{later_id}/" in line for line in todo(organiser))
    # Nobody who cannot manage it is asked, an employee of an invited OPD included.
    assert not any("daftar hadir" in line for line in todo(login_as(world.asn)) + todo(login_as(world.secretary)))
    # The administrator may manage it, but did not make it: not theirs to close.
    assert not any("daftar hadir" in line for line in todo(login_as(world.admin)))

    page = organiser.get(f"/sosialisasi/{over_id}/tutup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"csrf_token": token.group(1)} if token else {}
    assert organiser.post(f"/sosialisasi/{over_id}/tutup", data=data).status_code == 302
    assert not any("daftar hadir" in line for line in todo(organiser))


def test_the_wbs_team_counts_new_reports_and_no_one_else_does(app, world, login_as):
    from portal.core.clock import utcnow
    from portal.wbs.models import Report
    from portal.wbs.workflow import Status as WbsStatus

    from tests.wbs.handler_support import file_case

    file_case(app, world.disdik)
    handler = login_as(world.handler)
    lines = todo(handler)
    assert any(line.startswith("1 laporan baru perlu diterima -> /wbs/kelola/?status=diterima | paling lambat")
               for line in lines), lines
    assert not any("laporan" in line for line in todo(login_as(world.admin)) + todo(login_as(world.asn)))

    with app.app_context():  # the acknowledgement deadline passes
        report = db.session.scalars(sa.select(Report)).one()
        report.ack_due = (utcnow() - timedelta(days=10)).date()
        db.session.commit()
    lines = todo(handler)
    assert lines[0].startswith("1 laporan baru perlu diterima"), lines  # overdue comes first
    assert not any("melewati tenggat" in line for line in lines), lines  # the new one is not counted twice
    assert re.search(r"\| Tenggat .+ sudah lewat$", lines[0]), lines
    assert "list-group-item-danger" in handler.get("/").get_data(as_text=True)

    with app.app_context():  # acknowledged, then the verification deadline passes too
        report = db.session.scalars(sa.select(Report)).one()
        report.status, report.verify_due = WbsStatus.VERIFICATION, (utcnow() - timedelta(days=3)).date()
        db.session.commit()
    lines = todo(handler)
    assert lines[0] == "1 kasus melewati tenggat -> /wbs/kelola/", lines
    assert not any("laporan baru" in line for line in lines), lines


def test_the_administrator_sees_the_setup_checklist_and_nothing_private(app, world, login_as):
    admin = login_as(world.admin)
    lines = todo(admin)
    assert any(re.match(r"\d+ butir daftar persiapan masih terbuka -> /admin/persiapan", line) for line in lines), lines
    assert not any("/benturan-kepentingan" in line or "/wbs/" in line for line in lines), lines


def test_a_secretary_sees_how_many_of_their_staff_have_not_finished(app, world, login_as):
    from portal.core import settings
    from portal.core.workdays import today

    secretary = login_as(world.secretary)
    lines = [line for line in todo(secretary) if "staf Anda" in line]
    # Dinas Kesehatan: the head, the secretary and asn.dinkes, none of whom has filed a statement.
    assert lines == ["3 staf Anda belum menyelesaikan modul atau pernyataan tahun ini -> /partisipasi/pegawai"], lines
    assert not any("staf Anda" in line for line in todo(login_as(world.asn)) + todo(login_as(world.inspektur)))

    with app.app_context():  # the city's target date has passed: the line is overdue and opens those staff
        settings.put("participation.target_date", today().replace(month=1, day=2).isoformat())
        db.session.commit()
    lines = [line for line in todo(secretary) if "staf Anda" in line]
    assert lines[0].startswith("3 staf Anda belum menyelesaikan modul atau pernyataan tahun ini -> "
                               "/partisipasi/pegawai?filter=overdue | Tenggat"), lines
