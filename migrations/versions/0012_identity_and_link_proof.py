"""Identity checks a provider made per license (the matching oracle's guard), e-mail
verification, the roster's e-mail and one-time link codes, withdrawn transcripts

Revision ID: 0012_identity_and_link_proof
Revises: 0011
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012_identity_and_link_proof'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'identity_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('licensee_id', sa.Integer(), nullable=False),
        sa.Column('identity_key', sa.String(length=32), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('first_tried_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_tried_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_count', sa.Integer(), server_default='0', nullable=False),
        sa.CheckConstraint("state IN ('differs', 'held')", name=op.f('ck_identity_attempts_state_known')),
        sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], name=op.f('fk_identity_attempts_licensee_id_licensees'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_identity_attempts_provider_id_providers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_attempts')),
        sa.UniqueConstraint('provider_id', 'licensee_id', 'identity_key', name=op.f('uq_identity_attempts_provider_id_licensee_id_identity_key')),
    )
    op.create_index('ix_identity_attempts_licensee', 'identity_attempts', ['licensee_id'])

    op.create_table(
        'license_link_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('licensee_id', sa.Integer(), nullable=False),
        sa.Column('code_digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('failed_tries', sa.Integer(), server_default='0', nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], name=op.f('fk_license_link_codes_licensee_id_licensees'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_license_link_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_license_link_codes')),
    )
    op.create_index('ix_license_link_codes_user_id', 'license_link_codes', ['user_id'])
    op.create_index('ix_license_link_codes_licensee_id', 'license_link_codes', ['licensee_id'])

    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    # Staff accounts were made by an administrator for a known address; physicians who
    # signed up before verification existed prove their address before their next link.
    op.execute("UPDATE users SET email_verified_at = created_at WHERE role <> 'physician'")
    op.add_column('licensees', sa.Column('email', sa.String(length=254), nullable=True))
    op.add_column('issued_transcripts', sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
    # Linking throttles per account and per client address, never per license; a code
    # sent to the roster's address and the settling of a contested claim are outcomes too.
    with op.batch_alter_table('link_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_link_attempts_outcome_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_link_attempts_outcome_known'),
            "outcome IN ('linked', 'no_match', 'claimed_by_other', 'throttled', 'code_sent', "
            "'bad_code', 'claim_resolved')",
        )
        batch_op.create_index('ix_link_attempts_address_at', ['ip_address', 'attempted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('link_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_link_attempts_address_at')
        batch_op.drop_constraint(batch_op.f('ck_link_attempts_outcome_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_link_attempts_outcome_known'),
            "outcome IN ('linked', 'no_match', 'claimed_by_other', 'throttled')",
        )
    op.drop_column('issued_transcripts', 'withdrawn_at')
    with op.batch_alter_table('licensees', schema=None) as batch_op:
        batch_op.drop_column('email')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
    op.drop_index('ix_license_link_codes_licensee_id', table_name='license_link_codes')
    op.drop_index('ix_license_link_codes_user_id', table_name='license_link_codes')
    op.drop_table('license_link_codes')
    op.drop_index('ix_identity_attempts_licensee', table_name='identity_attempts')
    op.drop_table('identity_attempts')
