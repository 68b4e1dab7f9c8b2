"""learning: pre-test

Revision ID: acdbffff6057
Revises: 7d96895fb7a7
Create Date: 2026-12-06 19:54:57.184880

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'acdbffff6057'
down_revision = '7d96895fb7a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('learning_module', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pretest_size', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_learning_module_pretest_size_range'),
                                         'pretest_size BETWEEN 0 AND 100')

    op.create_table('learning_pretest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('started_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_saved_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('correct_count', sa.Integer(), nullable=True),
    sa.Column('score_percent', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['org_employee.id'], name=op.f('fk_learning_pretest_employee_id_org_employee')),
    sa.ForeignKeyConstraint(['module_id'], ['learning_module.id'], name=op.f('fk_learning_pretest_module_id_learning_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_pretest')),
    sa.UniqueConstraint('employee_id', 'module_id', name='uq_learning_pretest_employee_module')
    )
    with op.batch_alter_table('learning_pretest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_pretest_module_id'), ['module_id'], unique=False)

    op.create_table('learning_pretest_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pretest_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('single', 'multiple', 'true_false', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('choice_order', sa.JSON(), nullable=False),
    sa.Column('correct_choice_ids', sa.JSON(), nullable=False),
    sa.Column('selected_choice_ids', sa.JSON(), nullable=True),
    sa.Column('answered_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['pretest_id'], ['learning_pretest.id'], name=op.f('fk_learning_pretest_answer_pretest_id_learning_pretest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['learning_question.id'], name=op.f('fk_learning_pretest_answer_question_id_learning_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_pretest_answer')),
    sa.UniqueConstraint('pretest_id', 'position', name='uq_learning_pretest_answer_position'),
    sa.UniqueConstraint('pretest_id', 'question_id', name='uq_learning_pretest_answer_question')
    )
    with op.batch_alter_table('learning_pretest_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_pretest_answer_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('learning_pretest_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_pretest_answer_question_id'))

    op.drop_table('learning_pretest_answer')
    with op.batch_alter_table('learning_pretest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_pretest_module_id'))

    op.drop_table('learning_pretest')
    with op.batch_alter_table('learning_module', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_learning_module_pretest_size_range'), type_='check')
        batch_op.drop_column('pretest_size')
