"""Who gave: a keyed digest of the giver, so that gifts from one giver to several OPDs can be
counted although every giver's name and institution is sealed under its own report's key.

`gratification_report.giver_digest` is HMAC-SHA256, under a key derived from the newest master key
(crypto.blind_index_key), of the normalised giver institution, or of the giver's name when no
institution is given. It reveals only which reports name the same (normalised) giver, and only to
whoever holds the master keys can a guess ("pt minang farma") be tested against it: a plain hash
of a company name could be reversed from any list of local companies. See docs/security.md,
"The giver's digest".
"""
from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from portal.core import crypto
from portal.extensions import db
from portal.gratification.models import GiftReport, GiverRelation

PURPOSE = "gratification.giver"
# Indonesian legal forms of a business, dropped at either end of an institution's name: reporters
# write one company as "PT Minang Farma", "Minang Farma, PT" or "P.T. Minang Farma Tbk", and the
# form is not what tells two givers apart (a PT's name is unique among PTs anyway, and a CV and a
# PT of the very same name are rare enough to be read by the UPG, which sees the reports).
LEGAL_FORMS = frozenset({"pt", "cv", "ud", "pd", "fa", "firma", "tbk", "persero", "perum", "perumda"})
# What a reporter writes when they do not know who gave: many reports would otherwise share the
# digest of "tidak diketahui" and look like one giver in every OPD.
UNKNOWN = frozenset({"", "tidak diketahui", "tidak tahu", "tidak dikenal", "tanpa nama", "anonim", "anonymous",
                     "unknown", "hamba allah", "nn", "n a", "none", "tidak ada"})
_JOINERS = re.compile(r"[.'’`]")  # "P.T." and "Ma'ruf" are one word, not two
_SEPARATORS = re.compile(r"[^\w]+|_")


def normalise(text: str) -> str:
    """Casefolded, compatibility-normalised, without punctuation, whitespace collapsed, and
    without a legal form at either end: "PT. Minang  Farma" and "minang farma, pt" both give
    "minang farma"."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    words = _SEPARATORS.sub(" ", _JOINERS.sub("", text)).split()
    core = list(words)
    while core and core[0] in LEGAL_FORMS:
        core.pop(0)
    while core and core[-1] in LEGAL_FORMS:
        core.pop()
    return " ".join(core or words)  # a name that is nothing but a legal form stays itself


def giver_text(name: str, institution: str, relation: GiverRelation | None) -> str:
    """What identifies the giver for the digest: the institution, else the name; "" when unknown."""
    if relation == GiverRelation.UNKNOWN:
        return ""
    for value in (institution, name):
        normal = normalise(value)
        if normal not in UNKNOWN:
            return normal
    return ""


def digest(name: str, institution: str, relation: GiverRelation | None, *, key: bytes | None = None) -> str | None:
    text = giver_text(name, institution, relation)
    if not text:
        return None
    return crypto.blind_index(key or crypto.blind_index_key(PURPOSE), text)


def set_digest(report: GiftReport, *, key: bytes | None = None) -> None:
    """Give the report the digest of its giver as it stands now (called whenever it is saved)."""
    report.giver_digest = digest(report.giver_name, report.giver_institution, report.giver_relation, key=key)


def recompute_all() -> int:
    """Every report's digest under the newest master key (part of `flask rotate-keys`, which also
    gives reports saved before the digest existed theirs). Returns how many changed."""
    key = crypto.blind_index_key(PURPOSE)
    changed = 0
    for report in db.session.scalars(sa.select(GiftReport).where(GiftReport.wrapped_key.is_not(None))
                                     .options(lazyload("*"))):
        before = report.giver_digest
        set_digest(report, key=key)
        changed += report.giver_digest != before
    db.session.flush()
    return changed
