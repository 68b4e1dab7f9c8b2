"""Builders and readers shared by the participation tests.

Builders run inside an app context and go through the services (learning, conflict of
interest, sessions, org), so the numbers come from the same rows a real user would make.
Readers turn pages, CSV, XLSX and PDF exports into plain values."""
from __future__ import annotations

import csv
import html
import io
import itertools
import re
from datetime import timedelta

import sqlalchemy as sa

from portal.extensions import db
from tests.helpers import pages
from tests.helpers.pages import english, field_error, flashed  # noqa: F401 (used by the tests)
from tests.helpers.pages import page_text as text

BASE = "/partisipasi"


# --- clients and pages -------------------------------------------------------------------------

def main(response) -> str:
    """The page's <main> only: the navigation names the person logged in."""
    page = text(response)
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def cards(page: str) -> dict[str, str]:
    """The number cards at the top of the dashboard: label -> value (note dropped)."""
    found = re.findall(r'<div class="small text-body-secondary">([^<]+)</div>\s*'
                       r'<div class="fs-4 fw-semibold">([^<]+?)\s*(?:<span|</div>)', page)
    return {label.strip(): value.strip() for label, value in found}


def module_table(page: str) -> dict[str, tuple[int, int, int]]:
    """The dashboard's per-module table: title -> (completed, in progress, not started)."""
    section = page.split('id="mod-h"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>'
                      r'<td class="text-end">(\d+)</td></tr>', section)
    return {t: (int(a), int(b), int(c)) for t, a, b, c in rows}


def opd_table(page: str) -> dict[str, dict]:
    """The city dashboard's OPD ranking: name -> headcount, coverage, statements %, attended, certificates."""
    if 'id="opd-h"' not in page:
        return {}
    section = page.split('id="opd-h"', 1)[1].split("</table>", 1)[0]
    out = {}
    for row in re.findall(r"<tr>\s*<td[^>]*>\d+</td>(.*?)</tr>", section, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        out[cells[0]] = {"headcount": int(cells[1]), "coverage": cells[2], "statements": cells[3],
                         "attended": int(cells[4]), "certificates": int(cells[5])}
    return out


def staff_names(page: str) -> list[str]:
    """Names in the staff table, in the order shown."""
    return [html.unescape(n) for n in
            re.findall(r'<td><a href="/belajar/[^"]*">([^<]+)</a><br><span class="small', page)]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def xlsx_sheet(response) -> list[list]:
    from openpyxl import load_workbook

    assert response.status_code == 200, response.data[:300]
    assert response.data[:2] == b"PK"
    book = load_workbook(io.BytesIO(response.data))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def xlsx_cells(response):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.data))
    return list(book.worksheets[0].iter_rows())


def pdf_text(data: bytes) -> str:
    return pages.pdf_text(data, raw=True)


def nip_formatted(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


# --- reading the database back ---------------------------------------------------------------------

def person(app, account) -> dict:
    from portal.org.models import Employee

    with app.app_context():
        e = db.session.get(Employee, account["employee_id"])
        return {"id": e.id, "name": e.name, "nip": e.nip, "opd_id": e.opd_id, "email": e.email}


def opd_name(app, opd_id) -> str:
    from portal.org.models import Opd

    with app.app_context():
        return db.session.get(Opd, opd_id).name


def reminders(app, kind: str = "reminder") -> list[dict]:
    from portal.participation.models import Reminder

    with app.app_context():
        return [{"employee_id": r.employee_id, "sent_by_id": r.sent_by_id, "delivered": r.delivered}
                for r in db.session.scalars(sa.select(Reminder).where(Reminder.kind == kind).order_by(Reminder.id))]


# --- building progress (inside an app context) ------------------------------------------------------

def make_module(slug: str, title: str, **settings) -> int:
    """A small module (two lessons, four questions, three drawn) titled `title` in both languages."""
    from portal.learning.models import Module
    from tests.learning.factories import make_small_module

    module_id = make_small_module(slug=slug, **settings)
    module = db.session.get(Module, module_id)
    module.title_id = module.title_en = title
    db.session.commit()
    return module_id


def read_lesson(employee_id: int, module_id: int) -> None:
    from portal.learning import services
    from portal.learning.models import Module

    services.mark_lesson_read(employee_id, db.session.get(Module, module_id).lessons[0])
    db.session.commit()


def complete(employee_id: int, module_id: int) -> None:
    """Read every lesson and pass the quiz: the module's Completion (and certificate hooks)."""
    from portal.learning import attempts, services
    from portal.learning.models import Module

    module = db.session.get(Module, module_id)
    for lesson in module.lessons:
        services.mark_lesson_read(employee_id, lesson)
    attempt = attempts.start_attempt(employee_id, module)
    outcome = attempts.submit_attempt(attempt, {aq.question_id: list(aq.correct_choice_ids)
                                                for aq in attempt.questions})
    assert outcome.completed
    db.session.commit()


def fail(employee_id: int, module_id: int) -> None:
    """Start the quiz and answer everything wrong: a failed attempt, no completion."""
    from portal.learning import attempts
    from portal.learning.models import Module

    module = db.session.get(Module, module_id)
    attempt = attempts.start_attempt(employee_id, module)
    answers = {aq.question_id: [next(c for c in aq.choice_order if c not in aq.correct_choice_ids)]
               for aq in attempt.questions}
    attempts.submit_attempt(attempt, answers)
    assert attempt.passed is False
    db.session.commit()


def file_statement(employee_id: int) -> int:
    """This year's yearly statement, 'no conflict', submitted (status filed)."""
    from portal.coi import services
    from portal.coi.models import Kind
    from portal.org.models import Employee

    employee = db.session.get(Employee, employee_id)
    d = services.save_draft(None, declarant=employee, kind=Kind.YEARLY,
                            fields=services.DraftFields(no_conflict=True), actor=employee.user)
    services.submit(d, actor=employee.user)
    db.session.commit()
    return d.id


def draft_statement(employee_id: int) -> int:
    """A yearly statement left as a draft: not filed."""
    from portal.coi import services
    from portal.coi.models import Kind
    from portal.org.models import Employee

    employee = db.session.get(Employee, employee_id)
    d = services.save_draft(None, declarant=employee, kind=Kind.YEARLY,
                            fields=services.DraftFields(no_conflict=True), actor=employee.user)
    db.session.commit()
    return d.id


def attended_session(world, employee_ids: list[int], opds: list[int]) -> int:
    """A session of the Inspectorate that started 10 minutes ago, the given employees checked
    in (present), its attendance list closed: attendance certificates issued."""
    from portal.auth.models import User
    from portal.socialisation import checkin, services
    from portal.socialisation.models import Method
    from portal.org.models import Employee
    from tests.socialisation.factories import make_session

    session = make_session(world, starts_in=timedelta(minutes=-10), opds=opds, minutes_long=180)
    for n, employee_id in enumerate(employee_ids):
        checkin.check_in(session, db.session.get(Employee, employee_id), method=Method.QR,
                         at=session.starts_at + timedelta(minutes=1), device_hash=f"device-{n}")
    db.session.commit()
    services.close(session, actor=db.session.get(User, world.inspektur["user_id"]))
    db.session.commit()
    return session.id


_NIPS = itertools.count(1)


def free_nip() -> str:
    """A valid NIP nobody in the database has yet."""
    from portal.org.services import get_employee_by_nip

    while True:
        n = next(_NIPS)
        birth = f"19{80 + n % 15:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
        nip = f"{birth}{2008 + n % 12}{1 + n % 12:02d}{1 + n % 2}{n % 997 + 1:03d}"
        if get_employee_by_nip(nip) is None:
            return nip


def add_staff(opd_id: int, n: int, *, prefix: str = "Pegawai Uji", emails: bool = False) -> list[int]:
    """`n` more employees of an OPD, through the org services; returns their ids."""
    from portal.org import services
    from portal.org.models import Opd

    opd = db.session.get(Opd, opd_id)
    ids = []
    for i in range(n):
        e = services.save_employee(None, nip=free_nip(), name=f"{prefix} {i:03d}", position="Pelaksana", opd=opd,
                                   email=f"uji{opd_id}.{i}@padang.go.id" if emails else None, actor=None)
        ids.append(e.id)
    db.session.commit()
    return ids


def add_progress(employee_ids: list[int], module_ids: list[int]) -> None:
    """A spread of progress: complete, failed, part-read, statements filed."""
    for i, employee_id in enumerate(employee_ids):
        if i % 4 == 0:
            complete(employee_id, module_ids[0])
        elif i % 4 == 1:
            fail(employee_id, module_ids[0])
        elif i % 4 == 2:
            read_lesson(employee_id, module_ids[-1])
        if i % 3 == 0:
            file_statement(employee_id)


def set_email(employee_id: int, email: str | None) -> None:
    from portal.org.models import Employee

    db.session.get(Employee, employee_id).email = email
    db.session.commit()


def put_setting(key: str, value) -> None:
    from portal.core import settings

    settings.put(key, value)
    db.session.commit()


def settings_form(**overrides) -> dict:
    """The admin settings form filled with the defaults, then `overrides` (None: leave out)."""
    from portal.participation.services import DEFAULTS

    data = {key.split(".", 1)[1]: value for key, value in DEFAULTS.items()}
    data["digest_enabled"] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def save_settings(admin, **overrides):
    response = admin.post(f"{BASE}/pengaturan", data=settings_form(**overrides))
    assert response.status_code == 302, text(response)[:3000]
    return response
