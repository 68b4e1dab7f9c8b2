"""Files attached to a declaration: checked by content, stored outside static/, sealed with the
declaration's key (the file and its name)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.coi.models import Attachment, Declaration
from portal.core import storage
from portal.core.errors import PortalError
from portal.core.uploads import UploadError, clean_upload
from portal.extensions import db

AREA = "coi"
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5


class AttachmentError(PortalError):
    def __init__(self, message, field: str = "attachment"):
        super().__init__(message, field)


def add(declaration: Declaration, filename: str, data: bytes) -> Attachment:
    if len(declaration.attachments) >= MAX_FILES:
        raise AttachmentError(_l("At most %(n)d attachments.", n=MAX_FILES))
    try:
        clean = clean_upload(data, filename, MAX_BYTES, area=AREA)
    except UploadError as exc:
        raise AttachmentError(exc.message) from None
    key = storage.new_key()
    try:
        storage.write(AREA, key, declaration.seal.file(key, clean.data))
    except storage.StorageError:
        raise AttachmentError(_l("The file could not be saved. Please try again later.")) from None
    storage.track(db.session, AREA, key)
    name = (filename or f"lampiran.{clean.extension}").replace("/", "_").replace("\\", "_")[-120:]
    item = Attachment(media_type=clean.media_type, size=len(clean.data), storage_key=key)
    declaration.attachments.append(item)
    item.filename = name  # sealed with the declaration's key and bound to the file's key
    db.session.flush()
    return item


def read(item: Attachment) -> bytes:
    """The file as it was uploaded (stored sealed with its declaration's key)."""
    return item.seal.open_file(item.storage_key, storage.read(AREA, item.storage_key))
