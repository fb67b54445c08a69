"""Requirements on file: one-time requirements a board holds as satisfied (roster, board
staff, a physician's attestation with a certificate)

Revision ID: 0014_audit_truth
Revises: 0013_sign_in_hardening
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_audit_truth'
down_revision = '0013_sign_in_hardening'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'requirements_on_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('licensee_id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.String(length=40), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('satisfied_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('certificate_sha256', sa.String(length=64), nullable=True),
        sa.Column('certificate_media_type', sa.String(length=30), nullable=True),
        sa.Column('certificate_filename', sa.String(length=255), nullable=True),
        sa.Column('created_by_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=False),
        sa.CheckConstraint("source IN ('roster', 'board', 'physician')", name=op.f('ck_requirements_on_file_source_known')),
        sa.CheckConstraint("state IN ('accepted', 'pending', 'rejected')", name=op.f('ck_requirements_on_file_state_known')),
        sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_requirements_on_file_created_by_user_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_requirements_on_file_decided_by_user_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], name=op.f('fk_requirements_on_file_licensee_id_licensees'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_requirements_on_file')),
    )
    op.create_index('ix_requirements_on_file_licensee', 'requirements_on_file', ['licensee_id', 'rule_id'])
    op.create_index(op.f('ix_requirements_on_file_created_by_user_id'), 'requirements_on_file', ['created_by_user_id'])
    op.create_index(op.f('ix_requirements_on_file_decided_by_user_id'), 'requirements_on_file', ['decided_by_user_id'])
    # What a provider declares an activity's content covers (boards' content rules).
    op.add_column('activities', sa.Column('content_declarations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('content_declarations')
    op.drop_index(op.f('ix_requirements_on_file_decided_by_user_id'), table_name='requirements_on_file')
    op.drop_index(op.f('ix_requirements_on_file_created_by_user_id'), table_name='requirements_on_file')
    op.drop_index('ix_requirements_on_file_licensee', table_name='requirements_on_file')
    op.drop_table('requirements_on_file')
