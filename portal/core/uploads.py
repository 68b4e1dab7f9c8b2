"""Uploaded files: the type is decided by the content, not the name; images lose their metadata."""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core import clamav
from portal.core.errors import PortalError

# What a report's evidence may be: documents, images, audio, plain text.
ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/wav": "wav",
    "audio/amr": "amr",
    "text/plain": "txt",
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
log = logging.getLogger(__name__)


class UploadError(PortalError):
    pass


@dataclass
class CleanFile:
    data: bytes
    media_type: str
    extension: str
    metadata_removed: bool


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    head = data[:512].lstrip().lower()
    # HTML or SVG named .txt would render as a page in some viewers: refuse it.
    return not (head.startswith(b"<") or b"<script" in data[:4096].lower())


def sniff(data: bytes, filename: str) -> tuple[str, str]:
    kind = filetype.guess(data)
    if kind is not None and kind.mime in ALLOWED:
        return kind.mime, ALLOWED[kind.mime]
    if kind is None and filename.lower().endswith(".txt") and _looks_like_text(data):
        return "text/plain", "txt"
    raise UploadError(_l("This kind of file is not accepted. Send PDF, images (JPG, PNG), office documents, "
                         "audio or plain text."))


def strip_image_metadata(data: bytes, media_type: str) -> bytes:
    """Re-encode the pixels only: EXIF (camera, GPS, time) and other metadata are dropped."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            fmt = IMAGE_FORMATS[media_type]
            if fmt == "JPEG":
                img = ImageOps.exif_transpose(img)  # keep the orientation the camera recorded
            clean = Image.frombytes(img.mode, img.size, img.tobytes())  # pixels only
            if img.mode == "P" and img.getpalette():
                clean.putpalette(img.getpalette())
            out = io.BytesIO()
            clean.save(out, format=fmt, **({"quality": 92} if fmt == "JPEG" else {}))
            return out.getvalue()
    except Exception:
        raise UploadError(_l("The image could not be read. Send it again or as a PDF.")) from None


def scan(data: bytes, area: str) -> None:
    """Refuse `data` if the configured ClamAV daemon finds malware in it, or if it is configured
    and cannot say (fail closed). Without CLAMD_SOCKET/CLAMD_ADDRESS this does nothing.

    The log line names the area, the signature and the size only: never the file's name, the
    user or the request, so a refused WBS upload says nothing about its reporter.
    """
    config = current_app.config
    if clamav.target(config) is None:
        return
    try:
        found = clamav.scan(config, data)
    except clamav.ScanTooLarge as exc:
        log.error("upload refused (%s): too large for the virus scanner; raise clamd's StreamMaxLength (%s)",
                  area, exc)
        raise UploadError(_l("This file is too large to be checked for viruses. Send a smaller file.")) from None
    except clamav.ScanUnavailable as exc:
        log.error("upload refused (%s): the virus scanner did not answer (%s)", area, exc)
        raise UploadError(_l("Files cannot be checked for viruses right now, so this one was not accepted. "
                             "Please try again later.")) from None
    if found is not None:
        log.warning("upload refused (%s): the virus scanner found %s (%d bytes)", area, found[:100], len(data))
        raise UploadError(_l("The virus scanner found harmful content in this file, so it was not accepted."))


def clean_upload(data: bytes, filename: str, max_bytes: int, *, area: str = "upload") -> CleanFile:
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(_l("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    # Before anything reads the content (the type sniffing, Pillow), and on what the user sent.
    scan(data, area)
    media_type, extension = sniff(data, filename)
    if media_type in IMAGE_FORMATS:
        return CleanFile(strip_image_metadata(data, media_type), media_type, extension, True)
    return CleanFile(data, media_type, extension, False)
