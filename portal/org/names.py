"""Matching a person's name inside free text (a report, a related party), ignoring titles."""
from __future__ import annotations

import re


def name_tokens(name: str) -> set[str]:
    # Academic and professional titles (dr., S.Kom, M.Pd) are not part of who someone is.
    words = re.findall(r"[^\s,]+", (name or "").lower())
    return {w for w in words if "." not in w and len(w) > 1}


def names_match(person: str, text: str) -> bool:
    """True when every word of the person's name (titles aside) appears in the text."""
    mine = name_tokens(person)
    return bool(mine) and mine <= name_tokens(text)
