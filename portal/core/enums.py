"""Enums whose members carry their label: one definition per member, not a value and a dict.

    class Status(LabelledEnum):
        DRAFT = "draft", _l("Draft")

`Status("draft")` and `Status.DRAFT.value == "draft"` work as with a plain Enum (the database
stores the value); `Status.DRAFT.label` is the translated label.
"""
from __future__ import annotations

import enum


class LabelledEnum(enum.Enum):
    def __new__(cls, value: str, label):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member
