"""Padang is the first deployment, not a constant: its name lives in the demo data and the default
content only, and what a document needs of the government (the place it is signed in, who signs)
follows the configured government and the admin's settings."""
from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = (ROOT / "portal" / "demo", ROOT / "portal" / "content")


def test_no_padang_in_code_or_templates():
    """`grep -rn Padang portal templates | grep -v portal/demo | grep -v portal/content` finds nothing."""
    found = []
    for folder in (ROOT / "portal", ROOT / "templates"):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix in (".pyc", ".mo") or any(path.is_relative_to(a) for a in ALLOWED):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if "Padang" in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("government", "inspectorate", "place", "title"), [
    ("Pemerintah Kota Makassar", "Inspektorat Kota Makassar", "Makassar", "Inspektur Kota Makassar"),
    ("Pemerintah Kota Padang Panjang", "Inspektorat Kota Padang Panjang", "Padang Panjang",
     "Inspektur Kota Padang Panjang"),
    # A regency's name does not say where its offices are: no place until the admin sets one.
    ("Pemerintah Kabupaten Solok", "Inspektorat Kabupaten Solok", "", "Inspektur Kabupaten Solok"),
    ("Pemerintah Provinsi Sumatera Barat", "Inspektorat Daerah Provinsi Sumatera Barat", "",
     "Inspektur Daerah Provinsi Sumatera Barat"),
])
def test_place_and_signatory_follow_the_configured_government(app_factory, government, inspectorate, place, title):
    from portal.certificates import services as certificates
    from portal.core import settings

    app = app_factory(GOVERNMENT_NAME=government, INSPECTORATE_NAME=inspectorate)
    with app.app_context():
        assert settings.place() == place
        assert certificates.config()["cert.signatory_title"] == title
        # The admin's own values win.
        settings.put(settings.PLACE, "Arosuka")
        settings.put("cert.signatory_title", "Plt. Inspektur")
        db.session.commit()
        assert settings.place() == "Arosuka" and certificates.config()["cert.signatory_title"] == "Plt. Inspektur"


def test_the_certificate_is_signed_in_the_place_the_admin_sets(app, world, login_as):
    from portal.certificates import services as certificates
    from portal.certificates.models import CertificateKind
    from portal.org.models import Employee

    def signed_text() -> str:
        with app.app_context():
            employee = db.session.get(Employee, world.asn["employee_id"])
            cert = certificates.issue(CertificateKind.MODULE, employee, subject_key="module:1", subject_id="Modul",
                                      subject_en="Module", regulation="", issued_on=date(2026, 3, 2))
            data = certificates.render([cert], "https://integritas.example.go.id")
            db.session.rollback()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "c.pdf"
            path.write_bytes(data)
            out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, timeout=60)
        return " ".join(out.stdout.decode().split())

    default = signed_text()  # the default content's government: its city
    assert f"{app.config['GOVERNMENT_NAME'].split()[-1]}, 2 Maret 2026" in default
    admin = login_as(world.admin)
    assert admin.post("/admin/pemerintah", data={"timezone": "Asia/Jakarta", "place": "Bukittinggi"}).status_code == 302
    assert "Bukittinggi, 2 Maret 2026" in signed_text()
    assert admin.post("/admin/pemerintah", data={"timezone": "Asia/Jakarta", "place": ""}).status_code == 302
    assert ", 2 Maret 2026" not in signed_text() and "2 Maret 2026" in signed_text()


def test_no_merge_conflict_markers_are_left_in_the_sources():
    root = Path(__file__).resolve().parent.parent
    marker = re.compile(r"^(<{7}|>{7})( |$)|^={7}$", re.M)
    found = [str(path.relative_to(root)) for folder in ("portal", "templates", "tests", "docs", "static")
             for path in (root / folder).rglob("*") if path.is_file() and path.suffix in
             (".py", ".html", ".txt", ".md", ".json", ".js", ".css") and marker.search(path.read_text("utf-8"))]
    assert not found, found
