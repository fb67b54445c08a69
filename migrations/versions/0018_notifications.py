"""Telling people: notifications (each recorded once per event and recipient before it is
sent, with its delivery attempts), e-mail opt-outs per address and topic, and transcripts
shared by link with every view of them

Revision ID: 0018_notifications
Revises: 0016_audit_workflow
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_notifications'
down_revision = '0016_audit_workflow'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('topic', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('secret', sa.Boolean(), nullable=False),
        sa.Column('link_path', sa.String(length=500), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'abandoned', 'unsubscribed')",
            name=op.f('ck_notifications_status_known'),
        ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('event_key', name=op.f('uq_notifications_event_key')),
    )
    op.create_index('ix_notifications_status_next_attempt_at', 'notifications', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notifications_user_id'), 'notifications', ['user_id'], unique=False)
    op.create_table(
        'email_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('topic', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_opt_outs')),
        sa.UniqueConstraint('address', 'topic', name=op.f('uq_email_opt_outs_address_topic')),
    )
    op.create_table(
        'transcript_shares',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('licensee_id', sa.Integer(), nullable=False),
        sa.Column('issued_transcript_id', sa.Integer(), nullable=False),
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('recipient', sa.String(length=120), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_transcript_shares_period_in_order')),
        sa.ForeignKeyConstraint(['issued_transcript_id'], ['issued_transcripts.id'], name=op.f('fk_transcript_shares_issued_transcript_id_issued_transcripts'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], name=op.f('fk_transcript_shares_licensee_id_licensees'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_transcript_shares_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_shares')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_transcript_shares_token_digest')),
    )
    op.create_index(op.f('ix_transcript_shares_issued_transcript_id'), 'transcript_shares', ['issued_transcript_id'], unique=False)
    op.create_index(op.f('ix_transcript_shares_licensee_id'), 'transcript_shares', ['licensee_id'], unique=False)
    op.create_index(op.f('ix_transcript_shares_user_id'), 'transcript_shares', ['user_id'], unique=False)
    op.create_table(
        'transcript_share_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('share_id', sa.Integer(), nullable=False),
        sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ip_address', sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(['share_id'], ['transcript_shares.id'], name=op.f('fk_transcript_share_views_share_id_transcript_shares'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_share_views')),
    )
    op.create_index(op.f('ix_transcript_share_views_share_id'), 'transcript_share_views', ['share_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_transcript_share_views_share_id'), table_name='transcript_share_views')
    op.drop_table('transcript_share_views')
    op.drop_index(op.f('ix_transcript_shares_user_id'), table_name='transcript_shares')
    op.drop_index(op.f('ix_transcript_shares_licensee_id'), table_name='transcript_shares')
    op.drop_index(op.f('ix_transcript_shares_issued_transcript_id'), table_name='transcript_shares')
    op.drop_table('transcript_shares')
    op.drop_table('email_opt_outs')
    op.drop_index(op.f('ix_notifications_user_id'), table_name='notifications')
    op.drop_index('ix_notifications_status_next_attempt_at', table_name='notifications')
    op.drop_table('notifications')
