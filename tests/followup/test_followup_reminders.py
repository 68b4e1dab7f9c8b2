"""The people responsible for a recommendation are told before it is due and once it has passed:
a portal notice each (the named account and the OPD's secretaries), once, in their language."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.extensions import db
from tests.followup.test_followup import add, recommendation
from tests.helpers.pages import english, page_text


def _run(app, on: date) -> int:
    from portal.followup import reminders

    with app.app_context():
        return reminders.send_due(on)


def _workdays(app, day: date, n: int) -> date:
    from portal.core.workdays import add_workdays

    with app.app_context():
        return add_workdays(day, n)


def _notices(app, user_id: int) -> list[str]:
    from portal.core.notices import Notice

    with app.app_context():
        return [n.kind for n in db.session.scalars(sa.select(Notice).where(Notice.user_id == user_id)
                                                   .order_by(Notice.id))]


def test_the_owner_and_the_secretary_are_reminded_once_before_and_once_after(app, world, login_as):
    inspektur = english(login_as(world.inspektur))
    today = date.today()
    due = _workdays(app, today, 3)
    assert add(inspektur, world.dinkes, due=due, owner="asn.dinkes").status_code == 302
    rec = recommendation(app, source_key=str(world.dinkes))

    assert _run(app, today - timedelta(days=20)) == 0  # weeks before: nothing yet
    assert _run(app, today) == 2  # within five working days: the account and the OPD's secretary
    assert _run(app, today) == 0  # once
    for account in (world.asn, world.secretary):
        assert _notices(app, account["user_id"]) == ["followup.due"]
    assert _notices(app, world.secretary_disdik["user_id"]) == []  # another OPD's secretary: nothing

    assert _run(app, due + timedelta(days=1)) == 2
    assert _notices(app, world.secretary["user_id"]) == ["followup.due", "followup.overdue"]
    from portal.core import formatting
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("en"):
        written = formatting.day(due)
    notices = page_text(english(login_as(world.secretary)).get("/pemberitahuan"))
    assert f"A recommendation was due on {written}" in notices and f"/tindak-lanjut/{rec['id']}" in notices
    with app.test_request_context("/"), force_locale("id"):
        written_id = formatting.day(due)
    assert f"Rekomendasi jatuh tempo pada {written_id}" in page_text(login_as(world.asn).get("/pemberitahuan?lang=id"))


def test_a_recommendation_done_in_time_is_not_reminded(app, world, login_as):
    inspektur = english(login_as(world.inspektur))
    due = _workdays(app, date.today(), 2)
    assert add(inspektur, world.dinkes, due=due).status_code == 302
    rec = recommendation(app, source_key=str(world.dinkes))
    secretary = login_as(world.secretary)
    done = secretary.post(f"/tindak-lanjut/{rec['id']}/selesai", data={"note": "Sudah ditetapkan dengan SK."})
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    assert recommendation(app, id=rec["id"])["status"] == "done"
    assert _run(app, date.today()) == 0 and _run(app, due + timedelta(days=3)) == 0
