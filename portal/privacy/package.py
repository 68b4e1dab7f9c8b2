"""The employee's copy of their data: one ZIP holding a PDF to read (portal/core/pdf.py, in the
person's language, dates in the deployment's time zone) and a JSON file for machines (ISO 8601
dates, codes beside their labels)."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core import audit, formatting, pdf, settings
from portal.core.clock import local
from portal.privacy import export

GIFT_REPORT_LISTS = ("objects", "history", "messages", "attachments")
JSON_NAME = "data-saya.json"
PDF_NAME = "data-saya.pdf"


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def to_json(data: dict) -> bytes:
    return json.dumps(data, default=_iso, ensure_ascii=False, indent=2).encode()


def _shown(value):
    """A value as the PDF prints it (call inside force_locale)."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formatting.moment(value)
    if isinstance(value, date):
        return formatting.day(value)
    if isinstance(value, dict) and "label" in value:
        return value["label"]
    if isinstance(value, list):
        return ", ".join(str(_shown(v)) for v in value)
    return value


def _shown_all(item: dict) -> dict:
    return {key: _shown(value) for key, value in item.items()}


def pdf_context(data: dict) -> dict:
    """Primitives only, every date already formatted."""
    profile = dict(data["profile"])
    profile["opd"] = profile["opd"]["name"]
    superior = profile.pop("direct_superior")
    profile["direct_superior"] = f"{superior['name']} ({superior['position']})" if superior else None
    learning = data["learning"]
    return {
        "lang": data["language"],
        "government": settings.government_name(),
        "inspectorate": settings.inspectorate_name(),
        "generated": _shown(data["generated_at"]),
        "profile": _shown_all(profile),
        "account": _shown_all(data["account"]),
        "lessons_read": [_shown_all(r) for r in learning["lessons_read"]],
        "attempts": [_shown_all({k: v for k, v in a.items() if k != "answers"}) | {"answers": len(a["answers"])}
                     for a in learning["quiz_attempts"]],
        "completions": [_shown_all(c) for c in learning["completions"]],
        "declarations": [_shown_all({k: v for k, v in d.items() if k not in ("comments", "attachments")})
                         | {"comments": [_shown_all(c) for c in d["comments"]],
                            "attachments": [_shown_all(f) for f in d["attachments"]]}
                         for d in data["declarations"]],
        "by_others": data["declarations_by_others"],
        "gift_reports": [_shown_all({k: v for k, v in r.items() if k not in GIFT_REPORT_LISTS})
                         | {k: [_shown_all(item) for item in r[k]] for k in GIFT_REPORT_LISTS}
                         for r in data["gift_reports"]],
        "attendance": [_shown_all(p) for p in data["attendance"]],
        "certificates": [_shown_all(c) for c in data["certificates"]],
        "reminders": [_shown_all(r) for r in data["reminders"]],
        "corrections": [_shown_all(c) for c in data["correction_requests"]],
        "not_included": data["not_included"],
    }


def build(user) -> tuple[str, bytes]:
    """The file name and the ZIP's bytes."""
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config[
        "BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        data = export.collect(user, locale)
        # A copy for the person, in their language, next to its JSON: not an official document, so
        # not signed (and it does not stop working when the signing certificate does).
        document = pdf.render("pdf/privacy_my_data.html", pdf_context(data), sign_as=None)
    stamp = local(data["generated_at"]).strftime("%Y%m%d")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PDF_NAME, document)
        archive.writestr(JSON_NAME, to_json(data))
    return f"data-saya-{user.employee.nip}-{stamp}.zip", buffer.getvalue()


def download(user) -> tuple[str, bytes]:
    """Build the person's copy and record that it was taken (no content in the event)."""
    name, data = build(user)
    audit.record("privacy.data_downloaded", user.employee, actor=user, data={"bytes": len(data)})
    return name, data
