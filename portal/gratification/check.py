"""The guided check "Do I have to report this?": the answers' vocabulary and the evaluation.

`evaluate` is pure: it takes the answers, the rules in force on the day the gift was received
(plain `RuleData`, see rules.py) and a function that computes the deadline, and decides one of
three outcomes. It never clears a gift on its value alone: an exemption needs a category whose
conditions the answers meet (not related to one's duty unless the category allows it, a giver
with no business with one's unit, "applies to everyone" where the category says so) and only
then the value within the category's threshold. Money from a party with business with the
unit is always to be reported (and refused). Uncertain answers send the employee to the UPG.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum

# UU 31/1999 jo. UU 20/2001 (UU Tipikor) Pasal 12C ayat (2): the report reaches KPK at the latest
# 30 working days from the day the gratification was received.
REPORT_WORKDAYS = 30


class ObjectKind(LabelledEnum):
    MONEY = "money", _l("Money or a cash equivalent (cash, transfer, cheque, shopping voucher, e-wallet balance)")
    GOODS = "goods", _l("Goods")
    FOOD = "food", _l("Food or drink")
    FACILITY = "facility", _l("A ticket, lodging, a facility or a service")
    FLOWERS = "flowers", _l("A flower arrangement (karangan bunga)")
    OTHER = "other", _l("Something else")


class Giver(LabelledEnum):
    FAMILY = "family", _l("A family member")
    COWORKER = "coworker", _l("A fellow employee")
    PROVIDER = "provider", _l("A provider of goods or services (vendor, contractor)")
    SERVICE_USER = "service_user", _l("Someone who uses or applies for a service of your unit")
    SUPERVISED = "supervised", _l("A party your unit supervises, audits or inspects")
    GOVERNMENT = "government", _l("A government body (an official award or payment)")
    OTHER = "other", _l("Someone else")
    UNKNOWN = "unknown", _l("I do not know who gave it")


# Givers whose relation to the unit is business by definition.
BUSINESS_GIVERS = frozenset({Giver.PROVIDER, Giver.SERVICE_USER, Giver.SUPERVISED})


class Occasion(LabelledEnum):
    CEREMONY = "ceremony", _l("Engagement, wedding, birth, aqiqah, baptism, circumcision, tooth filing or another "
                              "adat or religious ceremony")
    DISASTER = "disaster", _l("A disaster or misfortune that struck you or your close family")
    FAREWELL = "farewell", _l("A farewell, retirement, transfer or birthday")
    OFFICIAL_EVENT = "official_event", _l("Participant kit at an official event (seminar, workshop, conference, "
                                          "training)")
    HOSPITALITY = "hospitality", _l("Food and drink served to everyone present")
    PROMOTION = "promotion", _l("A promotional or information item with a logo or message")
    COMPETITION = "competition", _l("A prize from a competition you entered at your own cost")
    GOVERNMENT_AWARD = "government_award", _l("A government award for work performance")
    PUBLIC_OFFER = "public_offer", _l("A direct prize, lottery, discount, voucher or points open to the public")
    INVESTMENT = "investment", _l("Profit or interest on personal savings, investments or shares, as for the public")
    COOPERATIVE = "cooperative", _l("A benefit of a cooperative or staff organisation, as for all members")
    PROFESSIONAL_WORK = "professional_work", _l("A fee for professional work outside your official duty")
    OFFICIAL_COMPENSATION = "official_compensation", _l("An honorarium, transport or lodging for an official "
                                                        "activity")
    INSTITUTION_SOUVENIR = "institution_souvenir", _l("A souvenir or plaque given to the institution in official "
                                                      "relations")
    CONGRATULATION = "congratulation", _l("Congratulations or condolences")
    NONE = "none", _l("No particular occasion, or another one")


class Answer(LabelledEnum):
    YES = "yes", _l("Yes")
    NO = "no", _l("No")
    UNSURE = "unsure", _l("Not sure")


class Basis(LabelledEnum):
    PER_GIVER = "per_giver", _l("per giver")
    PER_GIFT = "per_gift", _l("per gift per person")


class Outcome(enum.Enum):
    REPORT = "report"
    NO_NEED = "no_need"
    ASK_UPG = "ask_upg"


@dataclass(frozen=True)
class Answers:
    object_kind: ObjectKind
    giver: Giver
    occasion: Occasion
    received_on: date
    related_to_duty: Answer
    giver_has_business: Answer
    applies_to_all: Answer  # everyone in the same position received the same ("berlaku umum")
    value: int | None = None  # estimated value in rupiah; None: not known
    earlier_this_year: int | None = None  # earlier gifts from the same giver this year, rupiah; None: not known


@dataclass(frozen=True)
class RuleData:
    """One exemption category as the evaluation reads it (a plain copy of a rules.py row)."""

    code: str
    label_id: str
    label_en: str
    condition_id: str = ""
    condition_en: str = ""
    occasion: str | None = None  # Occasion value it covers; None: any occasion
    giver: str | None = None  # Giver value it covers; None: any giver
    object_kinds: tuple[str, ...] = ()  # ObjectKind values it covers; empty: any
    requires_general: bool = False  # must apply to everyone in the same position
    allows_duty_related: bool = False  # may be related to one's position or duty
    threshold: int | None = None  # rupiah
    basis: str | None = None  # Basis value of the threshold
    yearly_cap: int | None = None  # rupiah per year from the same giver
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""
    source_url: str = ""
    verified: bool = False

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def covers(self, answers: Answers) -> bool:
        return ((self.occasion is None or self.occasion == answers.occasion.value)
                and (self.giver is None or self.giver == answers.giver.value)
                and (not self.object_kinds or answers.object_kind.value in self.object_kinds))

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_id

    def condition(self, locale: str) -> str:
        return self.condition_en if locale == "en" else self.condition_id


class Reason(LabelledEnum):
    """Why the evaluation ended where it did (shown as a list under the outcome)."""

    MONEY_FROM_BUSINESS = "money_from_business", _l(
        "It is money from a party that has business with your unit. No category exempts that: refuse it, and "
        "report it if it was already accepted.")
    BUSINESS = "business", _l(
        "The giver has business with your unit. The categories that need not be reported all require that there "
        "is no conflict of interest.")
    DUTY = "duty", _l("It is related to your position or duty, and this category is only for gifts that are not.")
    DUTY_NO_CATEGORY = "duty_no_category", _l(
        "It is related to your position or duty. A gift related to your position that is contrary to your duty must "
        "be refused.")
    NO_CATEGORY = "no_category", _l("None of the categories that need not be reported fits these answers.")
    NOT_GENERAL = "not_general", _l(
        "This category is only for what applies to everyone in the same position, and this did not.")
    OVER_THRESHOLD = "over_threshold", _l("The value is above the category's threshold.")
    OVER_CAP = "over_cap", _l("Together with earlier gifts from the same giver this year it is above the yearly cap.")
    GIVER_UNKNOWN = "giver_unknown", _l("You do not know who gave it.")
    DUTY_UNSURE = "duty_unsure", _l("You are not sure whether it is related to your position or duty.")
    BUSINESS_UNSURE = "business_unsure", _l("You are not sure whether the giver has business with your unit.")
    GENERAL_UNSURE = "general_unsure", _l("You are not sure whether everyone in the same position received the same.")
    VALUE_UNKNOWN = "value_unknown", _l("The value is not known, and this category has a threshold.")
    EARLIER_UNKNOWN = "earlier_unknown", _l(
        "Earlier gifts from the same giver this year are not known, and this category has a yearly cap.")


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    rule: RuleData | None = None  # the category that clears it (NO_NEED), or the nearest one that did not
    deadline: date | None = None  # the last day to report to KPK (REPORT and ASK_UPG)
    refuse: bool = False  # the duty to refuse applies (Perkom 2/2019 Pasal 2 ayat (2))
    considered: tuple[RuleData, ...] = field(default_factory=tuple)


def evaluate(answers: Answers, rules: Sequence[RuleData], *, deadline: Callable[[date, int], date]) -> Result:
    """The outcome for these answers under the rules in force on the day the gift was received.

    `deadline(start, n)` is the n-th working day after start (portal.core.workdays.add_workdays)."""
    due = deadline(answers.received_on, REPORT_WORKDAYS)
    business = answers.giver in BUSINESS_GIVERS or answers.giver_has_business is Answer.YES
    duty = answers.related_to_duty
    if business:
        reason = Reason.MONEY_FROM_BUSINESS if answers.object_kind is ObjectKind.MONEY else Reason.BUSINESS
        return Result(Outcome.REPORT, (reason,), deadline=due,
                      refuse=answers.object_kind is ObjectKind.MONEY or duty is not Answer.NO)
    unsure = []
    if answers.giver is Giver.UNKNOWN:
        unsure.append(Reason.GIVER_UNKNOWN)
    if duty is Answer.UNSURE:
        unsure.append(Reason.DUTY_UNSURE)
    if answers.giver_has_business is Answer.UNSURE:
        unsure.append(Reason.BUSINESS_UNSURE)
    if unsure:
        return Result(Outcome.ASK_UPG, tuple(unsure), deadline=due)
    candidates = [r for r in rules if r.in_force(answers.received_on) and r.covers(answers)]
    if not candidates:
        reasons = (Reason.NO_CATEGORY,) + ((Reason.DUTY_NO_CATEGORY,) if duty is Answer.YES else ())
        return Result(Outcome.REPORT, reasons, deadline=due, refuse=duty is Answer.YES)
    failed: list[tuple[RuleData, tuple[Reason, ...]]] = []
    uncertain: list[tuple[RuleData, tuple[Reason, ...]]] = []
    for rule in candidates:
        fails, doubts = _test(rule, answers)
        if not fails and not doubts:
            return Result(Outcome.NO_NEED, rule=rule, considered=tuple(candidates))
        (failed if fails else uncertain).append((rule, fails or doubts))
    if uncertain:
        rule, reasons = uncertain[0]
        return Result(Outcome.ASK_UPG, reasons, rule=rule, deadline=due, considered=tuple(candidates))
    rule, reasons = failed[0]
    refuse = duty is Answer.YES and Reason.DUTY in reasons
    return Result(Outcome.REPORT, reasons, rule=rule, deadline=due, refuse=refuse, considered=tuple(candidates))


def _test(rule: RuleData, answers: Answers) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
    """What rules the category out, and what leaves it in doubt."""
    fails: list[Reason] = []
    doubts: list[Reason] = []
    if answers.related_to_duty is Answer.YES and not rule.allows_duty_related:
        fails.append(Reason.DUTY)
    if rule.requires_general:
        if answers.applies_to_all is Answer.NO:
            fails.append(Reason.NOT_GENERAL)
        elif answers.applies_to_all is Answer.UNSURE:
            doubts.append(Reason.GENERAL_UNSURE)
    if rule.threshold is not None:
        if answers.value is None:
            doubts.append(Reason.VALUE_UNKNOWN)
        elif answers.value > rule.threshold:
            fails.append(Reason.OVER_THRESHOLD)
    if rule.yearly_cap is not None:
        if answers.value is None:
            if Reason.VALUE_UNKNOWN not in doubts:
                doubts.append(Reason.VALUE_UNKNOWN)
        elif answers.earlier_this_year is None:
            doubts.append(Reason.EARLIER_UNKNOWN)
        elif answers.value + answers.earlier_this_year > rule.yearly_cap:
            fails.append(Reason.OVER_CAP)
    return tuple(fails), tuple(doubts)


def report_query(answers: Answers) -> dict[str, str]:
    """The answers as the report form's query parameters ("Start a report")."""
    query = {"giver_relationship": answers.giver.value, "occasion": answers.occasion.value,
             "object_kind": answers.object_kind.value, "received_on": answers.received_on.isoformat()}
    if answers.value is not None:
        query["value"] = str(answers.value)
    return query
