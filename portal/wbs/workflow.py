"""A report's states and the moves allowed between them (Indonesian Inspectorate practice:
verification, review, investigative audit, recommendation, follow-up; wbs.md §3.3)."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Status(enum.Enum):
    RECEIVED = "diterima"
    VERIFICATION = "verifikasi"
    REVIEW = "telaah"
    INVESTIGATIVE_AUDIT = "audit_investigatif"
    RECOMMENDATION = "rekomendasi"
    FOLLOW_UP = "tindak_lanjut"
    CLOSED_PROVEN = "selesai_terbukti"
    CLOSED_NOT_PROVEN = "selesai_tidak_terbukti"
    REJECTED = "ditolak"
    NOT_COMPETENT = "bukan_wewenang"

    @property
    def label(self):
        return STATUS_LABELS[self]

    @property
    def closed(self) -> bool:
        return self in CLOSED


STATUS_LABELS = {
    Status.RECEIVED: _l("Received"),
    Status.VERIFICATION: _l("Verification"),
    Status.REVIEW: _l("Review"),
    Status.INVESTIGATIVE_AUDIT: _l("Investigative audit"),
    Status.RECOMMENDATION: _l("Recommendation"),
    Status.FOLLOW_UP: _l("Follow-up"),
    Status.CLOSED_PROVEN: _l("Closed: substantiated"),
    Status.CLOSED_NOT_PROVEN: _l("Closed: not substantiated"),
    Status.REJECTED: _l("Rejected"),
    Status.NOT_COMPETENT: _l("Outside our competence (referred)"),
}

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


class Referral(enum.Enum):
    KPK = "kpk"
    KEJAKSAAN = "kejaksaan"
    POLRI = "polri"
    LAPOR = "sp4n_lapor"
    OTHER = "other"

    @property
    def label(self):
        return REFERRAL_LABELS[self]


REFERRAL_LABELS = {
    Referral.KPK: _l("KPK (Corruption Eradication Commission)"),
    Referral.KEJAKSAAN: _l("Public prosecutor (Kejaksaan)"),
    Referral.POLRI: _l("Police (Polri)"),
    Referral.LAPOR: _l("SP4N-LAPOR! (public-service complaints)"),
    Referral.OTHER: _l("Another agency"),
}


def allowed(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def next_statuses(current: Status) -> list[Status]:
    return [s for s in Status if s in TRANSITIONS[current]]
