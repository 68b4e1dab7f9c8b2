"""Documents and photos attached to a gratification report: checked by content (and by ClamAV when
it is configured), images stripped of their metadata, stored outside static/, sealed with the
report's key (the file and its name): core/sealed_files.py, with the report's limits."""
from __future__ import annotations

from portal.core.sealed_files import AttachmentError, SealedFiles
from portal.gratification.models import GiftAttachment, GiftReport

__all__ = ["AREA", "AttachmentError", "add", "read"]

AREA = "gratification"
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 10
FILES = SealedFiles(AREA, GiftAttachment, max_bytes=MAX_BYTES, max_files=MAX_FILES, field="attachments")


def add(report: GiftReport, filename: str, data: bytes) -> GiftAttachment:
    return FILES.add(report, filename, data)


def read(item: GiftAttachment) -> bytes:
    return FILES.read(item)
