"""wbs: reports, messages, evidence, exclusions, identity requests; settings; extra holidays

Revision ID: b1e0c3a7d2f1
Revises: 82c427a0d24e
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa

import portal.core.db_types  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'b1e0c3a7d2f1'
down_revision = '82c427a0d24e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wbs_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_id', sa.String(length=160), nullable=False),
    sa.Column('label_en', sa.String(length=160), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_category')),
    sa.UniqueConstraint('code', name=op.f('uq_wbs_category_code'))
    )
    op.create_table('workdays_holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workdays_holiday')),
    sa.UniqueConstraint('day', name=op.f('uq_workdays_holiday_day'))
    )
    op.create_table('settings_value',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['auth_user.id'], name=op.f('fk_settings_value_updated_by_id_auth_user')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings_value'))
    )
    op.create_table('wbs_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.Enum('anonymous', 'confidential', 'open', name='mode', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('diterima', 'verifikasi', 'telaah', 'audit_investigatif', 'rekomendasi', 'tindak_lanjut', 'selesai_terbukti', 'selesai_tidak_terbukti', 'ditolak', 'bukan_wewenang', name='status', native_enum=False, length=32), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('reported_opd_id', sa.Integer(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('ack_due', sa.Date(), nullable=False),
    sa.Column('verify_due', sa.Date(), nullable=False),
    sa.Column('conclude_due', sa.Date(), nullable=False),
    sa.Column('waiting_since', sa.Date(), nullable=True),
    sa.Column('referral', sa.Enum('kpk', 'kejaksaan', 'polri', 'sp4n_lapor', 'other', name='referral', native_enum=False, length=32), nullable=True),
    sa.Column('escalate', sa.Boolean(), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('legal_hold', sa.Boolean(), nullable=False),
    sa.Column('shredded_on', sa.Date(), nullable=True),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('identity', sa.LargeBinary(), nullable=True),
    sa.Column('last_activity_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['auth_user.id'], name=op.f('fk_wbs_report_assigned_to_id_auth_user')),
    sa.ForeignKeyConstraint(['category_id'], ['wbs_category.id'], name=op.f('fk_wbs_report_category_id_wbs_category')),
    sa.ForeignKeyConstraint(['reported_opd_id'], ['org_opd.id'], name=op.f('fk_wbs_report_reported_opd_id_org_opd')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_report')),
    sa.UniqueConstraint('public_id', name=op.f('uq_wbs_report_public_id')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_wbs_report_receipt_hash'))
    )
    with op.batch_alter_table('wbs_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_report_filed_on'), ['filed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_wbs_report_reported_opd_id'), ['reported_opd_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wbs_report_status'), ['status'], unique=False)

    op.create_table('wbs_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.Enum('diterima', 'verifikasi', 'telaah', 'audit_investigatif', 'rekomendasi', 'tindak_lanjut', 'selesai_terbukti', 'selesai_tidak_terbukti', 'ditolak', 'bukan_wewenang', name='status', native_enum=False, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('diterima', 'verifikasi', 'telaah', 'audit_investigatif', 'rekomendasi', 'tindak_lanjut', 'selesai_terbukti', 'selesai_tidak_terbukti', 'ditolak', 'bukan_wewenang', name='status', native_enum=False, length=32), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['auth_user.id'], name=op.f('fk_wbs_event_actor_id_auth_user')),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_event_report_id_wbs_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_event'))
    )
    with op.batch_alter_table('wbs_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_event_report_id'), ['report_id'], unique=False)

    op.create_table('wbs_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('from_reporter', sa.Boolean(), nullable=False),
    sa.Column('added_on', sa.Date(), nullable=False),
    sa.Column('name', sa.LargeBinary(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('metadata_removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_evidence_report_id_wbs_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_evidence')),
    sa.UniqueConstraint('public_id', name=op.f('uq_wbs_evidence_public_id')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_wbs_evidence_storage_key'))
    )
    with op.batch_alter_table('wbs_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_evidence_report_id'), ['report_id'], unique=False)

    op.create_table('wbs_exclusion',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_exclusion_report_id_wbs_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_wbs_exclusion_user_id_auth_user')),
    sa.PrimaryKeyConstraint('report_id', 'user_id', name=op.f('pk_wbs_exclusion'))
    )
    op.create_table('wbs_identity_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['auth_user.id'], name=op.f('fk_wbs_identity_request_decided_by_id_auth_user')),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_identity_request_report_id_wbs_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['auth_user.id'], name=op.f('fk_wbs_identity_request_requested_by_id_auth_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_identity_request'))
    )
    with op.batch_alter_table('wbs_identity_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_identity_request_report_id'), ['report_id'], unique=False)

    op.create_table('wbs_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('from_reporter', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('read_by_handler', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['auth_user.id'], name=op.f('fk_wbs_message_author_id_auth_user')),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_message_report_id_wbs_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_message'))
    )
    with op.batch_alter_table('wbs_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_message_report_id'), ['report_id'], unique=False)

    op.create_table('wbs_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.core.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['auth_user.id'], name=op.f('fk_wbs_note_author_id_auth_user')),
    sa.ForeignKeyConstraint(['report_id'], ['wbs_report.id'], name=op.f('fk_wbs_note_report_id_wbs_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wbs_note'))
    )
    with op.batch_alter_table('wbs_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wbs_note_report_id'), ['report_id'], unique=False)






def downgrade():
    with op.batch_alter_table('wbs_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_note_report_id'))

    op.drop_table('wbs_note')
    with op.batch_alter_table('wbs_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_message_report_id'))

    op.drop_table('wbs_message')
    with op.batch_alter_table('wbs_identity_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_identity_request_report_id'))

    op.drop_table('wbs_identity_request')
    op.drop_table('wbs_exclusion')
    with op.batch_alter_table('wbs_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_evidence_report_id'))

    op.drop_table('wbs_evidence')
    with op.batch_alter_table('wbs_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_event_report_id'))

    op.drop_table('wbs_event')
    with op.batch_alter_table('wbs_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wbs_report_status'))
        batch_op.drop_index(batch_op.f('ix_wbs_report_reported_opd_id'))
        batch_op.drop_index(batch_op.f('ix_wbs_report_filed_on'))

    op.drop_table('wbs_report')
    op.drop_table('settings_value')
    op.drop_table('workdays_holiday')
    op.drop_table('wbs_category')
