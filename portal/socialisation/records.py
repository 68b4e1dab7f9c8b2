"""What a session leaves behind besides the attendance list: its minutes (notula) and photos.

Like services.py, functions raise SessionError and leave the commit to the caller.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core import audit, storage, uploads
from portal.core.clock import utcnow
from portal.extensions import db
from portal.socialisation.models import Photo, SocialisationSession
from portal.socialisation.services import SessionError

PHOTO_AREA = "session-photos"
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def save_minutes(session: SocialisationSession, text: str, *, actor) -> None:
    session.minutes = text.strip()
    session.minutes_updated_at = utcnow()
    audit.record("session.minutes_saved", session, actor=actor, data={"length": len(session.minutes)})


def add_photo(session: SocialisationSession, data: bytes, filename: str, caption: str, *, actor) -> Photo:
    try:
        clean = uploads.clean_upload(data, filename, PHOTO_MAX_BYTES, area=PHOTO_AREA)
    except uploads.UploadError as exc:
        raise SessionError(exc.message, "photo") from None  # shown next to the photo field
    if clean.media_type not in PHOTO_TYPES:
        raise SessionError(_l("Send a photo as JPG, PNG or WebP."), "photo")
    key = storage.new_key()
    try:
        storage.write(PHOTO_AREA, key, clean.data)
    except storage.StorageError:
        raise SessionError(_l("The file could not be saved. Please try again later."), "photo") from None
    storage.track(db.session, PHOTO_AREA, key)
    photo = Photo(session=session, caption=caption.strip(), media_type=clean.media_type, size=len(clean.data),
                  storage_key=key, uploaded_by_id=actor.id)
    db.session.add(photo)
    db.session.flush()
    audit.record("session.photo_added", session, actor=actor, data={"photo_id": photo.id})
    return photo


def delete_photo(photo: Photo, *, actor) -> str:
    """Delete the row; the caller removes the returned file key once the commit succeeded."""
    audit.record("session.photo_deleted", photo.session, actor=actor, data={"photo_id": photo.id})
    db.session.delete(photo)
    return photo.storage_key
