"""Privacy demo data: one correction request of asn.dinkes waiting for the admin, so the
administrator's list and the employee's data page show one."""
from __future__ import annotations

import sqlalchemy as sa

from portal.auth.models import User
from portal.extensions import db
from portal.privacy import corrections
from portal.privacy.models import CorrectionRequest, CorrectionTopic


def load(rng, echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(CorrectionRequest)):
        echo("Privacy: demo correction request already present")
        return
    user = db.session.scalar(sa.select(User).where(User.username == "asn.dinkes"))
    if user is None or user.employee is None:
        return
    corrections.request_correction(
        user.employee, topic=CorrectionTopic.PROFILE,
        what_is_wrong="Alamat email saya belum tercatat di portal, sehingga pengingat tidak sampai.",
        should_be=f"{user.employee.nip}@contoh.padang.go.id (email dinas)", actor=user)
    echo("Privacy: 1 correction request waiting for the administrator")
