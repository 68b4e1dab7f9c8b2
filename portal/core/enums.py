"""Enums whose members carry their label: one definition per member, not a value and a dict.

    class Status(LabelledEnum):
        DRAFT = "draft", _l("Draft")

`Status("draft")` and `Status.DRAFT.value == "draft"` work as with a plain Enum (the database
stores the value); `Status.DRAFT.label` is the translated label.
"""
from __future__ import annotations

import enum
from typing import Any


class LabelledEnum(enum.Enum):
    label: Any  # a lazy string; set for each member from its definition

    def __new__(cls, value: str, label: Any = None):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member
