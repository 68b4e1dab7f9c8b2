"""participation: figures per OPD kept for the dashboards

Revision ID: b7e6d9f3c8a1
Revises: a6d5b8f2c7e6
Create Date: 2026-12-04 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'b7e6d9f3c8a1'
down_revision = 'a6d5b8f2c7e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('participation_snapshot',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('computed_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refreshing_since', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_participation_snapshot'))
    )
    op.create_table('participation_opd_figures',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('opd_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('passed_attempts', sa.Integer(), nullable=False),
    sa.Column('best_score_sum', sa.BigInteger(), nullable=False),
    sa.Column('best_score_n', sa.Integer(), nullable=False),
    sa.Column('statements', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('certificates', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opd_id'], ['org_opd.id'], name=op.f('fk_participation_opd_figures_opd_id_org_opd'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'opd_id', name=op.f('pk_participation_opd_figures'))
    )
    op.create_table('participation_module_figures',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('opd_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('module_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('complete', sa.Integer(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['learning_module.id'], name=op.f('fk_participation_module_figures_module_id_learning_module'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opd_id'], ['org_opd.id'], name=op.f('fk_participation_module_figures_opd_id_org_opd'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'opd_id', 'module_id', name=op.f('pk_participation_module_figures'))
    )
    op.create_table('participation_month_figures',
    sa.Column('opd_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('completions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opd_id'], ['org_opd.id'], name=op.f('fk_participation_month_figures_opd_id_org_opd'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opd_id', 'month', name=op.f('pk_participation_month_figures'))
    )


def downgrade():
    op.drop_table('participation_month_figures')
    op.drop_table('participation_module_figures')
    op.drop_table('participation_opd_figures')
    op.drop_table('participation_snapshot')
