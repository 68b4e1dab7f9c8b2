"""Files attached to a sealed record (a declaration, a gift report): checked by content (and by
ClamAV when it is configured), stored outside static/ under a random key, sealed with the owning
record's key (the file and its name). The owner has `.seal` and `.attachments`; the item model
has `media_type`, `size`, `storage_key`, a sealed `filename` and `.seal`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core import storage
from portal.core.errors import PortalError
from portal.core.uploads import UploadError, clean_upload
from portal.extensions import db


class AttachmentError(PortalError):
    pass


class SealedFiles:
    def __init__(self, area: str, model, *, max_bytes: int, max_files: int, field: str):
        self.area, self.model = area, model
        self.max_bytes, self.max_files, self.field = max_bytes, max_files, field

    def add(self, owner, filename: str, data: bytes):
        if len(owner.attachments) >= self.max_files:
            raise AttachmentError(_l("At most %(n)d attachments.", n=self.max_files), self.field)
        try:
            clean = clean_upload(data, filename, self.max_bytes, area=self.area)
        except UploadError as exc:
            raise AttachmentError(exc.message, self.field) from None
        key = storage.new_key()
        try:
            storage.write(self.area, key, owner.seal.file(key, clean.data))
        except storage.StorageError:
            raise AttachmentError(_l("The file could not be saved. Please try again later."), self.field) from None
        storage.track(db.session, self.area, key)
        name = (filename or f"lampiran.{clean.extension}").replace("/", "_").replace("\\", "_")[-120:]
        item = self.model(media_type=clean.media_type, size=len(clean.data), storage_key=key)
        owner.attachments.append(item)
        item.filename = name  # sealed with the owner's key and bound to the file's key
        db.session.flush()
        return item

    def read(self, item) -> bytes:
        """The file as it was uploaded (stored sealed with its owner's key)."""
        return item.seal.open_file(item.storage_key, storage.read(self.area, item.storage_key))
