"""Insert-unless-present for the rows a double click would otherwise duplicate.

`INSERT ... ON CONFLICT DO NOTHING` on PostgreSQL and SQLite alike. A savepoint around a
plain INSERT would do the same on PostgreSQL, but on SQLite the pysqlite driver lets the
RELEASE of a first savepoint commit the whole transaction, which the caller owns.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db


def dialect_insert(model):
    """An INSERT that knows ON CONFLICT, on whichever of PostgreSQL and SQLite is in use."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.session.get_bind().dialect.name]
    return insert(model)


def _insert(model, values: dict, conflict_columns: list[str], where=None):
    return dialect_insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns,
                                                                          index_where=where)


def insert_unless_present(model, values: dict, conflict_columns: list[str], where=None) -> int | None:
    """The new row's id, or None when a row with the same key already exists."""
    return db.session.execute(_insert(model, values, conflict_columns, where).returning(model.id)).scalar()


def ensure_row(model, values: dict, conflict_columns: list[str]) -> None:
    """The row exists afterwards, whoever inserted it (for tables keyed by natural values)."""
    db.session.execute(_insert(model, values, conflict_columns))
