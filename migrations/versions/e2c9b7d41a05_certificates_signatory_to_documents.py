"""certificates: the signatory set on the certificate settings moves to the official documents' signatories

Revision ID: e2c9b7d41a05
Revises: d47349f2adf1
Create Date: 2026-12-06

Certificates now take who signs from documents_signatory (kind "certificates.certificate"), with
office, name, rank and NIP. A title and name an admin had saved on the certificate settings page
(settings cert.signatory_title and cert.signatory_name) become that signatory, unless one is set.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = 'e2c9b7d41a05'
down_revision = 'd47349f2adf1'
branch_labels = None
depends_on = None

KIND = "certificates.certificate"


def _value(raw):
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def upgrade():
    bind = op.get_bind()
    saved = {key: _value(value) for key, value in bind.execute(sa.text(
        "SELECT key, value FROM settings_value WHERE key IN ('cert.signatory_title', 'cert.signatory_name')"))}
    office, name = (saved.get("cert.signatory_title") or "").strip(), (saved.get("cert.signatory_name") or "").strip()
    exists = bind.execute(sa.text("SELECT 1 FROM documents_signatory WHERE kind = :k AND role = 'sign'"),
                          {"k": KIND}).first()
    if (office or name) and not exists:
        bind.execute(sa.text(
            "INSERT INTO documents_signatory (kind, role, organiser, capacity, office, name, rank, nip, updated_at) "
            "VALUES (:k, 'sign', :f, '', :office, :name, '', '', CURRENT_TIMESTAMP)"),
            {"k": KIND, "f": False, "office": office, "name": name})


def downgrade():
    pass  # the settings rows were left in place; nothing to put back
