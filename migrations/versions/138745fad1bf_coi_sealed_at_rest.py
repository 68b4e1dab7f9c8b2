"""coi: declarations, their comments and attachments sealed at rest

Revision ID: 138745fad1bf
Revises: 90f5828ad940
Create Date: 2026-12-06

What people write into a declaration (six fields), its comments and its attachments' names
move into *_sealed columns, encrypted (AES-256-GCM) with a new key per declaration that is
stored wrapped under the newest DATA_KEYS entry, as the WBS seals a report
(portal/core/sealing.py). Each attachment file is written again, sealed, under a new storage
key; the plain files are removed at the very end of the upgrade, once every row points to its
sealed copy (a failure before that leaves the plain files and rows as they were, and the new
files to `storage-sweep`). The downgrade does the reverse with the configured DATA_KEYS.
Copies made before the upgrade (backups, PostgreSQL's dead tuples until VACUUM) keep the text.

The formats (contexts, field names) are written out here rather than taken from the models,
so this revision keeps doing what it did when the models move on. It needs the app's config
(DATA_KEYS, STORAGE_DIR): run it through `flask --app portal db upgrade`.
"""
import logging

from alembic import op
import sqlalchemy as sa

revision = '138745fad1bf'
down_revision = '90f5828ad940'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
AREA = "coi"
FIELDS = ("description", "activity_detail", "related_party", "gift_report_ref", "proposed_measure",
          "decision_rationale")
# The plain columns as they were (c2f1d4b8e3a2).
PLAIN_TYPES = {"description": sa.Text(), "activity_detail": sa.Text(), "related_party": sa.String(200),
               "gift_report_ref": sa.String(120), "proposed_measure": sa.Text(), "decision_rationale": sa.Text()}

declaration = sa.table("coi_declaration", sa.column("id", sa.Integer), sa.column("wrapped_key", sa.LargeBinary),
                       *(sa.column(f, sa.Text) for f in FIELDS),
                       *(sa.column(f"{f}_sealed", sa.LargeBinary) for f in FIELDS))
comment = sa.table("coi_comment", sa.column("id", sa.Integer), sa.column("declaration_id", sa.Integer),
                   sa.column("body", sa.Text), sa.column("body_sealed", sa.LargeBinary))
attachment = sa.table("coi_attachment", sa.column("id", sa.Integer), sa.column("declaration_id", sa.Integer),
                      sa.column("filename", sa.String), sa.column("filename_sealed", sa.LargeBinary),
                      sa.column("storage_key", sa.String))


def _context(declaration_id: int) -> bytes:
    return f"coi-declaration:{declaration_id}".encode()


def _aad(declaration_id: int, field: str) -> bytes:
    return _context(declaration_id) + f":{field}".encode()


def _update(table, rows: list[dict]) -> None:
    if rows:
        op.get_bind().execute(table.update().where(table.c.id == sa.bindparam("row_id")),
                              [{**{k: v for k, v in r.items() if k != "id"}, "row_id": r["id"]} for r in rows])


def _rewrite_files(bind, keys: dict, seal: bool) -> list[str]:
    """Every attachment file written again under a new storage key, sealed or opened; the
    name moves with it. Returns the storage keys of the files it replaced."""
    from portal.core import crypto, storage

    replaced, updates = [], []
    for row in bind.execute(sa.select(attachment)).mappings().all():
        key, did, old = keys.get(row["declaration_id"]), row["declaration_id"], row["storage_key"]
        name = row["filename"] if seal else (crypto.decrypt_text(key, _bytes(row["filename_sealed"]),
                                                                 _aad(did, f"file-name:{old}")) if key else "")
        new = old
        try:
            data = storage.read(AREA, old)
        except FileNotFoundError:
            log.warning("coi attachment %s: its file %s is missing; only its name is converted", row["id"], old)
        else:
            new = storage.new_key()
            if seal:
                data = crypto.encrypt(key, data, _aad(did, f"file:{new}"))
            else:
                data = crypto.decrypt(key, data, _aad(did, f"file:{old}")) if key else b""
            storage.write(AREA, new, data)
            replaced.append(old)
        if seal:
            updates.append({"id": row["id"], "storage_key": new, "filename": "",
                            "filename_sealed": crypto.encrypt_text(key, name, _aad(did, f"file-name:{new}"))})
        else:
            updates.append({"id": row["id"], "storage_key": new, "filename": name})
    _update(attachment, updates)
    return replaced


def _bytes(value) -> bytes | None:
    return None if value is None else bytes(value)


def _remove_files(keys: list[str]) -> None:
    from portal.core import storage

    for key in keys:
        storage.delete(AREA, key)


def upgrade():
    from portal.core import crypto

    bind = op.get_bind()
    if bind.execute(sa.select(sa.func.count()).select_from(declaration)).scalar():
        crypto.master_keys()  # no DATA_KEYS configured: refuse before the schema changes
    if bind.dialect.name == "sqlite":
        # The rebuilt tables' old pages are zeroed rather than left in the file's free list (as
        # the WBS retention does; Debian's SQLite has it on by default, others do not).
        bind.exec_driver_sql("PRAGMA secure_delete=ON")
    with op.batch_alter_table('coi_declaration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wrapped_key', sa.LargeBinary(), nullable=True))
        for field in FIELDS:
            batch_op.add_column(sa.Column(f'{field}_sealed', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('coi_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_sealed', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('coi_attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filename_sealed', sa.LargeBinary(), nullable=True))

    keys, rows = {}, []
    for row in bind.execute(sa.select(declaration.c.id, *(declaration.c[f] for f in FIELDS))).mappings().all():
        did = row["id"]
        keys[did] = crypto.new_data_key()
        sealed = {f"{f}_sealed": crypto.encrypt_text(keys[did], row[f], _aad(did, f)) if row[f] else None
                  for f in FIELDS}
        # The plain value is emptied in the same UPDATE: PostgreSQL's DROP COLUMN below only
        # hides a column, it would stay in the live rows on disk.
        rows.append({"id": did, "wrapped_key": crypto.wrap(keys[did], _context(did)), **sealed,
                     **{f: "" for f in FIELDS}})
    _update(declaration, rows)
    _update(comment, [{"id": c["id"], "body": "",
                       "body_sealed": crypto.encrypt_text(keys[c["declaration_id"]], c["body"],
                                                          _aad(c["declaration_id"], "comment")) if c["body"] else None}
                      for c in bind.execute(sa.select(comment)).mappings().all()])
    replaced = _rewrite_files(bind, keys, seal=True)

    with op.batch_alter_table('coi_declaration', schema=None) as batch_op:
        for field in FIELDS:
            batch_op.drop_column(field)
    with op.batch_alter_table('coi_comment', schema=None) as batch_op:
        batch_op.drop_column('body')
    with op.batch_alter_table('coi_attachment', schema=None) as batch_op:
        batch_op.drop_column('filename')
    _remove_files(replaced)
    if keys:
        log.info("Sealed %d conflict-of-interest declarations and %d attachment files.", len(keys), len(replaced))


def downgrade():
    from portal.core import crypto

    with op.batch_alter_table('coi_declaration', schema=None) as batch_op:
        for field in FIELDS:
            batch_op.add_column(sa.Column(field, PLAIN_TYPES[field], nullable=True))
    with op.batch_alter_table('coi_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))
    with op.batch_alter_table('coi_attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filename', sa.String(200), nullable=True))

    bind = op.get_bind()
    keys, rows = {}, []
    for row in bind.execute(sa.select(declaration)).mappings().all():
        did = row["id"]
        key = keys[did] = (crypto.unwrap(bytes(row["wrapped_key"]), _context(did))
                           if row["wrapped_key"] is not None else None)
        rows.append({"id": did, **{f: crypto.decrypt_text(key, _bytes(row[f"{f}_sealed"]), _aad(did, f)) if key else ""
                                   for f in FIELDS}})
    _update(declaration, rows)
    _update(comment, [{"id": c["id"], "body": crypto.decrypt_text(keys[c["declaration_id"]], _bytes(c["body_sealed"]),
                                                                  _aad(c["declaration_id"], "comment"))
                       if keys.get(c["declaration_id"]) else ""}
                      for c in bind.execute(sa.select(comment)).mappings().all()])
    replaced = _rewrite_files(bind, keys, seal=False)

    with op.batch_alter_table('coi_declaration', schema=None) as batch_op:
        for field in FIELDS:
            batch_op.alter_column(field, existing_type=PLAIN_TYPES[field], nullable=False)
            batch_op.drop_column(f'{field}_sealed')
        batch_op.drop_column('wrapped_key')
    with op.batch_alter_table('coi_comment', schema=None) as batch_op:
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('body_sealed')
    with op.batch_alter_table('coi_attachment', schema=None) as batch_op:
        batch_op.alter_column('filename', existing_type=sa.String(200), nullable=False)
        batch_op.drop_column('filename_sealed')
    _remove_files(replaced)
