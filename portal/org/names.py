"""Matching a person's name inside free text (a report, a related party), ignoring titles."""
from __future__ import annotations

import re

ABBREVIATED_TITLES = {"dr", "drs", "dra", "drg", "ir", "h", "hj", "prof", "st", "ns", "apt"}


def name_tokens(name: str) -> set[str]:
    """The words of a name, without titles: "dr.", "Ir." and degrees such as "S.Kom" or "M.Pd"
    are not part of who someone is; a full stop ending a sentence is not part of a word."""
    tokens = set()
    for word in re.findall(r"[^\s,;:()]+", (name or "").lower()):
        bare = word.rstrip(".!?\"'")
        if not bare or "." in bare or (word.endswith(".") and bare in ABBREVIATED_TITLES):
            continue
        if len(bare) > 1:
            tokens.add(bare)
    return tokens


def names_match(person: str, text: str) -> bool:
    """True when every word of the person's name (titles aside) appears in the text."""
    mine = name_tokens(person)
    return bool(mine) and mine <= name_tokens(text)
