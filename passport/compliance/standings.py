"""Each licensee's audit standing, kept true so the worklist never evaluates on a page view.

An auditor's worklist filters by status, sorts by hours earned and counts licensees by
status over a whole renewal window: evaluating the window on every page view took seconds
(tens of thousands of licensees). Instead each licensee's overall status, hours and short
rules are kept in ``audit_standings`` and the worklist reads them with plain SQL.

Keeping them true does not rely on every writer remembering to: triggers in the database
(migration 0008) write a note in ``audit_stale_licensees`` whenever something a standing
depends on changes, whoever changes it (an upload, the web service, a roster import,
matching, a correction, a topic edit, self-reported credit, even a hand-written query).
``refresh_standings`` runs before the worklist is read: it takes the board's notes, and
evaluates those licensees again in bulk (``measure_totals``, then the engine). When the
board's requirement set or the engine changes, every standing of the board is evaluated
again.

Why this is safe under concurrency: the notes are taken with one ``DELETE ... RETURNING``
*before* the licensees are evaluated, so the evaluation sees at least every change behind
the notes it took; a change committed later leaves a note of its own for the next refresh.
On PostgreSQL refreshes of one board are serialised by an advisory lock, so two auditors
opening the worklist at once do the work once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import insert_rows, stage_keys
from passport.compliance.evaluation import measure_totals
from passport.compliance.models import AuditStanding, StaleStanding, StandingsVersion
from passport.compliance.on_file import satisfied_rules
from passport.db import utcnow
from passport.requirements.engine import LicenseeFacts, evaluate_totals
from passport.requirements.rules import RequirementSet
from passport.roster.models import Licensee
from passport.roster.requirement_sets import requirement_set_of_board

# Bump when the engine's results change for the same requirement set and credit, so every
# standing is evaluated again on the next refresh.
ENGINE_VERSION = 2  # 2: overdue, not evidenced before records, on file; first-period fix
_LOCK_NAMESPACE = 0x5A5D  # pg_advisory_xact_lock(namespace, board id)

# The engine's LicenseeFacts, in its field order.
_FACT_COLUMNS = (
    Licensee.first_issued_on,
    Licensee.expires_on,
    Licensee.specialty,
    Licensee.attests_geriatric_patients,
    Licensee.cme_waiver_on_file,
)


def requirements_version(rs: RequirementSet) -> str:
    """A digest of the requirement set's content and the engine's version."""

    def plain(value):
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        return str(value)

    text = json.dumps(
        [ENGINE_VERSION, dataclasses.asdict(rs)], default=plain, sort_keys=True, ensure_ascii=True
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _hundredths(hours: Decimal) -> int:
    return int((hours * 100).to_integral_value(ROUND_HALF_UP))


def evaluate_standings(session: Session, rs: RequirementSet, licensees: sa.Select) -> list[dict]:
    """Standings (rows for ``audit_standings``) of the licensees ``licensees`` selects (a
    SELECT of ``Licensee.id``, ``Licensee.expires_on`` and ``_FACT_COLUMNS``), in bulk."""
    rows = session.execute(licensees).all()
    if not rows:
        return []
    totals = measure_totals(session, rs, licensees.subquery())
    on_file = satisfied_rules(session, (row.id for row in rows))
    now, standings = utcnow(), []
    for row in rows:
        facts = LicenseeFacts._make((*row[1:], on_file.get(row.id, frozenset())))
        evaluation = evaluate_totals(rs, facts, totals.get(row.id, {}))
        standings.append(
            {
                "licensee_id": row.id,
                "status": evaluation.status,
                "hours_required_hundredths": _hundredths(evaluation.hours_required),
                "hours_earned_hundredths": _hundredths(evaluation.hours_earned),
                "short_rule_ids": " ".join(rule.rule_id for rule in evaluation.failing_rules),
                "evaluated_at": now,
            }
        )
    return standings


def note_stale(session: Session, licensee_ids: Iterable[int]) -> None:
    """Note these licensees' standings as stale in one statement, ahead of a bulk write
    that the triggers would otherwise note row by row.

    Only SQLite needs it: its completion trigger (migration 0009) does nothing for a
    licensee whose note is already waiting, so an upload that notes a chunk's licensees
    first saves an insert per row. PostgreSQL's statement triggers note a whole COPY at
    once, and never skip a note (see ``StaleStanding``), so nothing is done there."""
    if session.get_bind().dialect.name != "sqlite":
        return
    ids = sorted(set(licensee_ids))
    if not ids:
        return
    staged = stage_keys(
        session, [(i,) for i in ids], "passport_noted_licensees", "id INTEGER PRIMARY KEY"
    )
    session.execute(
        sa.insert(StaleStanding).from_select(
            ["licensee_id", "board_id"],
            sa.select(Licensee.id, Licensee.board_id).where(
                Licensee.id.in_(sa.select(staged.c.id)),
                ~sa.exists().where(StaleStanding.licensee_id == Licensee.id),
            ),
        )
    )


def refresh_standings(session: Session, board_id: int) -> int:
    """Evaluate again every licensee of the board with a note (or all of them, if the
    requirement set changed); return how many. The caller commits."""
    rs = requirement_set_of_board(session, board_id)
    if rs is None:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_NAMESPACE, board_id)))
    noted = set(
        session.scalars(
            sa.delete(StaleStanding)
            .where(StaleStanding.board_id == board_id)
            .returning(StaleStanding.licensee_id)
        )
    )
    version = requirements_version(rs)
    stored = session.get(StandingsVersion, board_id)
    selection = sa.select(Licensee.id, *_FACT_COLUMNS).where(Licensee.board_id == board_id)
    if stored is None or stored.requirements_version != version:
        if stored is None:
            session.add(StandingsVersion(board_id=board_id, requirements_version=version))
        else:
            stored.requirements_version = version
        session.flush()
    elif noted:
        staged = stage_keys(
            session,
            [(i,) for i in sorted(noted)],
            "passport_stale_licensees",
            "id INTEGER PRIMARY KEY",
        )
        selection = selection.join(staged, staged.c.id == Licensee.id)
    else:
        return 0
    standings = evaluate_standings(session, rs, selection)
    session.execute(
        sa.delete(AuditStanding).where(
            AuditStanding.licensee_id.in_(selection.with_only_columns(Licensee.id))
        )
    )
    insert_rows(session, AuditStanding.__table__, standings)
    return len(standings)


def refresh_noted_boards(session: Session) -> int:
    """Refresh every board with notes waiting, each in its own transaction (the
    background job after uploads and roster imports); return how many were evaluated."""
    boards = session.scalars(sa.select(StaleStanding.board_id).distinct()).all()
    evaluated = 0
    for board_id in boards:
        evaluated += refresh_standings(session, board_id)
        session.commit()
    return evaluated


def short_rule_labels(rs: RequirementSet | None, rule_ids: str | None) -> tuple[str, ...]:
    """The labels of the rules a standing is short on (stored as their ids)."""
    if not rs or not rule_ids:
        return ()
    labels = {rule.id: rule.label for rule in rs.rules}
    return tuple(labels.get(rule_id, rule_id) for rule_id in rule_ids.split())
