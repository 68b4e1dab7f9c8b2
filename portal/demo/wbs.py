"""WBS demo cases in every status, with messages, notes and evidence (all encrypted).

Filed through the services, then dated back so the queue shows overdue and due-soon cases.
The demo receipt codes are printed once by `flask --app portal demo` so a tester can follow
a case up; in real use a code is never printed or stored.
"""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.org.models import Opd
from portal.wbs import deadlines, handling, services
from portal.wbs.content import load_categories
from portal.wbs.models import Category, Mode, Report
from portal.wbs.workflow import Referral, Status

PATHS = {
    Status.RECEIVED: [],
    Status.VERIFICATION: [Status.VERIFICATION],
    Status.REVIEW: [Status.VERIFICATION, Status.REVIEW],
    Status.INVESTIGATIVE_AUDIT: [Status.VERIFICATION, Status.REVIEW, Status.INVESTIGATIVE_AUDIT],
    Status.RECOMMENDATION: [Status.VERIFICATION, Status.REVIEW, Status.RECOMMENDATION],
    Status.FOLLOW_UP: [Status.VERIFICATION, Status.REVIEW, Status.RECOMMENDATION, Status.FOLLOW_UP],
    Status.CLOSED_PROVEN: [Status.VERIFICATION, Status.REVIEW, Status.RECOMMENDATION, Status.CLOSED_PROVEN],
    Status.CLOSED_NOT_PROVEN: [Status.VERIFICATION, Status.REVIEW, Status.CLOSED_NOT_PROVEN],
    Status.REJECTED: [Status.REJECTED],
    Status.NOT_COMPETENT: [Status.VERIFICATION, Status.NOT_COMPETENT],
}
REASONS = {
    Status.VERIFICATION: "Laporan diterima dan sedang diverifikasi kelengkapannya.",
    Status.REVIEW: "Laporan memenuhi unsur 5W+1H dan ditelaah lebih lanjut.",
    Status.INVESTIGATIVE_AUDIT: "Telaah menunjukkan perlunya audit investigatif.",
    Status.RECOMMENDATION: "Hasil telaah/audit disusun menjadi rekomendasi kepada Wali Kota.",
    Status.FOLLOW_UP: "Rekomendasi sedang ditindaklanjuti oleh OPD terkait.",
    Status.CLOSED_PROVEN: "Dugaan terbukti; sanksi dan pengembalian kerugian telah ditetapkan.",
    Status.CLOSED_NOT_PROVEN: "Setelah telaah, dugaan tidak didukung bukti yang cukup.",
    Status.REJECTED: "Laporan tidak memuat informasi yang cukup untuk ditindaklanjuti.",
    Status.NOT_COMPETENT: "Pihak terlapor bukan pegawai Pemerintah Kota; laporan diteruskan ke instansi berwenang.",
}
CASES = [
    ("DPUPR", "kerugian_keuangan_negara", "Pekerjaan saluran drainase dibayar penuh padahal baru selesai sekitar "
     "60 persen menurut pengamatan warga.", "Jalan Khatib Sulaiman", Mode.ANONYMOUS),
    ("DISDUKCAPIL", "pemerasan", "Warga diminta membayar Rp200.000 agar KTP elektronik dicetak cepat.",
     "Kantor pelayanan", Mode.CONFIDENTIAL),
    ("DINKES", "gratifikasi", "Rekanan penyedia alat kesehatan memberi voucher perjalanan kepada panitia pengadaan.",
     "Kantor dinas", Mode.OPEN),
    ("DISDIKBUD", "suap_menyuap", "Orang tua murid diminta membayar agar anaknya diterima di sekolah negeri.",
     "Sebuah SMP negeri", Mode.ANONYMOUS),
    ("BPKAD", "penggelapan_dalam_jabatan", "Uang retribusi yang dipungut tidak disetor ke kas daerah selama "
     "beberapa bulan.", "Loket retribusi", Mode.CONFIDENTIAL),
]


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(out, format="PNG")
    return out.getvalue()


def load(rng, echo) -> None:
    load_categories()
    if db.session.scalar(sa.select(sa.func.count()).select_from(Report)):
        echo("WBS: demo cases already present")
        return
    handler = db.session.scalar(sa.select(User).where(User.username == "wbs.petugas"))
    categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
    codes = []
    for i, status in enumerate(PATHS):
        opd_code, category, what, where, mode = CASES[i % len(CASES)]
        filed = services.file_report(
            mode=mode, category=categories[category],
            reported_opd=db.session.scalar(sa.select(Opd).where(Opd.code == opd_code)),
            content={"reported_name": "Tidak diketahui" if mode == Mode.ANONYMOUS else "Pejabat pengadaan",
                     "reported_position": "Pejabat Pembuat Komitmen", "what": what, "where": where,
                     "when_from": (today() - timedelta(days=60 + i)).isoformat(), "when_to": "",
                     "how": "Menurut keterangan beberapa saksi.", "why": "", "loss": "tidak diketahui"},
            identity=None if mode == Mode.ANONYMOUS else {"name": "Pelapor Contoh", "contact": "0812-0000-0000"},
            uploads=[services.Upload("foto.png", _png())] if i % 2 == 0 else [])
        report = filed.report
        # Date the case back so deadlines show every state in the queue.
        filed_on = today() - timedelta(days=rng.randint(3, 40) if status != Status.RECEIVED else 9)
        report.filed_on = report.last_activity_on = filed_on
        report.events[0].happened_on = filed_on
        deadlines.set_due_dates(report, filed_on)
        for step in PATHS[status]:
            handling.change_status(report, step, reason=REASONS[step], actor=handler,
                                   referral=Referral.KEJAKSAAN if step == Status.NOT_COMPETENT else None)
        if not status.closed:
            handling.send_message(report, "Terima kasih. Mohon jelaskan kapan kejadian terakhir terlihat?",
                                  actor=handler, wait_for_reply=(status == Status.REVIEW))
            if status in (Status.INVESTIGATIVE_AUDIT, Status.FOLLOW_UP):
                services.reporter_reply(report, "Terakhir terlihat pada akhir bulan lalu.", [])
            handling.add_note(report, "Koordinasi dengan Irban wilayah terkait.", actor=handler)
        codes.append((report.public_id, status.value, filed.receipt))
    # The due dates of an overdue example: acknowledgement deadline already passed.
    overdue = db.session.scalar(sa.select(Report).where(Report.status == Status.RECEIVED))
    overdue.ack_due = add_workdays(overdue.filed_on, 1)
    db.session.flush()
    echo(f"WBS: {len(codes)} demo cases (one per status). Demo receipt codes:")
    for public_id, status, code in codes:
        echo(f"  {public_id}  {status:24} {code}")
