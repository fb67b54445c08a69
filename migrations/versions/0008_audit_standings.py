"""Audit standings: each licensee's evaluation kept in a table, and triggers that note every change that can alter one

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_standings',
        sa.Column('licensee_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('hours_required_hundredths', sa.Integer(), nullable=False),
        sa.Column('hours_earned_hundredths', sa.Integer(), nullable=False),
        sa.Column('short_rule_ids', sa.String(length=500), nullable=False),
        sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['licensee_id'], ['licensees.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('licensee_id'),
    )
    op.create_table(
        'audit_stale_licensees',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('licensee_id', sa.Integer(), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_audit_stale_licensees_board', 'audit_stale_licensees', ['board_id', 'licensee_id']
    )
    op.create_index(
        op.f('ix_audit_stale_licensees_licensee_id'), 'audit_stale_licensees', ['licensee_id']
    )
    op.create_table(
        'audit_standings_versions',
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('requirements_version', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['board_id'], ['boards.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('board_id'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, event, ids in _POSTGRES_TRIGGERS:
            op.execute(f"""
                CREATE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                    {_note(ids, deduplicate=False)};
                    RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
            """)
            tables = {
                'INSERT': 'NEW TABLE AS new_rows',
                'DELETE': 'OLD TABLE AS old_rows',
                'UPDATE': 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
            }[event]
            op.execute(f"""
                CREATE TRIGGER {name} AFTER {event} ON {table}
                REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()
            """)
    else:
        for name, table, event, ids in _SQLITE_TRIGGERS:
            op.execute(f"""
                CREATE TRIGGER {name} AFTER {event} ON {table}
                BEGIN {_note(ids, deduplicate=True)}; END
            """)


def _note(ids: str, *, deduplicate: bool) -> str:
    """SQL noting the licensees whose ids ``ids`` (a SELECT) yields as stale. SQLite
    writes one at a time, so a note already waiting can be reused there."""
    sql = (
        "INSERT INTO audit_stale_licensees (licensee_id, board_id) "
        f"SELECT l.id, l.board_id FROM licensees l WHERE l.id IN ({ids})"
    )
    if deduplicate:
        sql += " AND NOT EXISTS (SELECT 1 FROM audit_stale_licensees s WHERE s.licensee_id = l.id)"
    return sql


# What a standing depends on: the licensee's matched completions (which, when, how much,
# of what type, deleted or not), the licence's facts, the topics of the activities
# completed, and the self-reported credit of physicians linked to the licence.
_COMPLETION_INPUTS = (
    'licensee_id', 'credits_hundredths', 'completed_on', 'credit_type_code', 'activity_id',
    'deleted_at',
)
_LICENSEE_FACTS = (
    'board_id', 'first_issued_on', 'expires_on', 'specialty', 'attests_geriatric_patients',
    'cme_waiver_on_file',
)
_LINKED_TO_USER = "SELECT licensee_id FROM license_links WHERE user_id IN ({users})"
_OF_SELF_REPORTED = (
    "SELECT k.licensee_id FROM license_links k JOIN self_reported_credits c "
    "ON c.user_id = k.user_id WHERE c.id IN ({credits})"
)
_OF_ACTIVITY = "SELECT licensee_id FROM completions WHERE activity_id IN ({activities})"


def _changed(columns, key='id') -> str:
    """Rows of an UPDATE whose ``columns`` changed (PostgreSQL transition tables)."""
    new = ', '.join(f'n.{c}' for c in columns)
    old = ', '.join(f'o.{c}' for c in columns)
    return f"new_rows n JOIN old_rows o ON o.{key} = n.{key} WHERE ({new}) IS DISTINCT FROM ({old})"


# (trigger name, table, event, SELECT of the licensee ids to note). PostgreSQL notes once
# per statement from its transition tables, so a COPY of 100,000 completions costs one join.
_POSTGRES_TRIGGERS = [
    ('audit_stale_on_completion_insert', 'completions', 'INSERT',
     "SELECT licensee_id FROM new_rows"),
    ('audit_stale_on_completion_update', 'completions', 'UPDATE',
     f"SELECT n.licensee_id FROM {_changed(_COMPLETION_INPUTS)} "
     f"UNION ALL SELECT o.licensee_id FROM {_changed(_COMPLETION_INPUTS)}"),
    ('audit_stale_on_completion_delete', 'completions', 'DELETE',
     "SELECT licensee_id FROM old_rows"),
    ('audit_stale_on_licensee_insert', 'licensees', 'INSERT', "SELECT id FROM new_rows"),
    ('audit_stale_on_licensee_update', 'licensees', 'UPDATE',
     f"SELECT n.id FROM {_changed(_LICENSEE_FACTS)}"),
    ('audit_stale_on_topic_insert', 'activity_topics', 'INSERT',
     _OF_ACTIVITY.format(activities="SELECT activity_id FROM new_rows")),
    ('audit_stale_on_topic_delete', 'activity_topics', 'DELETE',
     _OF_ACTIVITY.format(activities="SELECT activity_id FROM old_rows")),
    ('audit_stale_on_link_insert', 'license_links', 'INSERT',
     "SELECT licensee_id FROM new_rows"),
    ('audit_stale_on_link_update', 'license_links', 'UPDATE',
     "SELECT licensee_id FROM new_rows UNION ALL SELECT licensee_id FROM old_rows"),
    ('audit_stale_on_link_delete', 'license_links', 'DELETE',
     "SELECT licensee_id FROM old_rows"),
    ('audit_stale_on_self_reported_insert', 'self_reported_credits', 'INSERT',
     _LINKED_TO_USER.format(users="SELECT user_id FROM new_rows")),
    ('audit_stale_on_self_reported_update', 'self_reported_credits', 'UPDATE',
     _LINKED_TO_USER.format(
         users="SELECT user_id FROM new_rows UNION ALL SELECT user_id FROM old_rows")),
    ('audit_stale_on_self_reported_delete', 'self_reported_credits', 'DELETE',
     _LINKED_TO_USER.format(users="SELECT user_id FROM old_rows")),
    ('audit_stale_on_self_reported_topic_insert', 'self_reported_topics', 'INSERT',
     _OF_SELF_REPORTED.format(credits="SELECT self_reported_credit_id FROM new_rows")),
    ('audit_stale_on_self_reported_topic_delete', 'self_reported_topics', 'DELETE',
     _OF_SELF_REPORTED.format(credits="SELECT self_reported_credit_id FROM old_rows")),
]

# SQLite has row triggers only; ``UPDATE OF`` limits them to the columns that matter.
_SQLITE_TRIGGERS = [
    ('audit_stale_on_completion_insert', 'completions', 'INSERT', "SELECT NEW.licensee_id"),
    ('audit_stale_on_completion_update', 'completions',
     f"UPDATE OF {', '.join(_COMPLETION_INPUTS)}",
     "SELECT OLD.licensee_id UNION ALL SELECT NEW.licensee_id"),
    ('audit_stale_on_completion_delete', 'completions', 'DELETE', "SELECT OLD.licensee_id"),
    ('audit_stale_on_licensee_insert', 'licensees', 'INSERT', "SELECT NEW.id"),
    ('audit_stale_on_licensee_update', 'licensees', f"UPDATE OF {', '.join(_LICENSEE_FACTS)}",
     "SELECT NEW.id"),
    ('audit_stale_on_topic_insert', 'activity_topics', 'INSERT',
     _OF_ACTIVITY.format(activities="SELECT NEW.activity_id")),
    ('audit_stale_on_topic_delete', 'activity_topics', 'DELETE',
     _OF_ACTIVITY.format(activities="SELECT OLD.activity_id")),
    ('audit_stale_on_link_insert', 'license_links', 'INSERT', "SELECT NEW.licensee_id"),
    ('audit_stale_on_link_update', 'license_links', 'UPDATE',
     "SELECT OLD.licensee_id UNION ALL SELECT NEW.licensee_id"),
    ('audit_stale_on_link_delete', 'license_links', 'DELETE', "SELECT OLD.licensee_id"),
    ('audit_stale_on_self_reported_insert', 'self_reported_credits', 'INSERT',
     _LINKED_TO_USER.format(users="SELECT NEW.user_id")),
    ('audit_stale_on_self_reported_update', 'self_reported_credits', 'UPDATE',
     _LINKED_TO_USER.format(users="SELECT OLD.user_id UNION ALL SELECT NEW.user_id")),
    ('audit_stale_on_self_reported_delete', 'self_reported_credits', 'DELETE',
     _LINKED_TO_USER.format(users="SELECT OLD.user_id")),
    ('audit_stale_on_self_reported_topic_insert', 'self_reported_topics', 'INSERT',
     _OF_SELF_REPORTED.format(credits="SELECT NEW.self_reported_credit_id")),
    ('audit_stale_on_self_reported_topic_delete', 'self_reported_topics', 'DELETE',
     _OF_SELF_REPORTED.format(credits="SELECT OLD.self_reported_credit_id")),
]


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, _, _ in _POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name, _, _, _ in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('audit_standings_versions')
    op.drop_index(op.f('ix_audit_stale_licensees_licensee_id'), table_name='audit_stale_licensees')
    op.drop_index('ix_audit_stale_licensees_board', table_name='audit_stale_licensees')
    op.drop_table('audit_stale_licensees')
    op.drop_table('audit_standings')
