"""followup: when the owners were reminded before the due date, and told it had passed

Revision ID: a1f0c2d4e6b8
Revises: 6dd85358d896
Create Date: 2026-12-06 17:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1f0c2d4e6b8'
down_revision = '6dd85358d896'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('followup_recommendation') as batch:
        batch.add_column(sa.Column('reminded_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('overdue_noticed_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('followup_recommendation') as batch:
        batch.drop_column('overdue_noticed_on')
        batch.drop_column('reminded_on')
