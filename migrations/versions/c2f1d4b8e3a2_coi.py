"""coi: declarations, lists, comments, attachments

Revision ID: c2f1d4b8e3a2
Revises: b1e0c3a7d2f1
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'c2f1d4b8e3a2'
down_revision = 'b1e0c3a7d2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coi_list_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('type', 'source', 'decision', name='listkind', native_enum=False, length=32), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_id', sa.Text(), nullable=False),
    sa.Column('label_en', sa.Text(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_other', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coi_list_item')),
    sa.UniqueConstraint('kind', 'code', name=op.f('uq_coi_list_item_kind'))
    )
    op.create_table('coi_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_no', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.Enum('yearly', 'adhoc', 'change', name='kind', native_enum=False, length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'filed', 'submitted', 'returned', 'decided', 'acknowledged', name='status', native_enum=False, length=32), nullable=False),
    sa.Column('declarant_id', sa.Integer(), nullable=False),
    sa.Column('opd_id', sa.Integer(), nullable=False),
    sa.Column('no_conflict', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('activity', sa.Enum('procurement', 'recruitment', 'licensing', 'supervision', 'assessment', 'other', name='activity', native_enum=False, length=32), nullable=True),
    sa.Column('activity_detail', sa.Text(), nullable=False),
    sa.Column('related_party', sa.String(length=200), nullable=False),
    sa.Column('related_employee_id', sa.Integer(), nullable=True),
    sa.Column('relationship_kind', sa.Enum('family', 'affiliation', 'business', 'other_position', 'gift_giver', 'other', name='relationship', native_enum=False, length=32), nullable=True),
    sa.Column('gift_involved', sa.Boolean(), nullable=False),
    sa.Column('gift_report_ref', sa.String(length=120), nullable=False),
    sa.Column('proposed_measure', sa.Text(), nullable=False),
    sa.Column('changes_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('route', sa.Enum('superior', 'head', 'inspectorate', name='route', native_enum=False, length=32), nullable=True),
    sa.Column('decider_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('decision_rationale', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['changes_id'], ['coi_declaration.id'], name=op.f('fk_coi_declaration_changes_id_coi_declaration')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['auth_user.id'], name=op.f('fk_coi_declaration_decided_by_id_auth_user')),
    sa.ForeignKeyConstraint(['decider_id'], ['org_employee.id'], name=op.f('fk_coi_declaration_decider_id_org_employee')),
    sa.ForeignKeyConstraint(['decision_id'], ['coi_list_item.id'], name=op.f('fk_coi_declaration_decision_id_coi_list_item')),
    sa.ForeignKeyConstraint(['declarant_id'], ['org_employee.id'], name=op.f('fk_coi_declaration_declarant_id_org_employee')),
    sa.ForeignKeyConstraint(['opd_id'], ['org_opd.id'], name=op.f('fk_coi_declaration_opd_id_org_opd')),
    sa.ForeignKeyConstraint(['related_employee_id'], ['org_employee.id'], name=op.f('fk_coi_declaration_related_employee_id_org_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coi_declaration')),
    sa.UniqueConstraint('register_no', name=op.f('uq_coi_declaration_register_no'))
    )
    with op.batch_alter_table('coi_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coi_declaration_decider_id'), ['decider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coi_declaration_declarant_id'), ['declarant_id'], unique=False)
        batch_op.create_index('ix_coi_declaration_opd_year', ['opd_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_coi_declaration_status'), ['status'], unique=False)
        batch_op.create_index('uq_coi_yearly_statement', ['declarant_id', 'year'], unique=True, sqlite_where=sa.text("kind = 'yearly'"), postgresql_where=sa.text("kind = 'yearly'"))

    op.create_table('coi_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['coi_declaration.id'], name=op.f('fk_coi_attachment_declaration_id_coi_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coi_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_coi_attachment_storage_key'))
    )
    with op.batch_alter_table('coi_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coi_attachment_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('coi_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['auth_user.id'], name=op.f('fk_coi_comment_author_id_auth_user')),
    sa.ForeignKeyConstraint(['declaration_id'], ['coi_declaration.id'], name=op.f('fk_coi_comment_declaration_id_coi_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coi_comment'))
    )
    with op.batch_alter_table('coi_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coi_comment_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('coi_declaration_source',
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['coi_declaration.id'], name=op.f('fk_coi_declaration_source_declaration_id_coi_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['coi_list_item.id'], name=op.f('fk_coi_declaration_source_item_id_coi_list_item')),
    sa.PrimaryKeyConstraint('declaration_id', 'item_id', name=op.f('pk_coi_declaration_source'))
    )
    op.create_table('coi_declaration_type',
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['coi_declaration.id'], name=op.f('fk_coi_declaration_type_declaration_id_coi_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['coi_list_item.id'], name=op.f('fk_coi_declaration_type_item_id_coi_list_item')),
    sa.PrimaryKeyConstraint('declaration_id', 'item_id', name=op.f('pk_coi_declaration_type'))
    )


def downgrade():
    op.drop_table('coi_declaration_type')
    op.drop_table('coi_declaration_source')
    with op.batch_alter_table('coi_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coi_comment_declaration_id'))

    op.drop_table('coi_comment')
    with op.batch_alter_table('coi_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coi_attachment_declaration_id'))

    op.drop_table('coi_attachment')
    with op.batch_alter_table('coi_declaration', schema=None) as batch_op:
        batch_op.drop_index('uq_coi_yearly_statement', sqlite_where=sa.text("kind = 'yearly'"), postgresql_where=sa.text("kind = 'yearly'"))
        batch_op.drop_index(batch_op.f('ix_coi_declaration_status'))
        batch_op.drop_index('ix_coi_declaration_opd_year')
        batch_op.drop_index(batch_op.f('ix_coi_declaration_declarant_id'))
        batch_op.drop_index(batch_op.f('ix_coi_declaration_decider_id'))

    op.drop_table('coi_declaration')
    op.drop_table('coi_list_item')

