"""A unit's exports: the LKE as XLSX and the supporting evidence as a ZIP by item code.

Whoever may see the unit may export it (its OPD's secretary, the Inspectorate, administrators);
anyone else gets 404, as for the unit's page. Each export is an audit event."""
from __future__ import annotations

import io

from flask import Blueprint, abort, send_file
from flask_login import current_user

from portal.core import audit
from portal.extensions import db
from portal.web.permissions import guard
from portal.zi import exports, permissions
from portal.zi.models import Unit

bp = Blueprint("zi_export", __name__, url_prefix="/zona-integritas")
bp.before_request(guard())
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not permissions.can_see(current_user, unit):
        abort(404)
    return unit


def _download(body: bytes, mimetype: str, name: str):
    # Built in memory (docs/decisions.md, "A unit's exports"), handed out in chunks with its length.
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/unit/<int:unit_id>/lke.xlsx")
def lke_xlsx(unit_id: int):
    unit = _unit(unit_id)
    body = exports.lke_xlsx(unit)
    audit.record("zi.unit_exported", unit, actor=current_user, data={"format": "xlsx", "year": unit.version.year})
    db.session.commit()
    return _download(body, XLSX, exports.file_stem(unit, "lke") + ".xlsx")


@bp.route("/unit/<int:unit_id>/bukti-dukung.zip")
def evidence_zip(unit_id: int):
    unit = _unit(unit_id)
    body = exports.evidence_zip(unit)
    audit.record("zi.unit_exported", unit, actor=current_user, data={"format": "zip", "year": unit.version.year})
    db.session.commit()
    return _download(body, "application/zip", exports.file_stem(unit, "bukti-dukung-zi") + ".zip")
