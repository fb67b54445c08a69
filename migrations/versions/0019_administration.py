"""Administration from the web: boards and providers can be deactivated (and a board can
name its requirement set and correct when reporting began), providers keep a contact,
staff can be staff administrators of their board or provider, and invitations

Revision ID: 0019_administration
Revises: 0015_provider_files
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0019_administration'
down_revision = '0015_provider_files'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on every table (no batch rebuild): SQLite keeps the users table,
    # its triggers and the foreign keys that point at it as they are.
    op.add_column('boards', sa.Column('requirement_set', sa.String(length=20), nullable=True))
    op.add_column('boards', sa.Column('reporting_began_on', sa.Date(), nullable=True))
    op.add_column('boards', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('providers', sa.Column('contact_name', sa.String(length=200), nullable=True))
    op.add_column('providers', sa.Column('contact_email', sa.String(length=254), nullable=True))
    op.add_column('providers', sa.Column('contact_phone', sa.String(length=40), nullable=True))
    op.add_column('providers', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('users', sa.Column('is_staff_admin', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.Column('staff_admin', sa.Boolean(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('invited_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_user_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('provider', 'board', 'admin')", name=op.f('ck_invitations_role_is_staff')),
    sa.CheckConstraint("(role = 'provider') = (provider_id IS NOT NULL)", name=op.f('ck_invitations_provider_staff_has_provider')),
    sa.CheckConstraint("(role = 'board') = (board_id IS NOT NULL)", name=op.f('ck_invitations_board_staff_has_board')),
    sa.ForeignKeyConstraint(['accepted_user_id'], ['users.id'], name=op.f('fk_invitations_accepted_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_invitations_board_id_boards'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['invited_by_user_id'], ['users.id'], name=op.f('fk_invitations_invited_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_invitations_provider_id_providers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_invitations_token_digest'))
    )
    op.create_index(op.f('ix_invitations_accepted_user_id'), 'invitations', ['accepted_user_id'])
    op.create_index(op.f('ix_invitations_board_id'), 'invitations', ['board_id'])
    op.create_index(op.f('ix_invitations_email'), 'invitations', ['email'])
    op.create_index(op.f('ix_invitations_invited_by_user_id'), 'invitations', ['invited_by_user_id'])
    op.create_index(op.f('ix_invitations_provider_id'), 'invitations', ['provider_id'])


def downgrade():
    op.drop_table('invitations')
    # DROP COLUMN (SQLite 3.35+): the same plain statements, no table rebuild.
    op.drop_column('users', 'is_staff_admin')
    op.drop_column('providers', 'active')
    op.drop_column('providers', 'contact_phone')
    op.drop_column('providers', 'contact_email')
    op.drop_column('providers', 'contact_name')
    op.drop_column('boards', 'active')
    op.drop_column('boards', 'reporting_began_on')
    op.drop_column('boards', 'requirement_set')
