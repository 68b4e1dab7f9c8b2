"""What each area adds to the whole, registered by the area's init_app on the app it joins.

The factory lists the areas once (portal/__init__.py); everything central that used to name
every area (the menu, the default content, the stored-file owners, the key rotation, the
admin's setup checklist) reads these lists instead, so a new area edits no central file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    roles: tuple = ()  # empty: every logged-in account
    position: int = 50  # left to right


@dataclass(frozen=True)
class DocumentKind:
    """An official document an area produces (documents area: letterhead, signatories, numbers)."""

    code: str  # "<area>.<document>", stored in the documents tables
    label: object  # a lazy string
    numbered: bool = False  # gets a nomor naskah dinas
    acknowledged: bool = False  # has a "Mengetahui" block besides the signature
    organiser_signs: bool = False  # signed by whoever organised it unless a signatory is set


@dataclass(frozen=True)
class SetupStatus:
    """What a setup check found: done or not, what is left to do, and where to do it."""

    done: bool
    remaining: str = ""  # what is left, shown while not done (translated text)
    endpoint: str = ""  # the page where it is fixed; empty when it is fixed outside the portal
    args: dict = field(default_factory=dict)  # url_for arguments of that page
    current: str = ""  # what is in place now (a value, a date), shown either way


@dataclass(frozen=True)
class SetupCheck:
    key: str
    label: object  # what it is (a lazy string)
    status: Callable[[], SetupStatus]  # run inside a request, with the database
    position: int = 50  # top to bottom


@dataclass(frozen=True)
class Todo:
    """One line of someone's to-do list on their home page: what to do, where, and by when."""

    text: str  # translated, says what and how many ("2 declarations wait for your decision")
    url: str  # the page where it is done
    due: date | None = None  # the nearest deadline, when there is one
    overdue: bool = False  # a deadline has passed: shown first, marked
    position: int = 50  # order among items without a deadline


# A provider gets the logged-in account and returns its items (often none); run inside a request.
TodoProvider = Callable[[object], list[Todo]]


@dataclass
class Contributions:
    nav: list[NavItem] = field(default_factory=list)
    # storage area -> the column of the rows that point to its files (storage-sweep, backup)
    stored_files: dict[str, object] = field(default_factory=dict)
    # default content every installation needs; each returns a line for the report
    seeders: list[Callable[[], str]] = field(default_factory=list)
    # re-wrap or re-seal what the area encrypted under the newest data key; each returns a line
    key_rotators: list[Callable[[], str]] = field(default_factory=list)
    # the official documents each area produces, by code
    document_kinds: dict[str, DocumentKind] = field(default_factory=dict)
    # what must be in place before a real launch: the admin's setup checklist (/admin/persiapan)
    setup_checks: list[SetupCheck] = field(default_factory=list)
    # what each area asks of the logged-in account: the to-do list on the home page
    todo_providers: list[TodoProvider] = field(default_factory=list)


def of(app: Flask | None = None) -> Contributions:
    app = app or current_app
    return app.extensions.setdefault("portal.contributions", Contributions())


def add_nav(app: Flask, endpoint: str, label, *, roles: tuple = (), position: int = 50) -> None:
    items = of(app).nav
    items.append(NavItem(endpoint, label, tuple(roles), position))
    items.sort(key=lambda item: item.position)


def add_document_kind(app: Flask, code: str, label, **options) -> None:
    of(app).document_kinds[code] = DocumentKind(code, label, **options)


def add_setup_check(app: Flask, key: str, label, status: Callable[[], SetupStatus], *, position: int = 50) -> None:
    """One item of the admin's setup checklist; `status` answers whether it is done."""
    checks = of(app).setup_checks
    if any(check.key == key for check in checks):
        raise ValueError(f"setup check {key!r} is registered twice")
    checks.append(SetupCheck(key, label, status, position))
    checks.sort(key=lambda check: check.position)


def add_todo(app: Flask, provider: TodoProvider) -> None:
    """An area's part of everyone's to-do list (home page): `provider(user)` returns its items."""
    of(app).todo_providers.append(provider)


def todos_for(user) -> list[Todo]:
    """Everything the areas ask of `user`: overdue first, then by deadline, then by position."""
    items = [item for provider in of().todo_providers for item in provider(user)]
    return sorted(items, key=lambda t: (not t.overdue, t.due is None, t.due or date.max, t.position, t.text))
