"""Sign-in that cannot be turned against its owner: failed sign-ins counted per e-mail
address and client (sign_in_failures) instead of one lock on the account, and sessions
kept on the server (user_sessions) so that signing out ends them

Revision ID: 0013_sign_in_hardening
Revises: 0012_identity_and_link_proof
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_sign_in_hardening'
down_revision = '0012_identity_and_link_proof'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)
    op.create_table(
        'sign_in_failures',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_failures')),
    )
    op.create_index(op.f('ix_sign_in_failures_last_failed_at'), 'sign_in_failures', ['last_failed_at'], unique=False)
    # The lock everyone shared goes. Sessions signed in before this migration carry no
    # server-side id and end: everyone signs in once more. A plain ALTER TABLE ... DROP
    # COLUMN (SQLite 3.35+), not batch mode: recreating users would cascade through every
    # table that refers to it.
    op.drop_column('users', 'sign_in_blocked_until')
    op.drop_column('users', 'failed_sign_ins')


def downgrade():
    op.add_column('users', sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False))
    op.add_column('users', sa.Column('sign_in_blocked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f('ix_sign_in_failures_last_failed_at'), table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
