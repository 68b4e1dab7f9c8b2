"""An optional column left out of an import file keeps what the portal already has."""
from __future__ import annotations

from portal.extensions import db
from portal.org.models import Employee
from tests.org.test_org_import import csv_bytes, uploaded_token


def test_missing_optional_columns_keep_superior_email_and_head_flag(app, login_as, world):
    client = login_as(world.admin)
    with app.app_context():
        asn = db.session.get(Employee, world.asn["employee_id"])
        asn.email = "asn@padang.go.id"
        db.session.commit()
        row = [asn.nip, asn.name, "Jabatan Baru", "DINKES"]
    token = uploaded_token(client, csv_bytes([row], header=["nip", "nama", "jabatan", "kode_opd"]))
    page = client.get(f"/org/impor/{token}?lang=en").get_data(as_text=True)
    assert "1 to update" in page
    assert client.post(f"/org/impor/{token}").status_code == 302
    with app.app_context():
        asn = db.session.get(Employee, world.asn["employee_id"])
        assert asn.position == "Jabatan Baru"
        assert asn.superior_id == world.kadis["employee_id"]
        assert asn.email == "asn@padang.go.id"
    # The same file again: nothing to do.
    token = uploaded_token(client, csv_bytes([row], header=["nip", "nama", "jabatan", "kode_opd"]))
    assert "1 unchanged" in client.get(f"/org/impor/{token}?lang=en").get_data(as_text=True)


def test_search_treats_percent_literally(login_as, world):
    client = login_as(world.admin)
    page = client.get("/org/pegawai?q=%25&lang=en").get_data(as_text=True)
    assert "No employees match." in page
