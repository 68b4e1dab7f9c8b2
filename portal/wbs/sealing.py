"""A report's own key: everything written into a report is sealed with it.

The field name and the case's public id are bound into each ciphertext (AES-GCM
associated data), so a sealed value cannot be moved to another field or another report.
"""
from __future__ import annotations

import json

from portal.core import crypto


class ShreddedError(Exception):
    """The report's key has been destroyed; its content no longer exists."""


class Seal:
    def __init__(self, report):
        self.report = report
        self._key: bytes | None = None

    @classmethod
    def new(cls, report) -> Seal:
        seal = cls(report)
        seal._key = crypto.new_data_key()
        report.wrapped_key = crypto.wrap(seal._key, report.public_id.encode())
        return seal

    @property
    def key(self) -> bytes:
        if self._key is None:
            if self.report.wrapped_key is None:
                raise ShreddedError(self.report.public_id)
            self._key = crypto.unwrap(self.report.wrapped_key, self.report.public_id.encode())
        return self._key

    def _aad(self, field: str) -> bytes:
        return f"{self.report.public_id}:{field}".encode()

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
