"""gratification: the giver's digest; participation: gift reports per OPD

Revision ID: 7d96895fb7a7
Revises: d7e3a91b52c0
Create Date: 2026-12-06 20:10:00.000000

Reports saved before this revision have no digest until `flask --app portal rotate-keys` runs
once (it recomputes every report's digest under the newest master key): the digest needs the
master key and each report's sealed giver, which a migration does not open.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d96895fb7a7'
down_revision = 'd7e3a91b52c0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gratification_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('giver_digest', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_gratification_report_giver_digest'), ['giver_digest'], unique=False)

    with op.batch_alter_table('participation_opd_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gifts_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('gifts_late', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('gifts_refused', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('participation_opd_figures', schema=None) as batch_op:
        batch_op.drop_column('gifts_refused')
        batch_op.drop_column('gifts_late')
        batch_op.drop_column('gifts_sent')

    with op.batch_alter_table('gratification_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gratification_report_giver_digest'))
        batch_op.drop_column('giver_digest')
