"""A report's own key: everything written into a report is sealed with it.

The field name and the case's public id are bound into each ciphertext (AES-GCM
associated data), so a sealed value cannot be moved to another field or another report.
The mechanism is the shared one (portal/core/sealing.py); a report's context is its public id.
"""
from __future__ import annotations

from portal.core import sealing


class ShreddedError(sealing.KeyDestroyed):
    """The report's key has been destroyed; its content no longer exists."""


class Seal(sealing.Seal):
    def __init__(self, report):
        super().__init__(report, report.public_id)

    @property
    def report(self):
        return self.holder

    @classmethod
    def new(cls, report) -> Seal:
        seal = cls(report)
        seal.create_key()
        return seal

    def destroyed(self) -> Exception:
        return ShreddedError(self.report.public_id)
