"""The session's paperwork as the organiser downloads it: the attendance list, invitation and
minutes PDFs, the evidence pack per OPD, and photos that lose their EXIF on upload."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from PIL import Image

from portal.auth.models import User
from portal.extensions import db
from portal.socialisation import services
from portal.socialisation.models import AttendanceStatus, Source
from tests.socialisation.factories import (english, field_error, flashed, page_text, pdf_text, person, running_session,
                                      session_state)
from tests.wbs.builders import jpeg_with_exif, png_bytes

MINUTES = "Narasumber menyampaikan isi Perwako 15/2019.\n\nPeserta diminta meneruskan materi."


@pytest.fixture
def inspektur(world, login_as):
    return english(login_as(world.inspektur))


@pytest.fixture
def session_id(app, world):
    """Running; asn.dinkes invited and checked in by QR, kadis.dinkes marked late by hand,
    secretary.dinkes invited and not come; asn.disdik walked in."""
    with app.app_context():
        session = running_session(world, checked_in=[world.asn])
        actor = db.session.get(User, world.inspektur["user_id"])
        services.add_participants(session, "\n".join(person(app, a)["nip"] for a in (world.kadis, world.secretary)),
                                  actor=actor, source=Source.INVITED)
        kadis = next(p for p in session.participants if p.employee_id == world.kadis["employee_id"])
        services.mark(session, kadis, AttendanceStatus.LATE, actor=actor)
        services.walk_in(session, person(app, world.asn_disdik)["nip"], actor=actor)
        db.session.commit()
        return session.id


# --- PDFs ---------------------------------------------------------------------------------------

def test_attendance_pdf(app, world, inspektur, session_id):
    response = inspektur.get(f"/sosialisasi/{session_id}/daftar-hadir.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f"attachment; filename=daftar-hadir-{session_id}.pdf"
    text = pdf_text(response.data)
    for account in (world.asn, world.kadis, world.secretary, world.asn_disdik):
        p = person(app, account)
        assert p["name"] in text and p["nip_formatted"] in text, p
    # An official document: Indonesian although the organiser reads the portal in English.
    assert "DAFTAR HADIR" in text and "Sosialisasi Perwako 15 dan 27" in text
    assert "Kode QR" in text and "Ditandai oleh penyelenggara" in text and "Datang langsung, dicatat dengan NIP" in text
    assert "Hadir: 2" in text and "Terlambat: 1" in text and "Belum ditandai: 1" in text
    assert "Daftar hadir belum ditutup" in text


def test_attendance_pdf_after_closing_says_so(app, world, inspektur, session_id):
    assert inspektur.post(f"/sosialisasi/{session_id}/tutup").status_code == 302
    text = pdf_text(inspektur.get(f"/sosialisasi/{session_id}/daftar-hadir.pdf").data)
    assert "Daftar hadir sudah ditutup." in text and "Tidak hadir: 1" in text


def test_attendance_pdf_in_indonesian_is_a_pdf_too(app, world, login_as, session_id):
    client = login_as(world.inspektur)
    client.get("/?lang=id")
    response = client.get(f"/sosialisasi/{session_id}/daftar-hadir.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert person(app, world.asn)["name"] in pdf_text(response.data)


def test_invitation_and_minutes_pdfs(app, world, inspektur, session_id):
    invitation = inspektur.get(f"/sosialisasi/{session_id}/undangan.pdf")
    assert invitation.status_code == 200 and invitation.data.startswith(b"%PDF")
    text = pdf_text(invitation.data)
    assert "Sosialisasi Perwako 15 dan 27" in text and "Ruang Abu Bakar Ja'ar" in text.replace("’", "'")
    assert "Dinas Kesehatan" in text
    # No minutes yet: no minutes PDF.
    assert inspektur.get(f"/sosialisasi/{session_id}/notula.pdf").status_code == 404
    assert inspektur.post(f"/sosialisasi/{session_id}/notula", data={"minutes": MINUTES}).status_code == 302
    minutes = inspektur.get(f"/sosialisasi/{session_id}/notula.pdf")
    assert minutes.status_code == 200
    assert "Peserta diminta meneruskan materi." in pdf_text(minutes.data)


# --- photos --------------------------------------------------------------------------------------

def upload(client, session_id, data: bytes, filename: str, caption="Suasana sosialisasi"):
    return client.post(f"/sosialisasi/{session_id}/foto", content_type="multipart/form-data",
                       data={"photo": (io.BytesIO(data), filename), "caption": caption})


def test_photo_upload_strips_exif(app, world, inspektur, session_id):
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()  # the camera's data is there to begin with
    assert b"KameraRahasia" in original
    response = upload(inspektur, session_id, original, "IMG_0001.jpg")
    assert response.status_code == 302 and "The photo has been added." in flashed(inspektur)
    [photo_id] = session_state(app, session_id)["photos"]

    stored = inspektur.get(f"/sosialisasi/{session_id}/foto/{photo_id}")
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(stored.data))
    assert image.format == "JPEG" and image.size == Image.open(io.BytesIO(original)).size
    assert not image.getexif() and "exif" not in image.info
    assert b"KameraRahasia" not in stored.data and b"ModelRahasia" not in stored.data and b"Exif" not in stored.data

    page = page_text(inspektur.get(f"/sosialisasi/{session_id}"))
    assert "Suasana sosialisasi" in page and f"/sosialisasi/{session_id}/foto/{photo_id}" in page


@pytest.mark.parametrize("data, filename, message", [
    (b"Daftar hadir peserta\n", "catatan.txt", "Send a photo as JPG, PNG or WebP."),
    (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "foto.jpg", "Send a photo as JPG, PNG or WebP."),
    (b"MZ\x90\x00" + b"\x00" * 200, "foto.jpg", "This kind of file is not accepted."),
], ids=["text", "pdf_named_jpg", "program"])
def test_non_image_upload_is_refused(app, world, inspektur, session_id, data, filename, message):
    response = upload(inspektur, session_id, data, filename)
    assert response.status_code == 400
    page = page_text(response)
    assert message in field_error(page, "photo")
    assert 'value="Suasana sosialisasi"' in page  # the caption is kept
    assert session_state(app, session_id)["photos"] == []


def test_photo_is_not_shown_to_a_participant(app, world, login_as, session_id, inspektur):
    assert upload(inspektur, session_id, png_bytes(), "foto.png").status_code == 302
    [photo_id] = session_state(app, session_id)["photos"]
    assert english(login_as(world.asn)).get(f"/sosialisasi/{session_id}/foto/{photo_id}").status_code == 403
    assert english(login_as(world.secretary)).get(f"/sosialisasi/{session_id}/foto/{photo_id}").status_code == 200


# --- the evidence pack -----------------------------------------------------------------------------

def test_evidence_pack_for_an_opd(app, world, inspektur, session_id):
    assert inspektur.post(f"/sosialisasi/{session_id}/notula", data={"minutes": MINUTES}).status_code == 302
    assert upload(inspektur, session_id, jpeg_with_exif(), "IMG_0001.jpg", "Pembukaan").status_code == 302
    assert upload(inspektur, session_id, png_bytes(), "foto.png", "Diskusi").status_code == 302

    response = inspektur.get(f"/sosialisasi/{session_id}/bukti-dukung?opd={world.dinkes}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == f"attachment; filename=bukti-dukung-{session_id}-dinkes.zip"
    pack = zipfile.ZipFile(io.BytesIO(response.data))
    assert pack.testzip() is None
    assert pack.namelist() == ["00-daftar-isi.txt", "01-undangan.pdf", "02-daftar-hadir.pdf", "03-notula.pdf",
                               "04-foto-01.jpg", "04-foto-02.png", "05-peserta-dan-sertifikat.csv"]
    index = pack.read("00-daftar-isi.txt").decode("utf-8")
    assert "Sosialisasi Perwako 15 dan 27" in index and "Dinas Kesehatan" in index
    assert "04-foto-01.jpg: Pembukaan" in index and "03-notula.pdf: Minutes" in index
    for name in ("01-undangan.pdf", "02-daftar-hadir.pdf", "03-notula.pdf"):
        assert pack.read(name).startswith(b"%PDF"), name
    assert b"KameraRahasia" not in pack.read("04-foto-01.jpg")
    assert Image.open(io.BytesIO(pack.read("04-foto-02.png"))).format == "PNG"

    table = list(csv.reader(io.StringIO(pack.read("05-peserta-dan-sertifikat.csv").decode("utf-8-sig"))))
    assert table[0][:4] == ["Name", "NIP", "Position", "Attendance"]
    got = {row[0]: (row[1], row[3]) for row in table[1:]}
    expected = {person(app, world.asn)["name"]: (person(app, world.asn)["nip"], "Present"),
                person(app, world.kadis)["name"]: (person(app, world.kadis)["nip"], "Late"),
                person(app, world.secretary)["name"]: (person(app, world.secretary)["nip"], "Not marked yet")}
    assert got == expected  # asn.disdik, a walk-in from another OPD, is in Disdik's pack only

    attendance = pdf_text(pack.read("02-daftar-hadir.pdf"))
    assert person(app, world.asn)["name"] in attendance and person(app, world.asn_disdik)["name"] not in attendance


def test_evidence_pack_without_minutes_has_no_minutes_file(app, world, inspektur, session_id):
    response = inspektur.get(f"/sosialisasi/{session_id}/bukti-dukung?opd={world.disdik}")
    pack = zipfile.ZipFile(io.BytesIO(response.data))
    assert pack.namelist() == ["00-daftar-isi.txt", "01-undangan.pdf", "02-daftar-hadir.pdf",
                               "05-peserta-dan-sertifikat.csv"]
    # The index says why 03 and 04 are missing, in the order of the numbers.
    index = pack.read("00-daftar-isi.txt").decode("utf-8").splitlines()
    listed = [line.split(":", 1)[0] for line in index if line[:2] in ("01", "02", "03", "04", "05")]
    assert listed == ["01-undangan.pdf", "02-daftar-hadir.pdf", "03-notula.pdf", "04-foto",
                      "05-peserta-dan-sertifikat.csv"]
    assert "03-notula.pdf: not in this pack: the minutes have not been written" in index
    assert "04-foto: not in this pack: no photos have been uploaded" in index
    # Entries are dated on the government's wall clock (WIB here), not UTC.
    from datetime import datetime, timedelta, timezone

    wib = datetime.now(timezone(timedelta(hours=7)))
    stamped = datetime(*pack.getinfo("01-undangan.pdf").date_time, tzinfo=wib.tzinfo)
    assert abs((wib - stamped).total_seconds()) < 300
    table = list(csv.reader(io.StringIO(pack.read("05-peserta-dan-sertifikat.csv").decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == [person(app, world.asn_disdik)["name"]]


def test_evidence_pack_needs_an_opd(app, world, inspektur, session_id):
    response = inspektur.get(f"/sosialisasi/{session_id}/bukti-dukung")
    assert response.status_code == 302 and response.headers["Location"] == f"/sosialisasi/{session_id}"
    assert "Choose the OPD whose evidence pack you want." in flashed(inspektur)
    assert inspektur.get(f"/sosialisasi/{session_id}/bukti-dukung?opd=999999").status_code == 302
