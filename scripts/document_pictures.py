"""Pictures of every official document the portal makes, for reviewers: docs/documents/<kind>.png.

Builds the demo data in a temporary folder (nothing in instance/ is touched), downloads each
document as the role that makes it would, and draws its first page with pdftoppm.
Run: make document-pictures
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "documents"
PASSWORD = "integritas-2019"  # the demo logins' password (DESIGN.md §5)


def main() -> int:
    from portal import create_app
    from portal.config import new_keys
    from portal.extensions import db

    work = Path(tempfile.mkdtemp(prefix="portal-pictures-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'demo.db'}", "STORAGE_DIR": str(work / "files"),
                      "WTF_CSRF_ENABLED": False, "PUBLIC_BASE_URL": "https://integritas.padang.go.id",
                      "WBS_RECEIPT_PEPPER": "pictures", **new_keys()})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed"], ["demo"]):
        result = runner.invoke(args=command)
        if result.exit_code:
            print(result.output, result.exception, file=sys.stderr)
            return 1

    from portal.certificates.models import Certificate
    from portal.org.models import Opd
    from portal.socialisation.models import SocialisationSession

    with app.app_context():
        held = db.session.scalars(sa.select(SocialisationSession)
                                  .where(SocialisationSession.ends_at < sa.func.current_timestamp(),
                                         SocialisationSession.minutes != "")
                                  .order_by(SocialisationSession.starts_at.desc())).first()
        cert = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).first()
        dinkes = db.session.scalars(sa.select(Opd).where(Opd.code == "DINKES")).one()
        wanted = {
            "undangan": ("inspektur", f"/sosialisasi/{held.id}/undangan.pdf"),
            "daftar-hadir": ("inspektur", f"/sosialisasi/{held.id}/daftar-hadir.pdf"),
            "notula": ("inspektur", f"/sosialisasi/{held.id}/notula.pdf"),
            "evaluasi-benturan-kepentingan": ("inspektur",
                                              f"/benturan-kepentingan/pengawasan/evaluasi.pdf?opd={dinkes.id}"),
            "bukti-dukung-opd": ("sekretaris.dinkes", "/partisipasi/bukti-dukung.pdf"),
            "bukti-dukung-kota": ("inspektur", "/partisipasi/bukti-dukung.pdf"),
            "sertifikat": ("admin", f"/sertifikat/{cert.id}/pdf"),
        }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (login, url) in wanted.items():
        client = app.test_client()
        answer = client.post("/login", data={"login": login, "password": PASSWORD})
        if answer.status_code != 302:
            print(f"{name}: cannot log in as {login}", file=sys.stderr)
            return 1
        answer = client.get(url)
        if answer.status_code != 200 or not answer.data.startswith(b"%PDF"):
            print(f"{name}: {url} answered {answer.status_code}", file=sys.stderr)
            return 1
        pdf = work / f"{name}.pdf"
        pdf.write_bytes(answer.data)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(OUT / name)], check=True)
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
        print(f"{OUT / name}.png  ({pages.group(1) if pages else '?'} page(s), {len(answer.data) // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
