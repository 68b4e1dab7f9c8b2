"""learning: modules, lessons, question bank, attempts, completions

Revision ID: d3a2e5c9f4b3
Revises: c2f1d4b8e3a2
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'd3a2e5c9f4b3'
down_revision = 'c2f1d4b8e3a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_id', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary_id', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('questions_per_attempt', sa.Integer(), nullable=False),
    sa.Column('pass_mark_percent', sa.Integer(), nullable=False),
    sa.Column('attempts_per_day', sa.Integer(), nullable=True),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempts_per_day IS NULL OR attempts_per_day >= 1', name=op.f('ck_learning_module_attempts_per_day_positive')),
    sa.CheckConstraint('pass_mark_percent BETWEEN 1 AND 100', name=op.f('ck_learning_module_pass_mark_range')),
    sa.CheckConstraint('questions_per_attempt BETWEEN 1 AND 100', name=op.f('ck_learning_module_questions_per_attempt_range')),
    sa.CheckConstraint('time_limit_minutes IS NULL OR time_limit_minutes >= 1', name=op.f('ck_learning_module_time_limit_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_module')),
    sa.UniqueConstraint('slug', name=op.f('uq_learning_module_slug'))
    )
    op.create_table('learning_lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_id', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('body_id', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('updated_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['learning_module.id'], name=op.f('fk_learning_lesson_module_id_learning_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_lesson')),
    sa.UniqueConstraint('module_id', 'slug', name='uq_learning_lesson_module_slug')
    )
    with op.batch_alter_table('learning_lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_lesson_module_id'), ['module_id'], unique=False)

    op.create_table('learning_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('single', 'multiple', 'true_false', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('prompt_id', sa.Text(), nullable=False),
    sa.Column('prompt_en', sa.Text(), nullable=False),
    sa.Column('explanation_id', sa.Text(), nullable=False),
    sa.Column('explanation_en', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['learning_module.id'], name=op.f('fk_learning_question_module_id_learning_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_question')),
    sa.UniqueConstraint('module_id', 'key', name='uq_learning_question_module_key')
    )
    with op.batch_alter_table('learning_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_question_module_id'), ['module_id'], unique=False)

    op.create_table('learning_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('started_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_saved_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('timed_out', sa.Boolean(), nullable=False),
    sa.Column('pass_mark_percent', sa.Integer(), nullable=False),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('correct_count', sa.Integer(), nullable=True),
    sa.Column('score_percent', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['org_employee.id'], name=op.f('fk_learning_attempt_employee_id_org_employee')),
    sa.ForeignKeyConstraint(['module_id'], ['learning_module.id'], name=op.f('fk_learning_attempt_module_id_learning_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_attempt'))
    )
    with op.batch_alter_table('learning_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_learning_attempt_employee_module_started', ['employee_id', 'module_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_attempt_module_id'), ['module_id'], unique=False)
        batch_op.create_index('uq_learning_attempt_open', ['employee_id', 'module_id'], unique=True, sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))

    op.create_table('learning_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['learning_question.id'], name=op.f('fk_learning_choice_question_id_learning_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_choice'))
    )
    with op.batch_alter_table('learning_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_choice_question_id'), ['question_id'], unique=False)

    op.create_table('learning_lesson_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('read_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['org_employee.id'], name=op.f('fk_learning_lesson_read_employee_id_org_employee')),
    sa.ForeignKeyConstraint(['lesson_id'], ['learning_lesson.id'], name=op.f('fk_learning_lesson_read_lesson_id_learning_lesson')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_lesson_read')),
    sa.UniqueConstraint('employee_id', 'lesson_id', name='uq_learning_lesson_read_employee_lesson')
    )
    with op.batch_alter_table('learning_lesson_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_lesson_read_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('learning_attempt_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('single', 'multiple', 'true_false', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('choice_order', sa.JSON(), nullable=False),
    sa.Column('correct_choice_ids', sa.JSON(), nullable=False),
    sa.Column('selected_choice_ids', sa.JSON(), nullable=True),
    sa.Column('answered_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['learning_attempt.id'], name=op.f('fk_learning_attempt_question_attempt_id_learning_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['learning_question.id'], name=op.f('fk_learning_attempt_question_question_id_learning_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_attempt_question')),
    sa.UniqueConstraint('attempt_id', 'position', name='uq_learning_attempt_question_position'),
    sa.UniqueConstraint('attempt_id', 'question_id', name='uq_learning_attempt_question_question')
    )
    with op.batch_alter_table('learning_attempt_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_attempt_question_question_id'), ['question_id'], unique=False)

    op.create_table('learning_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('score_percent', sa.Integer(), nullable=False),
    sa.Column('completed_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['learning_attempt.id'], name=op.f('fk_learning_completion_attempt_id_learning_attempt')),
    sa.ForeignKeyConstraint(['employee_id'], ['org_employee.id'], name=op.f('fk_learning_completion_employee_id_org_employee')),
    sa.ForeignKeyConstraint(['module_id'], ['learning_module.id'], name=op.f('fk_learning_completion_module_id_learning_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_completion')),
    sa.UniqueConstraint('employee_id', 'module_id', name='uq_learning_completion_employee_module')
    )
    with op.batch_alter_table('learning_completion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_completion_module_id'), ['module_id'], unique=False)



def downgrade():
    with op.batch_alter_table('learning_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_completion_module_id'))

    op.drop_table('learning_completion')
    with op.batch_alter_table('learning_attempt_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_attempt_question_question_id'))

    op.drop_table('learning_attempt_question')
    with op.batch_alter_table('learning_lesson_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_lesson_read_lesson_id'))

    op.drop_table('learning_lesson_read')
    with op.batch_alter_table('learning_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_choice_question_id'))

    op.drop_table('learning_choice')
    with op.batch_alter_table('learning_attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_learning_attempt_open', sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_learning_attempt_module_id'))
        batch_op.drop_index('ix_learning_attempt_employee_module_started')

    op.drop_table('learning_attempt')
    with op.batch_alter_table('learning_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_question_module_id'))

    op.drop_table('learning_question')
    with op.batch_alter_table('learning_lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_lesson_module_id'))

    op.drop_table('learning_lesson')
    op.drop_table('learning_module')
