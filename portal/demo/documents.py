"""Demo data: Padang's profile, the Inspektorat's letterhead, signatories and numbering.

The coat of arms is not shipped (the official emblem comes from the city); documents show the
neutral placeholder until an admin uploads it, and the setup checklist says so. Contacts that
were not verified are left empty rather than invented.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.auth.models import User
from portal.core import settings
from portal.documents import services
from portal.extensions import db
from portal.org.models import Opd


def load(echo) -> None:
    if services.letterhead(None) is not None:
        echo("Documents: already set")
        return
    settings.put(settings.PLACE, "Padang")
    settings.put(settings.HEAD_OFFICE, "Wali Kota Padang")
    settings.put("gov.timezone", "Asia/Jakarta")
    services.save_letterhead(None, opd_id=None, government_line="Pemerintah Kota Padang", unit_line="", address="",
                             phone="", email="", website="padang.go.id", actor=None)
    inspektorat = db.session.scalars(sa.select(Opd).where(Opd.code == "INSPEKTORAT")).one()
    services.save_letterhead(None, opd_id=inspektorat.id, government_line="Pemerintah Kota Padang",
                             unit_line="Inspektorat", address="", phone="", email="", website="padang.go.id",
                             actor=None)
    head = db.session.scalars(sa.select(User).where(User.username == "inspektur")).one().employee
    inspektur = {"office": "Inspektur Kota Padang", "name": head.name, "rank": head.rank or "Pembina Utama Muda (IV/c)",
                 "nip": head.nip, "capacity": ""}
    for kind in ("socialisation.invitation", "coi.evaluation", "certificates.certificate", "gratification.receipt"):
        services.save_signatory(kind, "sign", organiser=False, actor=None, **inspektur)
    for kind in ("socialisation.attendance_list", "socialisation.minutes"):
        services.save_signatory(kind, "sign", organiser=True, capacity="", office="", name="", rank="", nip="",
                                actor=None)
        services.save_signatory(kind, "acknowledge", organiser=False, actor=None, **inspektur)
    for kind in ("socialisation.invitation", "coi.evaluation", "gratification.receipt"):
        services.save_scheme(kind, classification="700.1", unit_code="INSP", pattern="", actor=None)
    db.session.flush()
    echo("Documents: letterheads, signatories and numbering set")
