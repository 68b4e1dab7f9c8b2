"""Helpers shared by the handler-side WBS tests (no tests here).

Everything returns plain values (ids, strings, dicts), so tests can use them outside the
app context; the database is read back in a fresh context for every assertion.
"""
from __future__ import annotations

import html
import re
from datetime import date

import sqlalchemy as sa

from portal.extensions import db

WHAT = "Pengadaan alat kesehatan digelembungkan dua kali lipat dari harga pasar."


def file_case(app, opd_id, *, mode="confidential", reported_name="Bapak Fulan Bin Fulan", position="",
              what=WHAT, identity=None, uploads=(), category_code=None, opd_text="") -> dict:
    """File a report through the services (categories loaded first) and commit it."""
    from portal.org.models import Opd
    from portal.wbs import services
    from portal.wbs.content import load_categories
    from portal.wbs.models import Category, Mode

    with app.app_context():
        load_categories()
        stmt = sa.select(Category).order_by(Category.position)
        if category_code:
            stmt = stmt.where(Category.code == category_code)
        category = db.session.scalars(stmt).first()
        mode = Mode(mode)
        if identity is None and mode != Mode.ANONYMOUS:
            identity = {"name": "Siti Pelapor Rahasia", "contact": "0812-7777-1111"}
        filed = services.file_report(
            mode=mode, category=category, reported_opd=db.session.get(Opd, opd_id) if opd_id else None,
            content={"reported_name": reported_name, "reported_position": position, "reported_opd_text": opd_text,
                     "what": what, "where": "Kantor Dinas, Padang", "when_from": "2026-01-05",
                     "how": "Harga dinaikkan di dokumen kontrak."},
            identity=identity if mode != Mode.ANONYMOUS else None,
            uploads=[services.Upload(name, data) for name, data in uploads])
        db.session.commit()
        return {"public_id": filed.report.public_id, "id": filed.report.id, "receipt": filed.receipt,
                "evidence": [e.public_id for e in filed.report.evidence], "category_id": category.id}


def categories(app) -> list[dict]:
    from portal.wbs.content import load_categories
    from portal.wbs.models import Category

    with app.app_context():
        load_categories()
        db.session.commit()
        return [{"id": c.id, "code": c.code, "label_en": c.label_en}
                for c in db.session.scalars(sa.select(Category).order_by(Category.position))]


def report_row(app, public_id: str) -> dict:
    """The report's plain columns plus counts of its children."""
    from portal.wbs.models import Report

    with app.app_context():
        r = db.session.scalar(sa.select(Report).where(Report.public_id == public_id))
        return {
            "status": r.status, "referral": r.referral, "acknowledged_on": r.acknowledged_on,
            "verified_on": r.verified_on, "closed_on": r.closed_on, "ack_due": r.ack_due,
            "verify_due": r.verify_due, "conclude_due": r.conclude_due, "waiting_since": r.waiting_since,
            "escalate": r.escalate, "assigned_to_id": r.assigned_to_id, "filed_on": r.filed_on,
            "exclusions": {x.user_id: x.reason for x in r.exclusions},
            "events": [(e.kind, e.public, e.to_status) for e in r.events],
            "messages": [(m.from_reporter, m.read_by_handler) for m in r.messages],
            "notes": len(r.notes),
        }


def audit_events(app, action: str, object_id: str | None = None) -> list[dict]:
    from portal.core.audit import AuditEvent

    with app.app_context():
        stmt = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        if object_id is not None:
            stmt = stmt.where(AuditEvent.object_id == object_id)
        return [{"actor_id": e.actor_id, "object_id": e.object_id, "object_type": e.object_type, "data": e.data,
                 "created_at": e.created_at} for e in db.session.scalars(stmt)]


def freeze_today(monkeypatch, day: date) -> None:
    """Make every WBS module (and the admin's calendar) believe today is `day`."""
    import portal.core.workdays
    import portal.wbs.deadlines
    import portal.wbs.handling
    import portal.wbs.services

    for module in (portal.core.workdays, portal.wbs.deadlines, portal.wbs.handling, portal.wbs.services):
        monkeypatch.setattr(module, "today", lambda: day)


def english(client):
    client.get("/?lang=en")
    return client


def reporter_client(app, receipt: str):
    """A reporter's browser that has opened its case with the receipt code."""
    client = app.test_client()
    english(client)
    response = client.post("/wbs/pantau", data={"receipt": receipt})
    assert response.status_code == 302, response.data[:300]
    assert response.headers["Location"].endswith("/wbs/pantau/laporan")
    return client


def reporter_page(app, receipt: str) -> str:
    response = reporter_client(app, receipt).get("/wbs/pantau/laporan")
    assert response.status_code == 200
    return text(response)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def queue_row(page: str, public_id: str) -> str | None:
    """The queue table's row for one case, or None."""
    for row in page.split("<tr>")[1:]:
        if public_id in row:
            return row.split("</tr>", 1)[0]
    return None


def case_url(public_id: str, tail: str = "") -> str:
    return f"/wbs/kelola/kasus/{public_id}{tail}"
