"""A report's states and the moves allowed between them (Indonesian Inspectorate practice:
verification, review, investigative audit, recommendation, follow-up; wbs.md §3.3)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class Status(LabelledEnum):
    RECEIVED = "diterima", _l("Received")
    VERIFICATION = "verifikasi", _l("Verification")
    REVIEW = "telaah", _l("Review")
    INVESTIGATIVE_AUDIT = "audit_investigatif", _l("Investigative audit")
    RECOMMENDATION = "rekomendasi", _l("Recommendation")
    FOLLOW_UP = "tindak_lanjut", _l("Follow-up")
    CLOSED_PROVEN = "selesai_terbukti", _l("Closed: substantiated")
    CLOSED_NOT_PROVEN = "selesai_tidak_terbukti", _l("Closed: not substantiated")
    REJECTED = "ditolak", _l("Rejected")
    NOT_COMPETENT = "bukan_wewenang", _l("Outside our competence (referred)")

    @property
    def closed(self) -> bool:
        return self in CLOSED


CLOSED = {Status.CLOSED_PROVEN, Status.CLOSED_NOT_PROVEN, Status.REJECTED, Status.NOT_COMPETENT}

_EXITS = {Status.REJECTED, Status.NOT_COMPETENT}
TRANSITIONS: dict[Status, set[Status]] = {
    Status.RECEIVED: {Status.VERIFICATION} | _EXITS,
    Status.VERIFICATION: {Status.REVIEW} | _EXITS,
    Status.REVIEW: {Status.INVESTIGATIVE_AUDIT, Status.RECOMMENDATION, Status.CLOSED_NOT_PROVEN} | _EXITS,
    Status.INVESTIGATIVE_AUDIT: {Status.RECOMMENDATION, Status.CLOSED_NOT_PROVEN},
    Status.RECOMMENDATION: {Status.FOLLOW_UP, Status.CLOSED_PROVEN, Status.CLOSED_NOT_PROVEN},
    Status.FOLLOW_UP: {Status.CLOSED_PROVEN},
    Status.CLOSED_PROVEN: set(),
    Status.CLOSED_NOT_PROVEN: set(),
    Status.REJECTED: set(),
    Status.NOT_COMPETENT: set(),
}


class Referral(LabelledEnum):
    KPK = "kpk", _l("KPK (Corruption Eradication Commission)")
    KEJAKSAAN = "kejaksaan", _l("Public prosecutor (Kejaksaan)")
    POLRI = "polri", _l("Police (Polri)")
    LAPOR = "sp4n_lapor", _l("SP4N-LAPOR! (public-service complaints)")
    OTHER = "other", _l("Another agency")


def allowed(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def next_statuses(current: Status) -> list[Status]:
    return [s for s in Status if s in TRANSITIONS[current]]
