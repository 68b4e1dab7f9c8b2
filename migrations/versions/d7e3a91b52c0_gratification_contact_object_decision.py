"""gratification: the reporter's address and telephone for the KPK's form; the KPK's decision per object

Revision ID: d7e3a91b52c0
Revises: 300ea95ff357
Create Date: 2026-12-06 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e3a91b52c0'
down_revision = '300ea95ff357'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gratification_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_address_sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('reporter_phone_sealed', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('gratification_object', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.Enum('state', 'recipient', 'state_redeemable', 'mixed',
                                                          name='decision', native_enum=False, length=32),
                                      nullable=True))
    # Reports decided before the KPK's decision was kept per object: every object took the report's.
    op.execute("UPDATE gratification_object SET decision = (SELECT r.decision FROM gratification_report r "
               "WHERE r.id = gratification_object.report_id)")


def downgrade():
    with op.batch_alter_table('gratification_object', schema=None) as batch_op:
        batch_op.drop_column('decision')
    with op.batch_alter_table('gratification_report', schema=None) as batch_op:
        batch_op.drop_column('reporter_phone_sealed')
        batch_op.drop_column('reporter_address_sealed')
