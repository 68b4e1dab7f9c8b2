"""wbs legal hold: who kept a case past the retention period, and why

Revision ID: d4f9a2c7e1b8
Revises: c8f7a0e3b9d2
Create Date: 2026-11-27 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'd4f9a2c7e1b8'
down_revision = 'c8f7a0e3b9d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wbs_legal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['auth_user.id'], name=op.f('fk_wbs_legal_hold_lifted_by_id_auth_user')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['auth_user.id'], name=op.f('fk_wbs_legal_hold_placed_by_id_auth_user')),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_legal_hold_report_id_wbs_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_legal_hold'))
    )
    with op.batch_alter_table('wbs_legal_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_legal_hold_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('wbs_legal_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_legal_hold_report_id'))

    op.drop_table('wbs_legal_hold')
