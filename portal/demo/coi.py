"""Conflict-of-interest demo data: yearly statements for most employees, ad-hoc declarations
in every state, some overdue. Made through the services, then dated back."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.coi import lists, services
from portal.coi.models import Activity, Declaration, Kind, ListItem, ListKind, Relationship, Route, Status
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.org.models import Employee

SITUATIONS = [
    (Activity.PROCUREMENT, "Adik ipar saya adalah direktur CV yang ikut tender pengadaan alat kesehatan.",
     "CV Sehat Sentosa", Relationship.FAMILY, "BK04", "S3"),
    (Activity.RECRUITMENT, "Anak teman dekat saya melamar sebagai tenaga PPPK di unit yang saya nilai.",
     "Peserta seleksi PPPK", Relationship.AFFILIATION, "BK03", "S3"),
    (Activity.LICENSING, "Saya memiliki saham di usaha yang mengajukan izin yang prosesnya saya verifikasi.",
     "PT Minang Jaya", Relationship.BUSINESS, "BK02", "S6"),
    (Activity.SUPERVISION, "Saya diminta mengaudit kegiatan yang dulu saya kelola sendiri.",
     "Bidang yang pernah saya pimpin", Relationship.OTHER_POSITION, "BK07", "S2"),
    (Activity.ASSESSMENT, "Rekanan yang dinilai pernah memberi bingkisan saat Lebaran.",
     "CV Rekanan Jaya", Relationship.GIFT_GIVER, "BK01", "S4"),
]


def _item(kind, code):
    return db.session.scalar(sa.select(ListItem).where(ListItem.kind == kind, ListItem.code == code))


def load(rng, echo) -> None:
    lists.load_lists()
    if db.session.scalar(sa.select(sa.func.count()).select_from(Declaration)):
        echo("Conflicts of interest: demo declarations already present")
        return
    employees = list(db.session.scalars(sa.select(Employee).where(Employee.active.is_(True)).order_by(Employee.id)))
    users = {u.employee_id: u for u in db.session.scalars(sa.select(User).where(User.employee_id.is_not(None)))}
    yearly = 0
    for e in employees:
        # asn.disdik is the demo's employee whose statement is still due (README, docs/role-days.md).
        if rng.random() < 0.8 and users[e.id].username != "asn.disdik":
            d = services.save_draft(None, declarant=e, kind=Kind.YEARLY,
                                    fields=services.DraftFields(no_conflict=True), actor=users[e.id])
            services.submit(d, actor=users[e.id])
            d.submitted_on = today() - timedelta(days=rng.randint(10, 200))
            yearly += 1
    states = [Status.DRAFT, Status.SUBMITTED, Status.SUBMITTED, Status.RETURNED, Status.DECIDED, Status.ACKNOWLEDGED,
              Status.SUBMITTED, Status.DECIDED]
    declarants = [e for e in employees if e.superior is not None]
    rng.shuffle(declarants)
    named = {u.username: u for u in users.values() if u.username}
    declarants = [named["asn.dinkes"].employee, named["asn.disdik"].employee] + declarants[:38]
    made = 0
    for i, declarant in enumerate(declarants):
        activity, text, party, relation, type_code, source_code = SITUATIONS[i % len(SITUATIONS)]
        target = states[i % len(states)]
        actor = users[declarant.id]
        d = services.save_draft(None, declarant=declarant, kind=Kind.ADHOC, actor=actor, fields=services.DraftFields(
            description=text, activity=activity, activity_detail="Tahun anggaran berjalan", related_party=party,
            relationship_kind=relation, gift_involved=relation == Relationship.GIFT_GIVER,
            proposed_measure="Saya tidak ikut dalam proses penilaian dan keputusan terkait.",
            type_ids=(_item(ListKind.TYPE, type_code).id,), source_ids=(_item(ListKind.SOURCE, source_code).id,)))
        made += 1
        if target == Status.DRAFT:
            continue
        services.submit(d, actor=actor)
        filed = today() - timedelta(days=rng.randint(2, 40) if i % 3 else 20)
        d.submitted_on = filed
        d.due_on = add_workdays(filed, services.config()["coi.decision_days"])
        decider = users.get(d.decider_id) if d.route != Route.INSPECTORATE else named["inspektur"]
        if target == Status.RETURNED and decider:
            services.return_for_information(d, message="Mohon lampirkan nama paket pengadaan yang dimaksud.",
                                            actor=decider)
        elif target in (Status.DECIDED, Status.ACKNOWLEDGED) and decider:
            services.decide(d, decision=_item(ListKind.DECISION, "RECUSAL"), actor=decider,
                            rationale="Pegawai tidak dilibatkan dalam proses tersebut; digantikan pejabat lain.")
            if target == Status.ACKNOWLEDGED:
                services.acknowledge(d, actor=actor)
    db.session.flush()
    echo(f"Conflicts of interest: {yearly} yearly statements, {made} ad-hoc declarations in every state")
