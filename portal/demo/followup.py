"""Demo follow-up: three recommendations of this year's evaluation of Dinas Kesehatan, one due
soon, one overdue and one reported done, so every state shows on the pages and to-do lists."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.followup import services
from portal.followup.models import Recommendation
from portal.org.models import Opd

RECOMMENDATIONS = (
    ("Tetapkan petugas pengelola benturan kepentingan di setiap bidang dengan surat keputusan Kepala Dinas.", 10,
     ""),
    ("Pastikan seluruh pegawai menyampaikan pernyataan tahunan sebelum akhir triwulan.", -5, ""),
    ("Sosialisasikan kembali Perwako 27/2019 kepada pejabat pengadaan.", 20,
     "Sosialisasi telah dilaksanakan bersama Inspektorat; daftar hadir terlampir pada sesi sosialisasi."),
)


def load(rng, echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)):
        echo("Follow-up: demo recommendations already present")
        return
    opd = db.session.scalar(sa.select(Opd).where(Opd.code == "DINKES"))
    inspektur = db.session.scalar(sa.select(User).where(User.username == "inspektur"))
    secretary = db.session.scalar(sa.select(User).where(User.username == "sekretaris.dinkes"))
    if opd is None or inspektur is None:
        echo("Follow-up: no Dinas Kesehatan or Inspektur in the demo data; skipped")
        return
    on = today()
    for text, days, done in RECOMMENDATIONS:
        due = add_workdays(on, days) if days >= 0 else on - timedelta(days=-days)
        rec = services.add("coi.evaluation", str(opd.id), on.year,
                           services.Fields(text=text, opd_id=opd.id, owner_login="", due_on=due), actor=inspektur)
        if done:
            services.complete(rec, note=done, actor=secretary)
    echo(f"Follow-up: {len(RECOMMENDATIONS)} recommendations of the {on.year} evaluation of {opd.name}")
