"""A version records the upload row that wrote it; upload_rows keeps only the rows that wrote no version (rejected, unchanged)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Existing uploads keep every outcome in upload_rows and their versions no row number;
    # reporting.queries reads both tables, so old and new uploads read alike.
    with op.batch_alter_table('completion_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row_number', sa.Integer(), nullable=True))
        batch_op.create_index(
            'ix_completion_versions_upload_row', ['upload_id', 'row_number'], unique=True
        )


def downgrade():
    # Outcomes told only by a version are written back to upload_rows first.
    op.execute(
        "INSERT INTO upload_rows (upload_id, row_number, outcome, completion_id, submitted) "
        "SELECT upload_id, row_number, CASE action WHEN 'update' THEN 'updated' "
        "WHEN 'delete' THEN 'deleted' ELSE 'created' END, completion_id, '{}' "
        "FROM completion_versions WHERE row_number IS NOT NULL AND upload_id IS NOT NULL"
    )
    with op.batch_alter_table('completion_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_completion_versions_upload_row')
        batch_op.drop_column('row_number')
