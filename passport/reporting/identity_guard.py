"""The guard on matching answers: a provider cannot learn a licensee's date of birth or
name by trying variants.

Matching answers "matched" or "differs" for a license the roster holds. Sent honestly, the
right identity matches at once, and a typo is answered "differs" so staff can fix it. Sent
as a sweep (one license number and last name with every month and day), the one "matched"
would name the roster's date of birth. So, per provider (all its staff and API clients)
and licensee, Passport counts the distinct identities it has answered "differs" in the
last ``WINDOW``. Once there are ``MAX_DIFFERING_IDENTITIES`` of them, any *new* identity
for that licensee, right or wrong, is held: answered "waiting for matching" with no
per-record reason, and its record stays unmatched. Identities answered before keep their
answer (the provider already has it), as does the identity of a record the provider has
matched before. Every held attempt is counted; the board sees them; an administrator who
judges the provider honest clears them, and its held records are matched again.

The counters live in ``identity_attempts``: one row per (provider, licensee, identity
digest) that differed or was held. Matching identities write nothing, so honest uploads
pay one indexed read per chunk of licensees and no writes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.reporting.matching import MatchResult, match_identities
from passport.reporting.models import Activity, Completion, IdentityAttempt, MatchStatus
from passport.reporting.validation import Identity
from passport.roster.identifiers import name_key
from passport.roster.models import Licensee
from passport.trail.services import record_event

MAX_DIFFERING_IDENTITIES = 3
WINDOW = timedelta(days=30)
_CHUNK = 900


def identity_key(identity: Identity) -> str:
    """A digest of what matching compares (the last name as matching reads it and the
    month/day), so two spellings matching treats alike are one identity."""
    text = f"{name_key(identity.last_name)}|{identity.dob_month:02d}-{identity.dob_day:02d}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass
class _LicenseeState:
    """What the guard knows of one licensee for this provider while a batch is answered."""

    rows: dict[str, IdentityAttempt]
    differing_recently: int
    new: list[IdentityAttempt] = field(default_factory=list)


def guarded_match(
    session: Session,
    provider_id: int,
    identities: list[Identity],
    *,
    actor_user_id: int | None = None,
    now: datetime | None = None,
) -> list[MatchResult]:
    """Match ``identities`` as ``match_identities`` does, then hold back every answer the
    provider may not be given (module docstring). Records what it answered, in order, so a
    batch is guarded identity by identity as if each came alone."""
    results = match_identities(session, identities)
    found = {result.roster_id for result in results if result.roster_id is not None}
    if not found:
        return results
    now = now or utcnow()
    states = _load_states(session, provider_id, found, now)
    known: dict[int, set[str]] = {}
    held_by_licensee: dict[int, int] = defaultdict(int)
    guarded: list[MatchResult] = []
    for identity, result in zip(identities, results, strict=True):
        if result.roster_id is None:
            guarded.append(result)
            continue
        state = states[result.roster_id]
        answer = _answer(session, provider_id, known, state, identity, result, now)
        if answer.status is MatchStatus.PENDING:
            held_by_licensee[result.roster_id] += 1
        guarded.append(answer)
    _insert_new(session, [row for state in states.values() for row in state.new])
    session.flush()
    for licensee_id, held in held_by_licensee.items():
        record_event(
            session,
            actor_user_id=actor_user_id,
            action="identity_checks.held",
            object_type="licensee",
            object_id=licensee_id,
            detail={"provider_id": provider_id, "held": held},
        )
    return guarded


def _answer(
    session: Session,
    provider_id: int,
    known: dict[int, set[str]],
    state: _LicenseeState,
    identity: Identity,
    result: MatchResult,
    now: datetime,
) -> MatchResult:
    key = identity_key(identity)
    row = state.rows.get(key)
    if row is not None and row.state == "differs":
        row.last_tried_at = now
        return result  # answered before: the provider has this answer already
    if state.differing_recently < MAX_DIFFERING_IDENTITIES:
        if result.status is MatchStatus.IDENTITY_MISMATCH:
            state.differing_recently += 1
            _note(session, provider_id, state, result.roster_id, key, "differs", now, row)
        elif row is not None:  # held before, answered now: it matched
            del state.rows[key]
            if row in session:
                session.delete(row)
        return result
    if result.status is MatchStatus.MATCHED and key in _known_true(
        session, provider_id, known, result.licensee_id
    ):
        return result
    _note(session, provider_id, state, result.roster_id, key, "held", now, row).blocked_count += 1
    return MatchResult(MatchStatus.PENDING, None, result.roster_id)


def _note(session, provider_id, state, licensee_id, key, kind, now, row) -> IdentityAttempt:  # noqa: ANN001
    """Note an answer in the licensee's rows. New rows stay out of the session and are
    written by ``_insert_new`` (an upsert: two uploads at once may note the same one)."""
    if row is None:
        row = IdentityAttempt(
            provider_id=provider_id,
            licensee_id=licensee_id,
            identity_key=key,
            state=kind,
            first_tried_at=now,
            last_tried_at=now,
            blocked_count=0,
        )
        state.rows[key] = row
        state.new.append(row)
    else:
        row.state, row.last_tried_at = kind, now
        if kind == "differs":
            row.first_tried_at = now  # counted in the window from its answer
    return row


def _insert_new(session: Session, rows: list[IdentityAttempt]) -> None:
    """Write the batch's new rows; a row another transaction wrote meanwhile is updated
    instead (its held count added), never a unique-key error."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = IdentityAttempt.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["provider_id", "licensee_id", "identity_key"],
        set_={
            "state": statement.excluded.state,
            "last_tried_at": statement.excluded.last_tried_at,
            "blocked_count": table.c.blocked_count + statement.excluded.blocked_count,
        },
    )
    session.execute(
        statement,
        [
            {
                "provider_id": row.provider_id,
                "licensee_id": row.licensee_id,
                "identity_key": row.identity_key,
                "state": row.state,
                "first_tried_at": row.first_tried_at,
                "last_tried_at": row.last_tried_at,
                "blocked_count": row.blocked_count,
            }
            for row in rows
        ],
    )


def _known_true(
    session: Session, provider_id: int, known: dict[int, set[str]], licensee_id: int
) -> set[str]:
    """Identities of the provider's own records already matched to this licensee: their
    answer is the truth the provider holds, so re-sending them stays matched."""
    if licensee_id not in known:
        rows = session.execute(
            sa.select(Completion.last_name, Completion.dob_month, Completion.dob_day)
            .join(Activity, Completion.activity_id == Activity.id)
            .where(
                Completion.licensee_id == licensee_id,
                Activity.provider_id == provider_id,
                Completion.match_status == MatchStatus.MATCHED.value,
            )
        ).all()
        known[licensee_id] = {
            identity_key(Identity("", last, month, day, None, None, None, None))
            for last, month, day in rows
        }
    return known[licensee_id]


def _load_states(
    session: Session, provider_id: int, licensee_ids: set[int], now: datetime
) -> dict[int, _LicenseeState]:
    states = {licensee_id: _LicenseeState({}, 0) for licensee_id in licensee_ids}
    since = now - WINDOW
    ordered = sorted(licensee_ids)
    for start in range(0, len(ordered), _CHUNK):
        for row in session.scalars(
            sa.select(IdentityAttempt).where(
                IdentityAttempt.provider_id == provider_id,
                IdentityAttempt.licensee_id.in_(ordered[start : start + _CHUNK]),
            )
        ):
            state = states[row.licensee_id]
            state.rows[row.identity_key] = row
            if row.state == "differs" and _aware(row.first_tried_at) >= since:
                state.differing_recently += 1
    return states


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


# What the board and administrators see ------------------------------------------------


@dataclass(frozen=True)
class SuspiciousChecks:
    provider_id: int
    provider_name: str
    licensee_id: int
    license_number: str
    board_code: str
    identities_tried: int
    blocked_attempts: int
    last_tried_at: datetime


def suspicious_checks(session: Session, board_id: int | None = None) -> list[SuspiciousChecks]:
    """Every (provider, licensee) with attempts held back, newest first; ``board_id``
    limits it to one board's licensees (the board's page)."""
    from passport.reporting.models import Provider
    from passport.roster.models import Board

    query = (
        sa.select(
            IdentityAttempt.provider_id,
            Provider.name,
            IdentityAttempt.licensee_id,
            Licensee.license_number,
            Board.code,
            sa.func.count(),
            sa.func.sum(IdentityAttempt.blocked_count),
            sa.func.max(IdentityAttempt.last_tried_at),
        )
        .join(Provider, Provider.id == IdentityAttempt.provider_id)
        .join(Licensee, Licensee.id == IdentityAttempt.licensee_id)
        .join(Board, Board.id == Licensee.board_id)
        .group_by(
            IdentityAttempt.provider_id,
            Provider.name,
            IdentityAttempt.licensee_id,
            Licensee.license_number,
            Board.code,
        )
        .having(sa.func.sum(IdentityAttempt.blocked_count) > 0)
        .order_by(sa.func.max(IdentityAttempt.last_tried_at).desc())
    )
    if board_id is not None:
        query = query.where(Licensee.board_id == board_id)
    return [SuspiciousChecks(*row) for row in session.execute(query)]


def clear_checks(
    session: Session,
    *,
    actor_user_id: int,
    provider_id: int,
    licensee_id: int,
    ip_address: str | None = None,
) -> int:
    """An administrator judged the provider's attempts honest: forget them, and match the
    provider's records held for this licensee again. Returns how many now match."""
    attempts = list(
        session.scalars(
            sa.select(IdentityAttempt).where(
                IdentityAttempt.provider_id == provider_id,
                IdentityAttempt.licensee_id == licensee_id,
            )
        )
    )
    if not attempts:
        return 0
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="identity_checks.cleared",
        object_type="licensee",
        object_id=licensee_id,
        detail={
            "provider_id": provider_id,
            "identities": len(attempts),
            "blocked_attempts": sum(a.blocked_count for a in attempts),
        },
        ip_address=ip_address,
    )
    for attempt in attempts:
        session.delete(attempt)
    session.flush()
    return rematch_held(session, provider_id, licensee_id, actor_user_id=actor_user_id)


def rematch_held(
    session: Session, provider_id: int, licensee_id: int, *, actor_user_id: int | None = None
) -> int:
    """Match the provider's live records waiting for this licensee again, through the
    guard (so a cleared sweep is answered as if sent afresh)."""
    licensee = session.get(Licensee, licensee_id)
    if licensee is None:
        return 0
    identifies = sa.or_(
        sa.and_(
            Completion.board_id == licensee.board_id,
            Completion.license_number == licensee.license_number,
        ),
        sa.and_(Completion.license_number.is_(None), Completion.npi == licensee.npi)
        if licensee.npi
        else sa.false(),
    )
    held = list(
        session.scalars(
            sa.select(Completion)
            .join(Activity, Completion.activity_id == Activity.id)
            .where(
                Activity.provider_id == provider_id,
                Completion.match_status == MatchStatus.PENDING.value,
                Completion.deleted_at.is_(None),
                identifies,
            )
            .order_by(Completion.updated_at, Completion.id)
        )
    )
    results = guarded_match(
        session, provider_id, [identity_of(c) for c in held], actor_user_id=actor_user_id
    )
    for completion, result in zip(held, results, strict=True):
        completion.licensee_id, completion.match_status = result.licensee_id, result.status.value
    session.flush()
    return sum(1 for result in results if result.licensee_id is not None)


def identity_of(completion: Completion) -> Identity:
    return Identity(
        completion.first_name,
        completion.last_name,
        completion.dob_month,
        completion.dob_day,
        completion.license_state,
        completion.license_number,
        completion.npi,
        completion.board_id,
    )
