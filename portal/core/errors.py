"""The one shape of a rule saying no.

Services raise a subclass named after their area (CoiError, WbsError...) with a message for
the person (a lazy or translated string) and, when the refusal concerns one form field, that
field's name, so the view can show it beside what the person typed.
"""
from __future__ import annotations


class PortalError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
