"""Files attached to a declaration: checked by content, stored outside static/, sealed with the
declaration's key (the file and its name): core/sealed_files.py, with the declaration's limits."""
from __future__ import annotations

from portal.coi.models import Attachment, Declaration
from portal.core.sealed_files import AttachmentError, SealedFiles

__all__ = ["AREA", "AttachmentError", "add", "read"]

AREA = "coi"
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
FILES = SealedFiles(AREA, Attachment, max_bytes=MAX_BYTES, max_files=MAX_FILES, field="attachment")


def add(declaration: Declaration, filename: str, data: bytes) -> Attachment:
    return FILES.add(declaration, filename, data)


def read(item: Attachment) -> bytes:
    return FILES.read(item)
