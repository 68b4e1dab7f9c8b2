"""Gift reports built through the gratification services, for tests of the areas that read them
(the declarations that link to them, the copy of one's data, retention). Ids out; call inside an
app context."""
from __future__ import annotations

from datetime import date, timedelta

from portal.extensions import db


def gift_report(reporter_user_id: int, *, received_on: date | None = None, send: bool = True,
                giver: str = "Budi Santoso", chronology: str = "", attachment: bytes | None = None) -> int:
    """A report by the account's employee with two objects (and a text file when given), sent to
    the UPG unless `send` is False."""
    from portal.auth.models import User
    from portal.core.workdays import today
    from portal.gratification import attachments, services
    from portal.gratification.models import Custody, GiverRelation, ObjectKind

    user = db.session.get(User, reporter_user_id)
    fields = services.ReportFields(
        reporter_address="Jl. Khatib Sulaiman 12, Padang", reporter_phone="0812 6600 1234",
        giver_name=giver, giver_institution="CV Maju Bersama", giver_address="Jl. Sudirman 1",
        giver_relation=GiverRelation.SUPPLIER, occasion="Idul Fitri",
        received_on=received_on or today() - timedelta(days=2), place="Kantor Dinas Kesehatan",
        chronology=chronology or "Rekanan datang ke kantor dan menyerahkan bingkisan serta amplop.",
        objects=[services.ObjectFields(kind=ObjectKind.MONEY, description="Amplop berisi uang tunai",
                                       value=1500000, custody=Custody.UPG),
                 services.ObjectFields(kind=ObjectKind.FOOD, description="Parsel makanan", value=350000)])
    report = services.save_draft(None, reporter=user.employee, fields=fields, actor=user)
    if attachment is not None:
        attachments.add(report, "kuitansi.txt", attachment)
    if send:
        services.submit(report, actor=user)
    db.session.flush()
    return report.id
