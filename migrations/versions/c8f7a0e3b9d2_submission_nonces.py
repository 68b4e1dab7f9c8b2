"""submission nonces: a form posted twice is recorded once

Revision ID: c8f7a0e3b9d2
Revises: b7e6d9f3c8a1
Create Date: 2026-11-27 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'c8f7a0e3b9d2'
down_revision = 'b7e6d9f3c8a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_nonce',
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('expires_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('result_ref', sa.String(length=64), nullable=True),
    sa.Column('sealed_result', sa.LargeBinary(), nullable=True),
    sa.Column('sealed_until', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_submission_nonce'))
    )
    with op.batch_alter_table('submission_nonce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_nonce_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_nonce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_nonce_expires_at'))

    op.drop_table('submission_nonce')
