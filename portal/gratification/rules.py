"""The categories of gratification that need not be reported (Perkom 2/2019 Pasal 2 ayat (3), as
amended by Perkom 1/2026), as dated, sourced and editable data.

Each row is one version of a category: its thresholds hold from valid_from to valid_to, so a gift
is judged by the version in force on the day it was received. The seed
(portal/content/gratification_rules.json) ships both versions as the reference notes give them;
what those notes mark unverified ships unverified, and the setup checklist stays open until an
administrator has checked every rule in force against the official text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import audit
from portal.core.contributions import SetupStatus
from portal.core.errors import PortalError
from portal.core.workdays import add_workdays, today
from portal.extensions import db
from portal.gratification.check import Answers, Basis, Giver, ObjectKind, Occasion, Result, RuleData, evaluate

SEED = Path(__file__).resolve().parent.parent / "content" / "gratification_rules.json"
RULES_PAGE = "gratification_check.rules_index"
CODE_PATTERN = re.compile(r"^[A-Z0-9_]{2,40}$")


class GratificationRule(db.Model):
    """One version of a category that need not be reported. Versions are retired (valid_to),
    never deleted, so a check of an old gift still finds the rule of its day."""

    __tablename__ = "gratification_rule"
    __table_args__ = (sa.UniqueConstraint("code", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    label_id: Mapped[str] = mapped_column(sa.Text)
    label_en: Mapped[str] = mapped_column(sa.Text)
    condition_id: Mapped[str] = mapped_column(sa.Text, default="")
    condition_en: Mapped[str] = mapped_column(sa.Text, default="")
    occasion: Mapped[str | None] = mapped_column(sa.String(40))  # check.Occasion value; None: any
    giver: Mapped[str | None] = mapped_column(sa.String(40))  # check.Giver value; None: any
    object_kinds: Mapped[str] = mapped_column(sa.String(200), default="")  # check.ObjectKind values, comma-separated
    requires_general: Mapped[bool] = mapped_column(default=False)
    allows_duty_related: Mapped[bool] = mapped_column(default=False)
    threshold: Mapped[int | None] = mapped_column(sa.BigInteger)  # rupiah
    basis: Mapped[str | None] = mapped_column(sa.String(20))  # check.Basis value
    yearly_cap: Mapped[int | None] = mapped_column(sa.BigInteger)  # rupiah per year from the same giver
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    source: Mapped[str] = mapped_column(sa.Text, default="")
    source_url: Mapped[str] = mapped_column(sa.String(500), default="")
    verified: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_id

    def data(self) -> RuleData:
        return RuleData(code=self.code, label_id=self.label_id, label_en=self.label_en,
                        condition_id=self.condition_id, condition_en=self.condition_en, occasion=self.occasion,
                        giver=self.giver, object_kinds=split_kinds(self.object_kinds),
                        requires_general=self.requires_general, allows_duty_related=self.allows_duty_related,
                        threshold=self.threshold, basis=self.basis, yearly_cap=self.yearly_cap,
                        valid_from=self.valid_from, valid_to=self.valid_to, source=self.source,
                        source_url=self.source_url, verified=self.verified)


class RuleError(PortalError):
    pass


def split_kinds(value: str) -> tuple[str, ...]:
    return tuple(k for k in (value or "").split(",") if k)


# --- reading -----------------------------------------------------------------------------

def all_rules() -> list[GratificationRule]:
    return list(db.session.scalars(sa.select(GratificationRule).order_by(
        GratificationRule.position, GratificationRule.code, GratificationRule.valid_from.is_(None).desc(),
        GratificationRule.valid_from)))


def rules_on(day: date) -> list[RuleData]:
    """The rules in force on `day`, as the evaluation reads them."""
    return [r.data() for r in all_rules() if r.in_force(day)]


def seed_data(path: Path = SEED) -> list[dict]:
    """The seed's entries, dates parsed."""
    entries = json.loads(path.read_text(encoding="utf-8"))["rules"]
    for entry in entries:
        for key in ("valid_from", "valid_to"):
            entry[key] = date.fromisoformat(entry[key]) if entry.get(key) else None
    return entries


def seed_rules(path: Path = SEED) -> list[RuleData]:
    """The seed as plain rules, without a database (the evaluation's unit tests use it)."""
    fields = set(RuleData.__dataclass_fields__)
    return [RuleData(**{k: (tuple(v) if k == "object_kinds" else v) for k, v in e.items() if k in fields})
            for e in seed_data(path)]


def load_rules(path: Path = SEED) -> int:
    """Add the seed's rules that are not there yet (by code and valid_from); edits are kept."""
    created = 0
    for position, entry in enumerate(seed_data(path), start=1):
        exists = db.session.scalar(sa.select(GratificationRule).where(
            GratificationRule.code == entry["code"], _same_start(entry["valid_from"])))
        if exists is None:
            db.session.add(GratificationRule(
                code=entry["code"], label_id=entry["label_id"], label_en=entry["label_en"],
                condition_id=entry.get("condition_id", ""), condition_en=entry.get("condition_en", ""),
                occasion=entry.get("occasion"), giver=entry.get("giver"),
                object_kinds=",".join(entry.get("object_kinds", [])),
                requires_general=entry.get("requires_general", False),
                allows_duty_related=entry.get("allows_duty_related", False),
                threshold=entry.get("threshold"), basis=entry.get("basis"), yearly_cap=entry.get("yearly_cap"),
                valid_from=entry["valid_from"], valid_to=entry["valid_to"], source=entry.get("source", ""),
                source_url=entry.get("source_url", ""), verified=entry.get("verified", False),
                position=position * 10))
            created += 1
    db.session.flush()
    return created


def _same_start(day: date | None):
    return GratificationRule.valid_from.is_(None) if day is None else GratificationRule.valid_from == day


# --- editing -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleFields:
    code: str
    label_id: str
    label_en: str
    condition_id: str = ""
    condition_en: str = ""
    occasion: str | None = None
    giver: str | None = None
    object_kinds: tuple[str, ...] = ()
    requires_general: bool = False
    allows_duty_related: bool = False
    threshold: int | None = None
    basis: str | None = None
    yearly_cap: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""
    source_url: str = ""
    verified: bool = False
    position: int = 100


def save_rule(rule: GratificationRule | None, fields: RuleFields, *, actor) -> GratificationRule:
    """Create or change a rule version after checking it; raises RuleError(message, field)."""
    code = fields.code.strip().upper()
    _validate(rule, fields, code)
    created = rule is None
    if created:
        rule = GratificationRule()
        db.session.add(rule)
    rule.code, rule.label_id, rule.label_en = code, fields.label_id.strip(), fields.label_en.strip()
    rule.condition_id, rule.condition_en = fields.condition_id.strip(), fields.condition_en.strip()
    rule.occasion, rule.giver = fields.occasion or None, fields.giver or None
    rule.object_kinds = ",".join(k for k in (o.value for o in ObjectKind) if k in fields.object_kinds)
    rule.requires_general, rule.allows_duty_related = fields.requires_general, fields.allows_duty_related
    rule.threshold, rule.yearly_cap = fields.threshold, fields.yearly_cap
    rule.basis = (fields.basis or None) if fields.threshold is not None or fields.yearly_cap is not None else None
    rule.valid_from, rule.valid_to = fields.valid_from, fields.valid_to
    rule.source, rule.source_url = fields.source.strip(), fields.source_url.strip()
    rule.verified, rule.position = fields.verified, fields.position
    db.session.flush()
    audit.record("gratification.rule_created" if created else "gratification.rule_updated", rule, actor=actor,
                 data={"code": code, "threshold": rule.threshold, "basis": rule.basis, "yearly_cap": rule.yearly_cap,
                       "valid_from": rule.valid_from, "valid_to": rule.valid_to, "verified": rule.verified})
    return rule


def _validate(rule: GratificationRule | None, fields: RuleFields, code: str) -> None:
    if not CODE_PATTERN.match(code):
        raise RuleError(_l("Use 2 to 40 capital letters, digits or underscores."), "code")
    if fields.occasion and fields.occasion not in {o.value for o in Occasion}:
        raise RuleError(_l("Choose an occasion from the list."), "occasion")
    if fields.giver and fields.giver not in {g.value for g in Giver}:
        raise RuleError(_l("Choose a giver from the list."), "giver")
    if fields.threshold is not None and not fields.basis:
        raise RuleError(_l("Say whether the threshold counts per giver or per gift per person."), "basis")
    if fields.basis and fields.basis not in {b.value for b in Basis}:
        raise RuleError(_l("Choose how the threshold counts."), "basis")
    if fields.yearly_cap is not None and fields.threshold is not None and fields.yearly_cap < fields.threshold:
        raise RuleError(_l("The yearly cap cannot be below the threshold of one gift."), "yearly_cap")
    if fields.valid_from and fields.valid_to and fields.valid_to < fields.valid_from:
        raise RuleError(_l("The end of validity is before its start."), "valid_to")
    if fields.source_url.strip() and not re.match(r"^https?://\S+$", fields.source_url.strip()):
        raise RuleError(_l("Enter an address starting with http:// or https://."), "source_url")
    for other in db.session.scalars(sa.select(GratificationRule).where(GratificationRule.code == code)):
        if other is not rule and _overlap(other, fields.valid_from, fields.valid_to):
            raise RuleError(_l("Another version of this category is in force in the same period. End it first, "
                               "or choose dates that do not overlap."), "valid_from")


def _overlap(other: GratificationRule, start: date | None, end: date | None) -> bool:
    return ((other.valid_to is None or start is None or start <= other.valid_to)
            and (end is None or other.valid_from is None or other.valid_from <= end))


# --- the setup checklist -----------------------------------------------------------------

def setup_status() -> SetupStatus:
    """Done once every rule in force today has been checked against the official text."""
    in_force = [r for r in all_rules() if r.in_force(today())]
    unverified = [r for r in in_force if not r.verified]
    current = _("%(verified)d of %(total)d rules in force checked against the official text.",
                verified=len(in_force) - len(unverified), total=len(in_force))
    if not in_force:
        return SetupStatus(False, _("Load the default rules (flask seed) or add the categories in force."),
                           RULES_PAGE, current=current)
    return SetupStatus(not unverified, _(
        "Check these rules against the official text of the KPK regulation and mark them verified: %(codes)s.",
        codes=", ".join(sorted({r.code for r in unverified}))), RULES_PAGE, current=current)


# --- the check ---------------------------------------------------------------------------

def assess(answers: Answers) -> Result:
    """The check's outcome under the rules in force on the day the gift was received, with the
    KPK deadline counted in working days (holidays and cuti bersama included)."""
    return evaluate(answers, rules_on(answers.received_on), deadline=add_workdays)
