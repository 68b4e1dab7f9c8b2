"""Two web nodes that share nothing but PostgreSQL, Redis and the object store (issue 22).

Every scenario crosses the nodes through HTTP, as a load balancer would send a person's requests
now to one node, now to the other: what one node wrote must be readable through the other.
"""
from __future__ import annotations

import io
import json
import re
import secrets
import sys
import tarfile
import time
import zipfile
from datetime import date

import requests
from lxml import html as lxml_html

from tests.multinode import cluster_support as cs

T = cs.REQUEST_TIMEOUT


def _get(session, url, **kw):
    response = session.get(url, timeout=T, **kw)
    assert response.status_code == 200, (url, response.status_code, response.text[:2000])
    return response


def _file_report(node, evidence: bytes) -> tuple[str, str]:
    """A public, anonymous WBS report with one evidence file: (case number, receipt code)."""
    reporter = requests.Session()
    page = _get(reporter, node("/wbs/lapor")).text
    data = cs.form_fields(page)
    form = lxml_html.fromstring(page)
    category = next(o.get("value") for o in form.xpath("//select[@name='category']/option") if o.get("value") != "0")
    data.update(mode="anonymous", reported_name="tidak diketahui", reported_opd="0", category=category,
                what="Pungutan di loket pelayanan tanpa dasar aturan, dua kali dalam sebulan.",
                where="Loket pelayanan", when_from=date.today().isoformat(), how="Diminta tunai.",
                good_faith="y", website="")
    response = reporter.post(node("/wbs/lapor"), data=data, timeout=T,
                             files=[("evidence", ("bukti.txt", evidence, "text/plain"))])
    assert response.status_code == 200, response.text[:3000]
    tree = lxml_html.fromstring(response.text)
    receipt = tree.xpath("string(//span[contains(@class, 'receipt-code')])").strip()
    case = tree.xpath("string(//dd[contains(@class, 'font-monospace')][1])").strip()
    assert receipt and case.startswith("WBS-"), cs.text_of(response.text)[:2000]
    return case, receipt


def test_a_report_filed_on_a_is_followed_up_and_its_evidence_read_on_b(nodes):
    a, b = nodes.a, nodes.b
    evidence = b"Bukti: " + secrets.token_hex(2000).encode()
    case, receipt = _file_report(a, evidence)

    # The reporter follows up through node B.
    reporter = requests.Session()
    data = cs.form_fields(_get(reporter, b("/wbs/pantau")).text)
    data["receipt"] = receipt
    response = reporter.post(b("/wbs/pantau"), data=data, timeout=T, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/wbs/pantau/laporan"), \
        cs.text_of(response.text)[:2000]
    page = _get(reporter, b("/wbs/pantau/laporan")).text
    assert case in page and "bukti.txt" in page

    # The handler opens the case on node B and downloads the evidence: the bytes filed on A.
    handler = requests.Session()
    cs.login(handler, b, "wbs.petugas")
    page = _get(handler, b(f"/wbs/kelola/kasus/{case}")).text
    links = [href for href in lxml_html.fromstring(page).xpath("//a/@href") if "/bukti/" in href]
    assert len(links) == 1, links
    assert _get(handler, b(links[0])).content == evidence

    # Stored encrypted before it left node A: the plain evidence is nowhere in the bucket.
    store, space = nodes.storage["store"], nodes.storage["space"]
    wbs_objects = [name for name in store.keys(space) if name.startswith("wbs")]
    assert wbs_objects and all(evidence[:64] not in store.get(space, name) for name in wbs_objects)


def _certificate(session, node) -> tuple[str, bytes]:
    """The first certificate on the holder's list: (its verification code, its PDF)."""
    page = _get(session, node("/sertifikat/")).text
    ids = [m for m in re.findall(r'href="/sertifikat/(\d+)"', page)]
    assert ids, cs.text_of(page)[:2000]
    detail = _get(session, node(f"/sertifikat/{ids[0]}")).text
    codes = re.findall(r"/verifikasi/([A-Za-z0-9-]+)", detail)
    assert codes, cs.text_of(detail)[:2000]
    pdf = _get(session, node(f"/sertifikat/{ids[0]}/pdf")).content
    assert pdf.startswith(b"%PDF")
    return codes[0], pdf


def test_a_certificate_rendered_on_a_is_verified_on_b(nodes):
    a, b = nodes.a, nodes.b
    holder = requests.Session()
    cs.login(holder, a, "sekretaris.dinkes")
    code, pdf = _certificate(holder, a)

    checker = requests.Session()
    page = _get(checker, b(f"/verifikasi/{code}")).text
    assert "alert-danger" not in page
    data = cs.form_fields(page, f"/verifikasi/{code}")
    response = checker.post(b(f"/verifikasi/{code}"), data=data, timeout=T,
                            files={"pdf": ("sertifikat.pdf", pdf, "application/pdf")})
    assert response.status_code == 200
    # One more success than the page alone shows (the certificate is valid): the file is the one issued.
    assert response.text.count("alert-success") == page.count("alert-success") + 1, cs.text_of(response.text)[:3000]
    assert "alert-danger" not in response.text

    # A changed byte is caught on B all the same: the check reads the hash A stored.
    response = checker.post(b(f"/verifikasi/{code}"), data=data, timeout=T,
                            files={"pdf": ("sertifikat.pdf", pdf[:-20] + b"%%EOF-changed\n", "application/pdf")})
    assert response.status_code == 200
    assert response.text.count("alert-success") == page.count("alert-success")
    assert "alert-danger" in response.text


def test_a_bulk_job_queued_on_a_is_run_beside_b_and_downloaded_from_a(nodes):
    a = nodes.a
    inspector = requests.Session()
    cs.login(inspector, a, "inspektur")
    # The smallest session with issued certificates keeps the job short.
    page = _get(inspector, a("/sosialisasi/2")).text
    data = cs.form_fields(page, "/sertifikat/acara/2/zip")
    response = inspector.post(a("/sertifikat/acara/2/zip"), data=data, timeout=T, allow_redirects=False)
    assert response.status_code == 302, cs.text_of(response.text)[:2000]
    job_page = response.headers["Location"]
    job_id = re.search(r"/unduhan/(\d+)", job_page).group(1)

    deadline = time.monotonic() + 600
    while True:
        response = inspector.get(a(f"/sertifikat/unduhan/{job_id}/berkas"), timeout=T, allow_redirects=False)
        if response.status_code == 200:
            break
        assert response.status_code == 302, response.status_code
        status = cs.text_of(_get(inspector, a(f"/sertifikat/unduhan/{job_id}")).text)
        assert time.monotonic() < deadline, status[:2000]
        time.sleep(2)
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = zf.namelist()
        assert names and all(n.endswith(".pdf") for n in names)
        assert zf.read(names[0]).startswith(b"%PDF")
    # The worker beside B (the only one) wrote the result into the object store; node A read it there.
    store, space = nodes.storage["store"], nodes.storage["space"]
    results = [name for name in store.keys(space) if name.startswith("job-results/")]
    assert any(store.get(space, name) == response.content for name in results), results
    assert nodes.worker.proc.poll() is None


def _python(env: dict, code: str) -> str:
    return cs.run([sys.executable, "-c", code], env, timeout=300).stdout


def test_backup_on_a_includes_the_object_store_and_restores_into_an_empty_database_and_space(nodes, tmp_path,
                                                                                                fresh_database):
    a, b = nodes.a, nodes.b
    store, space = nodes.storage["store"], nodes.storage["space"]
    evidence = b"Bukti cadangan: " + secrets.token_hex(500).encode()
    case, _receipt = _file_report(a, evidence)

    out = tmp_path / "backups"
    out.mkdir()
    done = cs.flask(a.env, "backup", "-o", str(out))
    archive = next(out.glob("*.tar"))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    stored = sorted(store.keys(space))
    # Every object of the deployment's space is in the backup, the new evidence among them.
    assert sorted(f["path"] for f in manifest["files"]) == stored, (done.stdout, stored)

    # Node B's environment pointed at an empty database and an empty place in the object store.
    restored_db = fresh_database("multinode_restore")
    restored_space = store.new_space(nodes.extra["run_id"], "restored")
    instance = tmp_path / "restored-instance"
    instance.mkdir()
    env = dict(b.env, **store.environment(restored_space), DATABASE_URL=restored_db,
               PORTAL_INSTANCE_PATH=str(instance))
    done = cs.flask(env, "restore", str(archive))
    assert "every SHA-256 verified" in done.stdout, done.stdout

    assert sorted(store.keys(restored_space)) == stored
    assert all(store.get(restored_space, name) == store.get(space, name) for name in stored)
    # Read back through the portal's own storage on the restored side: the evidence opens.
    read = _python(env, (
        "import sqlalchemy as sa\n"
        "from portal import create_app\n"
        "from portal.extensions import db\n"
        "from portal.wbs.models import Report\n"
        "from portal.wbs.services import open_evidence\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    report = db.session.scalar(sa.select(Report).where(Report.public_id == {case!r}))\n"
        "    name, data = open_evidence(report, report.evidence[0])\n"
        "    print(data.hex())\n"))
    assert bytes.fromhex(read.strip().splitlines()[-1]) == evidence


def test_a_session_and_a_rate_limit_hold_across_the_nodes(nodes):
    a, b = nodes.a, nodes.b
    person = requests.Session()
    cs.login(person, a, "asn.dinkes")
    home_a = _get(person, a("/")).text
    # Another client holding only the cookie, on node B: signed with the same SECRET_KEY.
    other = requests.Session()
    other.cookies.update(person.cookies)
    response = other.get(b("/"), timeout=T, allow_redirects=False)
    assert response.status_code == 200, response.headers.get("Location")
    assert "/logout" in response.text and "/logout" in home_a
    anonymous = requests.get(b("/"), timeout=T, allow_redirects=False)
    assert "/logout" not in anonymous.text

    # Verification is limited per client (VERIFY_LIMIT); the client's address comes from the
    # load balancer's X-Forwarded-For. Used up on A, it is used up on B.
    client = {"X-Forwarded-For": f"198.51.100.{secrets.randbelow(250) + 1}"}
    for _ in range(200):
        status = requests.get(a("/verifikasi"), headers=client, timeout=T).status_code
        if status == 429:
            break
        assert status == 200
    assert status == 429
    assert requests.get(b("/verifikasi"), headers=client, timeout=T).status_code == 429
    assert requests.get(b("/verifikasi"), headers={"X-Forwarded-For": "192.0.2.9"}, timeout=T).status_code == 200


def test_the_nodes_keep_nothing_on_their_own_disks(nodes):
    a, b = nodes.a, nodes.b
    store, space = nodes.storage["store"], nodes.storage["space"]
    before = {name for name in store.keys(space) if name.startswith("wbs")}
    _file_report(a, b"Bukti " + secrets.token_hex(100).encode())
    assert len({name for name in store.keys(space) if name.startswith("wbs")} - before) == 1
    assert a.instance != b.instance
    for node in (a, b):
        # Keys came from the environment (none generated into keys.json); no stored file on disk.
        assert not (node.instance / "keys.json").exists()
        assert not (node.instance / "files").exists()
        assert not (node.instance / "portal.db").exists()
