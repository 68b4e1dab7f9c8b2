"""Insert-unless-present for the rows a double click would otherwise duplicate.

`INSERT ... ON CONFLICT DO NOTHING` on PostgreSQL and SQLite alike. A savepoint around a
plain INSERT would do the same on PostgreSQL, but on SQLite the pysqlite driver lets the
RELEASE of a first savepoint commit the whole transaction, which the caller owns.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db


def insert_unless_present(model, values: dict, conflict_columns: list[str], where=None) -> int | None:
    """The new row's id, or None when a row with the same key already exists."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns, index_where=where)
    return db.session.execute(stmt.returning(model.id)).scalar()
