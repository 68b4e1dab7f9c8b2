"""Names of the files and folders in a unit's evidence ZIP: each stays where it is put and is
unique in its folder, whatever a unit called its upload."""
from __future__ import annotations

import re
import unicodedata

# Names Windows refuses for a file whatever its extension: an archive holding one cannot be unpacked there.
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
NAME_LIMIT = 100


def safe_name(raw: str, fallback: str = "berkas") -> str:
    """A file or folder name that stays where it is put: no folder part, no leading dot, no
    characters a file system refuses, no Windows device name, at most NAME_LIMIT characters."""
    name = unicodedata.normalize("NFKC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch if ch.isalnum() or ch in "._-() " else "_" for ch in name)
    name = re.sub(r"_{2,}", "_", re.sub(r"\s+", " ", name)).strip(" ._")
    name = name or fallback
    if name.split(".", 1)[0].strip().upper() in RESERVED:
        name = "_" + name
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        ext = dot + ext if stem and len(ext) <= 10 else ""
        name = name[:NAME_LIMIT - len(ext)].rstrip(" .") + ext
    return name


def unique(name: str, taken: set[str]) -> str:
    """`name`, or "name (2).ext" ... when the folder already holds it (compared without case, as
    Windows and macOS do)."""
    stem, dot, ext = name.rpartition(".")
    if not stem:
        stem, dot, ext = name, "", ""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    taken.add(candidate.lower())
    return candidate
