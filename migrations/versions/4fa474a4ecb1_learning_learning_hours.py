"""learning: learning hours

A module's learning hours (jam pelajaran, JP; 0 = not set) and the certificate's copy of them
when issued (NULL on certificates issued before: they print no JP).

Revision ID: 4fa474a4ecb1
Revises: b8e431da4dc2
Create Date: 2026-12-06 13:38:13.065027

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '4fa474a4ecb1'
down_revision = 'b8e431da4dc2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cert_certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learning_hours', sa.Integer(), nullable=True))

    with op.batch_alter_table('learning_module', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learning_hours', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_learning_module_learning_hours_range'),
                                         'learning_hours BETWEEN 0 AND 100')


def downgrade():
    with op.batch_alter_table('learning_module', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_learning_module_learning_hours_range'), type_='check')
        batch_op.drop_column('learning_hours')

    with op.batch_alter_table('cert_certificate', schema=None) as batch_op:
        batch_op.drop_column('learning_hours')
