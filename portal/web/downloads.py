"""Files people uploaded, handed back: as a download with the sandbox policy, so that an HTML or
SVG file a browser decided to display could run nothing in the portal's origin."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Response, abort, send_file

SANDBOX = "sandbox; default-src 'none'"


def uploaded_file(data: bytes, *, media_type: str, filename: str | None = None,
                  as_attachment: bool = True) -> Response:
    response = send_file(io.BytesIO(data), mimetype=media_type, as_attachment=as_attachment,
                         download_name=filename)
    response.headers["Content-Security-Policy"] = SANDBOX
    return response


def attachment_among(attachments: Iterable[Any], attachment_id: int, read: Callable[[Any], bytes]) -> Response:
    """One of a record's attachments (the record already checked for the reader), opened by `read`;
    404 for an id that is not among them."""
    item = next((a for a in attachments if a.id == attachment_id), None)
    if item is None:
        abort(404)
    return uploaded_file(read(item), media_type=item.media_type, filename=item.filename)
