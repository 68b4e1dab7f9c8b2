"""LIKE patterns from what people type: % and _ are matched literally, not as wildcards."""
from __future__ import annotations

ESCAPE = "\\"


def _escape(text: str) -> str:
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(text: str) -> str:
    return f"%{_escape(text)}%"


def starts_with(text: str) -> str:
    return f"{_escape(text)}%"
