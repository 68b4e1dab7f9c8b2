"""Documents and photos attached to a gratification report: checked by content (and by ClamAV when
it is configured), images stripped of their metadata, stored outside static/, sealed with the
report's key (the file and its name)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core import storage
from portal.core.errors import PortalError
from portal.core.uploads import UploadError, clean_upload
from portal.extensions import db
from portal.gratification.models import GiftAttachment, GiftReport

AREA = "gratification"
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 10


class AttachmentError(PortalError):
    def __init__(self, message, field: str = "attachments"):
        super().__init__(message, field)


def add(report: GiftReport, filename: str, data: bytes) -> GiftAttachment:
    if len(report.attachments) >= MAX_FILES:
        raise AttachmentError(_l("At most %(n)d attachments.", n=MAX_FILES))
    try:
        clean = clean_upload(data, filename, MAX_BYTES, area=AREA)
    except UploadError as exc:
        raise AttachmentError(exc.message) from None
    key = storage.new_key()
    try:
        storage.write(AREA, key, report.seal.file(key, clean.data))
    except storage.StorageError:
        raise AttachmentError(_l("The file could not be saved. Please try again later.")) from None
    storage.track(db.session, AREA, key)
    name = (filename or f"lampiran.{clean.extension}").replace("/", "_").replace("\\", "_")[-120:]
    item = GiftAttachment(media_type=clean.media_type, size=len(clean.data), storage_key=key)
    report.attachments.append(item)
    item.filename = name  # sealed with the report's key and bound to the file's key
    db.session.flush()
    return item


def read(item: GiftAttachment) -> bytes:
    """The file as it was uploaded (stored sealed with its report's key)."""
    return item.seal.open_file(item.storage_key, storage.read(AREA, item.storage_key))
