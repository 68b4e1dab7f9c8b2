"""A record's own data key, and the values sealed with it (envelope encryption, crypto.py).

A record that keeps secrets (a WBS report, a conflict-of-interest declaration) holds its data
key only wrapped by the newest master key, in a `wrapped_key` column. Everything written into
the record is sealed with that key; the record's context (the report's public id, the
declaration's id) and the field's name are the AES-GCM associated data, so a sealed value
cannot be moved to another field or another record, and a wrapped key not to another record.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from portal.core import crypto


class KeyDestroyed(Exception):
    """The record's key has been destroyed (crypto-shredding): its content no longer exists."""


class Seal:
    def __init__(self, holder, context: str):
        self.holder = holder      # anything with a `wrapped_key` attribute
        self.context = context    # says which record this is; bound into every ciphertext
        self._key: bytes | None = None

    def create_key(self) -> None:
        """Give the holder a new data key, wrapped under the newest master key."""
        self._key = crypto.new_data_key()
        self.holder.wrapped_key = crypto.wrap(self._key, self.context.encode())

    def destroyed(self) -> Exception:
        return KeyDestroyed(self.context)

    @property
    def key(self) -> bytes:
        if self._key is None:
            if self.holder.wrapped_key is None:
                raise self.destroyed()
            self._key = crypto.unwrap(self.holder.wrapped_key, self.context.encode())
        return self._key

    def rewrap(self) -> bool:
        """Wrap the data key again under the newest master key, if another one wrapped it; the
        sealed values are not touched. True when it changed."""
        if self.holder.wrapped_key is None or not crypto.needs_rewrap(self.holder.wrapped_key):
            return False
        self.holder.wrapped_key = crypto.wrap(self.key, self.context.encode())
        return True

    def _aad(self, field: str) -> bytes:
        return f"{self.context}:{field}".encode()

    def text(self, field: str, value: str) -> bytes:
        return crypto.encrypt_text(self.key, value, self._aad(field))

    def open_text(self, field: str, blob: bytes | None) -> str:
        return crypto.decrypt_text(self.key, blob, self._aad(field))

    def data(self, field: str, value: dict) -> bytes:
        return self.text(field, json.dumps(value, ensure_ascii=False))

    def open_data(self, field: str, blob: bytes | None) -> dict:
        return json.loads(self.open_text(field, blob)) if blob else {}

    def file(self, storage_key: str, data: bytes) -> bytes:
        return crypto.encrypt(self.key, data, self._aad("file:" + storage_key))

    def open_file(self, storage_key: str, blob: bytes) -> bytes:
        return crypto.decrypt(self.key, blob, self._aad("file:" + storage_key))


class SealedText:
    """A model attribute whose value is stored sealed in the column `<name>_sealed`: reading it
    opens the value, assigning seals it ("" is stored as NULL and read back as ""). The owner
    gives the Seal through its `seal` attribute; `field` names the value in the associated data
    (by default the attribute's name; a function of the row to bind more, a storage key say).

    Reading the plain attribute is the only way the rest of the code sees the text, so a page,
    an export or a service that forgets to decrypt cannot exist; SQL cannot filter on it.
    """

    def __init__(self, field: str | Callable[[Any], str] | None = None):
        self._field = field

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        self.column = f"{name}_sealed"

    def field(self, obj) -> str:
        if self._field is None:
            return self.name
        return self._field if isinstance(self._field, str) else self._field(obj)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        blob = getattr(obj, self.column)
        return "" if blob is None else obj.seal.open_text(self.field(obj), blob)

    def __set__(self, obj, value: str | None) -> None:
        setattr(obj, self.column, self.sealed(obj, value))

    def sealed(self, obj, value: str | None) -> bytes | None:
        """The stored form of `value` for `obj`: for an UPDATE statement that sets the column."""
        return obj.seal.text(self.field(obj), value) if value else None
