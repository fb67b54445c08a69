"""Provider files (issue 22): an upload's file format and problem summary; roster imports
with their column mapping, preview and history

Revision ID: 0015_provider_files
Revises: 0018_notifications
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015_provider_files'
down_revision = '0018_notifications'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs: SQLite does them in place, so the uploads table (referenced by
    # completions and upload_rows) is never rebuilt.
    op.add_column('uploads', sa.Column('file_format', sa.String(length=20), nullable=True))
    op.add_column('uploads', sa.Column('problem_summary', sa.JSON(), nullable=True))
    op.create_table(
        'roster_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('original_filename', sa.String(length=255), nullable=True),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('stored_path', sa.String(length=500), nullable=False),
        sa.Column('full_roster', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('would_deactivate', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'done', 'cancelled')", name=op.f('ck_roster_imports_status_known')),
        sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_roster_imports_board_id_boards'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roster_imports_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_imports')),
    )
    op.create_index('ix_roster_imports_board_created', 'roster_imports', ['board_id', 'created_at'])


def downgrade():
    op.drop_index('ix_roster_imports_board_created', table_name='roster_imports')
    op.drop_table('roster_imports')
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('problem_summary')
        batch_op.drop_column('file_format')
