"""auth mfa: the sealed TOTP secret, its last accepted step, and hashed recovery codes

Revision ID: a9c3e7f1d2b4
Revises: d4f9a2c7e1b8
Create Date: 2026-12-04 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'a9c3e7f1d2b4'
down_revision = 'd4f9a2c7e1b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mfa_secret', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('mfa_enabled_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mfa_last_step', sa.BigInteger(), nullable=True))

    op.create_table('auth_recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_auth_recovery_code_user_id_auth_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_recovery_code'))
    )
    with op.batch_alter_table('auth_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('auth_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_recovery_code_user_id'))

    op.drop_table('auth_recovery_code')
    with op.batch_alter_table('auth_user', schema=None) as batch_op:
        batch_op.drop_column('mfa_last_step')
        batch_op.drop_column('mfa_enabled_at')
        batch_op.drop_column('mfa_secret')
