"""SQLite: the completion insert trigger tests for a waiting note in its WHEN clause, so an upload that noted its licensees first pays no insert per row

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 08:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# PostgreSQL's statement trigger (migration 0008) notes a whole COPY in one join and is
# left as it is. SQLite fires a row trigger per completion: in the form of 0008 every row
# ran an INSERT ... SELECT with an IN list, about 30 us a row on a 100,000-row upload.
# Here the test for a note already waiting is the trigger's WHEN clause, so a row whose
# licensee is noted (the upload pipeline notes a chunk's licensees in one statement before
# it inserts them, audit.standings.note_stale) runs no body at all; an unmatched completion
# (no licensee) has nothing to note.
_NAME = 'audit_stale_on_completion_insert'
_NEW = f"""
    CREATE TRIGGER {_NAME} AFTER INSERT ON completions
    WHEN NEW.licensee_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM audit_stale_licensees s WHERE s.licensee_id = NEW.licensee_id)
    BEGIN
        INSERT INTO audit_stale_licensees (licensee_id, board_id)
        SELECT l.id, l.board_id FROM licensees l WHERE l.id = NEW.licensee_id;
    END
"""
_OLD = f"""
    CREATE TRIGGER {_NAME} AFTER INSERT ON completions
    BEGIN INSERT INTO audit_stale_licensees (licensee_id, board_id) SELECT l.id, l.board_id
    FROM licensees l WHERE l.id IN (SELECT NEW.licensee_id) AND NOT EXISTS
    (SELECT 1 FROM audit_stale_licensees s WHERE s.licensee_id = l.id); END
"""


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TRIGGER {_NAME}")
        op.execute(_NEW)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TRIGGER {_NAME}")
        op.execute(_OLD)
