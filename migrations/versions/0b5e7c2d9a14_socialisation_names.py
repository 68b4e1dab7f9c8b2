"""socialisation: one name for the area: soc_* tables, their constraints and indexes become socialisation_*

Revision ID: 0b5e7c2d9a14
Revises: a9c3e7f1d2b4
Create Date: 2026-12-06

PostgreSQL renames tables, constraints and indexes in place. SQLite cannot rename a
constraint, so each table is rebuilt from its own CREATE TABLE text with the names changed
(SQLite's documented procedure; migrations/env.py turns foreign keys off for the upgrade and
checks them at the end). cert_certificate is rebuilt too: its foreign key names soc_session.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0b5e7c2d9a14'
down_revision = 'a9c3e7f1d2b4'
branch_labels = None
depends_on = None

# old -> new, parents before children
TABLES = [
    ("soc_session", "socialisation_session"),
    ("soc_invited_opd", "socialisation_invited_opd"),
    ("soc_participant", "socialisation_participant"),
    ("soc_photo", "socialisation_photo"),
    ("soc_session_module", "socialisation_session_module"),
    ("soc_session_regulation", "socialisation_session_regulation"),
]
# Tables of another area whose constraints name a renamed table.
REFERRING = ["cert_certificate"]


def _swap(text: str, forward: bool) -> str:
    """Every soc_ name (table, constraint, index, reference) in `text`, renamed one way or back."""
    if forward:
        return re.sub(r"(?<![a-z])soc_", "socialisation_", text)
    return re.sub(r"(?<![a-z])socialisation_", "soc_", text)


def _rename_postgresql(forward: bool) -> None:
    bind = op.get_bind()
    pairs = TABLES if forward else [(new, old) for old, new in TABLES]
    for old, new in pairs:
        op.rename_table(old, new)
    for table in [new for _old, new in pairs] + REFERRING:
        constraints = bind.execute(sa.text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)"),
                                   {"t": table}).scalars().all()
        for name in constraints:  # a primary key's or unique constraint's index follows its constraint
            if _swap(name, forward) != name:
                op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{name}" TO "{_swap(name, forward)}"')
        for name in bind.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"),
                                 {"t": table}).scalars().all():
            if name not in constraints and _swap(name, forward) != name:
                op.execute(f'ALTER INDEX "{name}" RENAME TO "{_swap(name, forward)}"')


def _rebuild_sqlite(forward: bool) -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("run this migration through `flask db upgrade` (migrations/env.py turns foreign keys off)")
    pairs = TABLES if forward else [(new, old) for old, new in TABLES]
    for old, new in pairs + [(table, table) for table in REFERRING]:
        create = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                      (old,)).scalar()
        indexes = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                       "AND sql IS NOT NULL", (old,)).scalars().all()
        temp = f"_rebuild_{new}"
        # The table's own name is the first quoted or bare word after CREATE TABLE.
        body = re.sub(r'^CREATE TABLE "?[A-Za-z_]+"?', f'CREATE TABLE "{temp}"', _swap(create, forward), count=1)
        bind.exec_driver_sql(body)
        bind.exec_driver_sql(f'INSERT INTO "{temp}" SELECT * FROM "{old}"')
        bind.exec_driver_sql(f'DROP TABLE "{old}"')
        bind.exec_driver_sql(f'ALTER TABLE "{temp}" RENAME TO "{new}"')
        for sql in indexes:
            bind.exec_driver_sql(_swap(sql, forward))


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rename_postgresql(forward=True)
    else:
        _rebuild_sqlite(forward=True)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rename_postgresql(forward=False)
    else:
        _rebuild_sqlite(forward=False)
