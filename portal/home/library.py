"""Keeping the regulation library: a regulation's particulars, its official text (a PDF checked by
content) or JDIH link, and the articles the portal relies on, checked or not. Every change is audited."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core import audit, storage
from portal.core.clock import today, utcnow
from portal.core.errors import PortalError
from portal.core.uploads import UploadError, clean_upload
from portal.extensions import db
from portal.home.models import TOPICS, Regulation, RegulationArticle

AREA = "regulations"
MAX_TEXT_BYTES = 20 * 1024 * 1024  # a scanned regulation with its annexes
PDF = "application/pdf"


class RegulationError(PortalError):
    pass


@dataclass(frozen=True)
class RegulationFields:
    topic: str
    kind: str
    number: str
    year: int | None
    short_name: str
    title_id: str
    title_en: str
    summary_id: str = ""
    summary_en: str = ""
    source: str = ""
    jdih_url: str = ""
    position: int = 0


@dataclass(frozen=True)
class ArticleFields:
    label: str
    relied_id: str
    relied_en: str
    note: str = ""
    position: int = 0


def check_link(url: str) -> str:
    """An address people are sent to: http or https with a host, nothing else (no javascript:,
    no data:, no file:)."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise RegulationError(_l("Enter a web address starting with https:// or http://."), "jdih_url")
    return url


def _slug(short_name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")[:56] or "peraturan"
    slug, n = base, 1
    while db.session.scalar(sa.select(Regulation.id).where(Regulation.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def save_regulation(regulation: Regulation | None, fields: RegulationFields, *, actor) -> Regulation:
    if fields.topic not in TOPICS:
        raise RegulationError(_l("Choose a topic."), "topic")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in asdict(fields).items()}
    values["jdih_url"] = check_link(values["jdih_url"])
    created = regulation is None
    if regulation is None:
        regulation = Regulation(slug=_slug(values["short_name"]))
        db.session.add(regulation)
    changed = {k: v for k, v in values.items() if getattr(regulation, k, None) != v}
    for name, value in values.items():
        setattr(regulation, name, value)
    db.session.flush()
    if created or changed:
        audit.record("regulation.created" if created else "regulation.changed", regulation, actor=actor,
                     data={"short_name": regulation.short_name, "changed": sorted(changed)})
    return regulation


def store_text(regulation: Regulation, filename: str, data: bytes, *, actor) -> str | None:
    """Keep `data` as the regulation's official text, if its content is a PDF (whatever its name
    says). Returns the key of the text it replaces, for the caller to delete after the commit."""
    try:
        clean = clean_upload(data, filename, MAX_TEXT_BYTES, area=AREA)
    except UploadError as exc:
        raise RegulationError(exc.message, "text") from None
    if clean.media_type != PDF:
        raise RegulationError(_l("The official text must be a PDF file."), "text")
    key = storage.new_key()
    try:
        storage.write(AREA, key, clean.data)
    except storage.StorageError:
        raise RegulationError(_l("The file could not be saved. Please try again later."), "text") from None
    storage.track(db.session, AREA, key)
    old_key = regulation.text_key
    name = (filename or "").replace("/", "_").replace("\\", "_").strip()[-200:] or f"{regulation.slug}.pdf"
    regulation.text_key, regulation.text_name, regulation.text_size = key, name, len(clean.data)
    regulation.text_sha256 = hashlib.sha256(clean.data).hexdigest()
    regulation.text_uploaded_at, regulation.text_uploaded_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("regulation.text_uploaded", regulation, actor=actor,
                 data={"short_name": regulation.short_name, "sha256": regulation.text_sha256,
                       "size": regulation.text_size, "replaced": old_key is not None})
    return old_key


def read_text(regulation: Regulation) -> bytes:
    return storage.read(AREA, regulation.text_key or "")


def save_article(item: RegulationArticle | None, regulation: Regulation, fields: ArticleFields, *,
                 actor) -> RegulationArticle:
    values = {k: v.strip() if isinstance(v, str) else v for k, v in asdict(fields).items()}
    created = item is None
    if item is None:
        item = RegulationArticle(regulation=regulation)
        db.session.add(item)
    changed = {k: v for k, v in values.items() if getattr(item, k, None) != v}
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    if created or changed:
        audit.record("regulation.article_created" if created else "regulation.article_changed", item, actor=actor,
                     data={"regulation": regulation.short_name, "label": item.label, "key": item.key,
                           "changed": sorted(changed)})
    return item


def set_verified(item: RegulationArticle, verified: bool, *, actor) -> bool:
    """Record that `actor` has (or has not, after all) checked the article against the official
    text. Checking needs a text to check against. Returns False when nothing changed."""
    if verified == item.verified:
        return False
    if verified and not item.regulation.readable:
        raise RegulationError(_l("Record the official text first (upload it or give its JDIH address): "
                                 "an article is checked against it."))
    item.verified = verified
    item.verified_by_id, item.verified_on = (actor.id, today()) if verified else (None, None)
    db.session.flush()
    audit.record("regulation.article_verified" if verified else "regulation.article_unverified", item, actor=actor,
                 data={"regulation": item.regulation.short_name, "label": item.label, "key": item.key})
    return True
