"""Zona Integritas demo: this year's LKE with two units proposed for WBK, each partway.

Dinas Kesehatan is filling in its self-assessment (about half the items answered, a few notes,
links and a note as supporting evidence); Dinas Pendidikan dan Kebudayaan has answered and
submitted every item, and the Inspectorate has assessed part of them, differing on some, with a
recommendation to follow up. Two dates of the year's timeline are entered as an example of what
the Inspectorate copies from KemenPANRB's letter. Everything goes through the services; nothing
is added when a unit exists."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.followup import services as followup
from portal.org.models import Opd
from portal.zi import lke, scoring, services, timeline
from portal.zi.models import AnswerType, EvidenceKind, Target, Unit

# Dinas Kesehatan's answers so far: item code -> (answer, the unit's note).
DINKES_ANSWERS = {
    "A.I.5.i.a": ("b", "Sosialisasi gratifikasi dilaksanakan dua kali setahun, belum terjadwal tetap."),
    "A.I.5.i.b": ("b", "Laporan gratifikasi pegawai disampaikan ke UPG Inspektorat melalui portal."),
    "A.I.5.ii.a": ("c", ""),
    "A.I.5.ii.b": ("c", "Register risiko disusun untuk layanan puskesmas; bidang lain menyusul."),
    "A.I.5.iii.a": ("b", ""),
    "A.I.5.iii.b": ("yes", ""),
    "A.I.5.iv.a": ("b", "Pegawai dan masyarakat melapor melalui WBS Pemerintah Kota."),
    "A.I.5.iv.b": ("b", ""),
    "A.I.5.v.a": ("b", "Pemetaan benturan kepentingan untuk layanan perizinan dan pengadaan."),
    "A.I.5.v.b": ("b", ""),
    "A.I.5.v.c": ("c", ""),
    "A.II.5.iii.a": ("100", "Seluruh pejabat wajib LHKPN telah melapor."),
}
# (item code, kind, title, the note or the link)
DINKES_EVIDENCE = (
    ("A.I.5.ii.a", EvidenceKind.NOTE, "Catatan lingkungan pengendalian",
     "SK Kepala Dinas tentang Satgas SPIP sedang diperbarui; salinan diunggah setelah ditandatangani."),
    ("A.I.5.iii.a", EvidenceKind.LINK, "Kanal pengaduan SP4N-LAPOR!", "https://www.lapor.go.id/"),
)
# The Inspectorate's assessment of Disdikbud so far: item code -> (answer, comment).
DISDIK_ASSESSED = {
    "A.I.5.i.a": ("b", "Kampanye publik belum berkala: jadwalkan setiap semester."),
    "A.I.5.i.b": ("b", ""),
    "A.I.5.iv.a": ("b", ""),
    "A.I.5.iv.b": ("c", "Belum ada laporan monitoring dan evaluasi WBS tingkat OPD."),
    "A.I.5.v.a": ("b", ""),
    "A.I.5.v.d": ("b", "Evaluasi tahunan dilakukan Inspektorat, belum oleh OPD sendiri."),
}
RECOMMENDATION = ("Susun laporan monitoring dan evaluasi penerapan WBS dan penanganan benturan kepentingan "
                  "tingkat OPD setiap semester.")
MILESTONES = (
    ("Penilaian internal (TPI) atas unit yang diusulkan selesai", 10),
    ("Pengisian LKE dan unggah bukti dukung unit di PMPZI", 25),
)
MILESTONE_SOURCE = "Contoh data demo: tanggal sebenarnya mengikuti surat Kementerian PANRB tahun berjalan"


def _first_answer(item) -> str:
    """Disdikbud's own answer: the best option, or a full percentage / value where the LKE asks a number."""
    if item.answer_type == AnswerType.PERCENT:
        return "95"
    if item.answer_type == AnswerType.SCORE:
        return "3.6"
    return scoring.choices(item)[0]


def load(echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Unit)):
        echo("Zona Integritas: demo units already present")
        return
    lke.load_shipped()
    on = today()
    version = lke.version_for(on.year)
    if version is None:
        latest = lke.latest_version()
        if latest is None:
            echo("Zona Integritas: no LKE; skipped")
            return
        version = lke.copy_to_year(latest, on.year)
    users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(
        ("inspektur", "sekretaris.dinkes", "sekretaris.disdik"))))}
    opds = {o.code: o for o in db.session.scalars(sa.select(Opd).where(Opd.code.in_(("DINKES", "DISDIKBUD"))))}
    if len(users) < 3 or len(opds) < 2:
        echo("Zona Integritas: the demo's OPDs or accounts are missing; skipped")
        return
    inspektur = users["inspektur"]
    items = {item.code: item for item in lke.items_of(version)}

    dinkes = services.propose(version, opds["DINKES"].id, Target.WBK.value, inspektur)
    for code, (value, note) in DINKES_ANSWERS.items():
        services.answer_self(dinkes, items[code], value, note, users["sekretaris.dinkes"])
    for code, kind, title, text in DINKES_EVIDENCE:
        link, note = (text, "") if kind == EvidenceKind.LINK else ("", text)
        services.add_evidence(dinkes, items[code], kind.value, title, url=link, note=note,
                              actor=users["sekretaris.dinkes"])

    disdik = services.propose(version, opds["DISDIKBUD"].id, Target.WBK.value, inspektur)
    for item in items.values():
        services.answer_self(disdik, item, _first_answer(item), "", users["sekretaris.disdik"])
    services.add_evidence(disdik, items["A.I.5.i.a"], EvidenceKind.NOTE.value, "Jadwal sosialisasi",
                          note="Sosialisasi gratifikasi kepada kepala sekolah dan guru pada awal tahun ajaran.",
                          actor=users["sekretaris.disdik"])
    services.submit(disdik, users["sekretaris.disdik"])
    for code, (value, comment) in DISDIK_ASSESSED.items():
        services.assess(disdik, items[code], value, comment, inspektur)
    followup.add("zi.assessment", str(disdik.id), on.year, followup.Fields(
        text=RECOMMENDATION, opd_id=disdik.opd_id, owner_login="", due_on=add_workdays(on, 20)), actor=inspektur)

    for label, days in MILESTONES:
        timeline.add(on.year, timeline.Fields(label=label, due_on=on + timedelta(days=days), source=MILESTONE_SOURCE),
                     actor=inspektur)
    echo(f"Zona Integritas: {opds['DINKES'].name} (self-assessment, {len(DINKES_ANSWERS)} of {len(items)} items) "
         f"and {opds['DISDIKBUD'].name} (submitted, {len(DISDIK_ASSESSED)} items assessed) proposed for WBK {on.year}")
