"""The audit workflow: licensees' names folded for a board-wide search, and documentation
requests an audit case sends its licensee (the requirements named, the certificates the
physician uploads, the board's decision on each)

Revision ID: 0016_audit_workflow
Revises: 0014_audit_truth
Create Date: 2026-12-01 21:52:12.989230

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0016_audit_workflow'
down_revision = '0014_audit_truth'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('licensee_name_keys',
    sa.Column('licensee_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_last_key', sa.String(length=200), nullable=False),
    sa.Column('last_first_key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], name=op.f('fk_licensee_name_keys_licensee_id_licensees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('licensee_id', name=op.f('pk_licensee_name_keys'))
    )
    op.create_index('ix_licensee_name_keys_board', 'licensee_name_keys', ['board_id'])

    op.create_table('documentation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('licensee_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['audit_cases.id'], name=op.f('fk_documentation_requests_case_id_audit_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], name=op.f('fk_documentation_requests_licensee_id_licensees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_documentation_requests_requested_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documentation_requests'))
    )
    op.create_index('ix_documentation_requests_case_id', 'documentation_requests', ['case_id'])
    op.create_index('ix_documentation_requests_licensee_id', 'documentation_requests', ['licensee_id'])
    op.create_index('ix_documentation_requests_requested_by_user_id', 'documentation_requests', ['requested_by_user_id'])

    op.create_table('documentation_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=60), nullable=False),
    sa.Column('rule_label', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['documentation_requests.id'], name=op.f('fk_documentation_items_request_id_documentation_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documentation_items')),
    sa.UniqueConstraint('request_id', 'rule_id', name=op.f('uq_documentation_items_request_id_rule_id'))
    )
    op.create_table('documentation_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("decision IN ('pending', 'accepted', 'rejected')", name=op.f('ck_documentation_documents_decision_known')),
    sa.CheckConstraint("media_type IN ('application/pdf', 'image/png', 'image/jpeg')", name=op.f('ck_documentation_documents_media_type_known')),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_documentation_documents_decided_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['documentation_items.id'], name=op.f('fk_documentation_documents_item_id_documentation_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['users.id'], name=op.f('fk_documentation_documents_uploaded_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documentation_documents'))
    )
    op.create_index('ix_documentation_documents_decided_by_user_id', 'documentation_documents', ['decided_by_user_id'])
    op.create_index('ix_documentation_documents_item_id', 'documentation_documents', ['item_id'])
    op.create_index('ix_documentation_documents_uploaded_by_user_id', 'documentation_documents', ['uploaded_by_user_id'])


def downgrade():
    op.drop_index('ix_documentation_documents_uploaded_by_user_id', table_name='documentation_documents')
    op.drop_index('ix_documentation_documents_item_id', table_name='documentation_documents')
    op.drop_index('ix_documentation_documents_decided_by_user_id', table_name='documentation_documents')

    op.drop_table('documentation_documents')
    op.drop_table('documentation_items')
    op.drop_index('ix_documentation_requests_requested_by_user_id', table_name='documentation_requests')
    op.drop_index('ix_documentation_requests_licensee_id', table_name='documentation_requests')
    op.drop_index('ix_documentation_requests_case_id', table_name='documentation_requests')

    op.drop_table('documentation_requests')
    op.drop_index('ix_licensee_name_keys_board', table_name='licensee_name_keys')

    op.drop_table('licensee_name_keys')
