"""Evidence the portal gathers itself for an LKE item, from the areas that produce it.

A provider is registered once by key (zi/evidence_sources.py); an item names the providers that
answer it (LkeItem.evidence_keys). Gathering reads the other areas' figures at the moment it is
asked, so what a unit, its assessor and its export see is always current: nothing is copied."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app


@dataclass(frozen=True)
class Gathered:
    title: str  # translated: "Conflict-of-interest register 2026, Dinas Kesehatan"
    lines: list[str]  # translated figures: "12 declarations, 11 decided"
    url: str | None = None  # the page in the portal it comes from, for whoever may open it
    present: bool = True  # False: the portal holds nothing for it yet (shown as missing evidence)
    # For the export: file name -> a function that makes its bytes (called only when exporting).
    files: list[tuple[str, Callable[[], bytes]]] = field(default_factory=list)
    # The roles whose accounts may open `url` (empty: every account): a unit's secretary is not
    # sent to the Inspectorate's register only to be refused.
    url_roles: tuple = ()

    def opens_for(self, user) -> bool:
        from portal.web.permissions import has_role

        return bool(self.url) and (not self.url_roles or has_role(user, *self.url_roles))


@dataclass(frozen=True)
class Provider:
    key: str
    label: object  # a lazy string: what it gathers
    gather: Callable[[int, int], Gathered]  # (opd id, year) -> what the portal holds
    url_roles: tuple = ()  # who may open the page its evidence links to (empty: every account)
    # (OPD ids, year) -> those of them it holds something for, in one statement: what the city
    # view asks for every unit (zi/evidence_presence.py). None: gathered per OPD instead.
    present: Callable[[set[int], int], set[int]] | None = None


def register(app: Flask, provider: Provider) -> None:
    found = app.extensions.setdefault("portal.zi.providers", {})
    if provider.key in found:
        raise ValueError(f"evidence provider {provider.key!r} is registered twice")
    found[provider.key] = provider


def providers() -> dict[str, Provider]:
    return current_app.extensions.get("portal.zi.providers", {})


def gather(keys: list[str], opd_id: int, year: int) -> list[Gathered]:
    """What the named providers hold for an OPD and year; unknown keys are skipped (an item
    edited to name a provider that a later version removed)."""
    found = providers()
    return [_with_roles(found[key].gather(opd_id, year), found[key]) for key in keys if key in found]


def _with_roles(gathered: Gathered, provider: Provider) -> Gathered:
    if gathered.url_roles or not provider.url_roles:
        return gathered
    return dataclasses.replace(gathered, url_roles=provider.url_roles)


def present_keys(keys: set[str], opd_ids: set[int], year: int) -> set[tuple[str, int]]:
    """(provider key, OPD id) for which the portal holds something: each provider asked once for
    all the OPDs when it can say so at once, else once per OPD, however many items name it."""
    found, out = providers(), set()
    for key in sorted(k for k in keys if k in found):
        provider = found[key]
        if provider.present is not None:
            held = provider.present(set(opd_ids), year) & set(opd_ids)
        else:
            held = {opd_id for opd_id in opd_ids if provider.gather(opd_id, year).present}
        out |= {(key, opd_id) for opd_id in held}
    return out
