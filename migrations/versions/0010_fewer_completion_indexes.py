"""Drop two completion indexes that no query uses and every upload writes: match_status (unmatched records are found by licensee_id IS NULL) and the licence

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 08:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # The check constraint matched_has_licensee makes "unmatched" and "licensee_id IS NULL"
    # the same rows, and ix_completions_licensee_completed finds those. No query reads
    # completions by licence number (matching reads the roster). Each index cost every
    # inserted completion a B-tree insert.
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.drop_index('ix_completions_match_status')
        batch_op.drop_index('ix_completions_license')


def downgrade():
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.create_index('ix_completions_license', ['license_state', 'license_number'], unique=False)
        batch_op.create_index('ix_completions_match_status', ['match_status'], unique=False)
