"""Requirements satisfied on file: what the board knows was done outside Passport.

Most physicians were licensed long before providers reported into Passport, so a one-time
course they took then is not in Passport's credit. The board can hold it on file as
satisfied (from its roster, or recorded on the licensee's page with a reason), and a
physician can attest it with a certificate for the board to accept or reject. The engine
reads the accepted ones as facts (``LicenseeFacts.satisfied_on_file``); every step is in
the audit trail, and each changes the licensee's kept standing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.compliance.models import RequirementOnFile, StaleStanding
from passport.db import utcnow
from passport.errors import Conflict, Forbidden, NotFound, ValidationError
from passport.requirements.rules import RequirementSet
from passport.roster.models import Board, Licensee
from passport.roster.requirement_sets import requirement_set_of
from passport.trail.services import record_event

_CHUNK = 900


def on_file_rules(rs: RequirementSet | None) -> list[tuple[str, str]]:
    """The rules that can be held on file: one-time obligations (hours within a cycle
    come from reported credit, never from a note)."""
    if rs is None:
        return []
    return [(rule.id, rule.label) for rule in rs.rules if rule.kind == "one_time_topic"]


def satisfied_rules(session: Session, licensee_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The accepted rule ids of each licensee, in one query per 900 licensees."""
    ids = sorted(set(licensee_ids))
    found: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), _CHUNK):
        for licensee_id, rule_id in session.execute(
            sa.select(RequirementOnFile.licensee_id, RequirementOnFile.rule_id).where(
                RequirementOnFile.licensee_id.in_(ids[start : start + _CHUNK]),
                RequirementOnFile.state == "accepted",
            )
        ):
            found[licensee_id].add(rule_id)
    return {key: frozenset(value) for key, value in found.items()}


def records_of(session: Session, licensee_id: int) -> list[RequirementOnFile]:
    return list(
        session.scalars(
            sa.select(RequirementOnFile)
            .where(RequirementOnFile.licensee_id == licensee_id)
            .order_by(RequirementOnFile.created_at.desc(), RequirementOnFile.id.desc())
        )
    )


def _rule_of(licensee: Licensee, rule_id: str) -> str:
    rules = dict(on_file_rules(requirement_set_of(licensee.board)))
    if rule_id not in rules:
        raise ValidationError("Choose one of the board's one-time requirements.", "rule_id")
    return rules[rule_id]


def _stale(session: Session, licensee: Licensee) -> None:
    session.add(StaleStanding(licensee_id=licensee.id, board_id=licensee.board_id))


def _check_date(satisfied_on: date | None, today: date) -> None:
    if satisfied_on is not None and satisfied_on > today:
        raise ValidationError("The date it was met cannot be in the future.", "satisfied_on")


def record_on_file(
    session: Session,
    *,
    actor_user_id: int,
    licensee: Licensee,
    rule_id: str,
    satisfied_on: date | None,
    reason: str,
    today: date,
    ip_address: str | None = None,
) -> RequirementOnFile:
    """Board staff hold a one-time requirement as satisfied, with the reason they know."""
    _rule_of(licensee, rule_id)
    _check_date(satisfied_on, today)
    if not reason.strip():
        raise ValidationError("Say how the board knows it was met.", "reason")
    record = RequirementOnFile(
        licensee_id=licensee.id,
        rule_id=rule_id,
        source="board",
        state="accepted",
        satisfied_on=satisfied_on,
        reason=reason.strip(),
        created_by_user_id=actor_user_id,
        decided_by_user_id=actor_user_id,
        decided_at=utcnow(),
    )
    session.add(record)
    session.flush()
    _audit(session, actor_user_id, "requirement.recorded_on_file", record, ip_address)
    _stale(session, licensee)
    return record


@dataclass(frozen=True)
class Certificate:
    sha256: str
    media_type: str
    filename: str


def attest(
    session: Session,
    *,
    user_id: int,
    licensee: Licensee,
    rule_id: str,
    satisfied_on: date,
    certificate: Certificate,
    today: date,
    ip_address: str | None = None,
) -> RequirementOnFile:
    """A physician attests a one-time requirement with a certificate; the board decides.
    The caller has checked that the license is linked to the user."""
    _rule_of(licensee, rule_id)
    _check_date(satisfied_on, today)
    waiting = session.scalar(
        sa.select(RequirementOnFile.id).where(
            RequirementOnFile.licensee_id == licensee.id,
            RequirementOnFile.rule_id == rule_id,
            RequirementOnFile.state == "pending",
        )
    )
    if waiting is not None:
        raise Conflict("The board has not answered your last attestation for this yet.")
    record = RequirementOnFile(
        licensee_id=licensee.id,
        rule_id=rule_id,
        source="physician",
        state="pending",
        satisfied_on=satisfied_on,
        certificate_sha256=certificate.sha256,
        certificate_media_type=certificate.media_type,
        certificate_filename=certificate.filename,
        created_by_user_id=user_id,
    )
    session.add(record)
    session.flush()
    _audit(session, user_id, "requirement.attested", record, ip_address)
    return record


def decide(
    session: Session,
    *,
    actor_user_id: int,
    board_id: int,
    record_id: int,
    accept: bool,
    reason: str,
    ip_address: str | None = None,
) -> RequirementOnFile:
    """The board accepts or rejects a physician's attestation; a rejection says why."""
    record = session.get(RequirementOnFile, record_id)
    if record is None:
        raise NotFound("No such attestation.")
    licensee = session.get(Licensee, record.licensee_id)
    if licensee.board_id != board_id:
        raise Forbidden("This attestation belongs to another board's licensee.")
    if record.state != "pending":
        raise Conflict("This attestation has already been answered.")
    if not accept and not reason.strip():
        raise ValidationError("Say why the attestation is rejected.", "reason")
    record.state = "accepted" if accept else "rejected"
    record.decided_by_user_id, record.decided_at = actor_user_id, utcnow()
    record.decision_reason = reason.strip()
    session.flush()
    action = "requirement.attestation_accepted" if accept else "requirement.attestation_rejected"
    _audit(session, actor_user_id, action, record, ip_address)
    if accept:
        _stale(session, licensee)
    return record


def record_from_roster(
    session: Session,
    *,
    actor_user_id: int | None,
    licensee_id: int,
    rule_id: str,
    satisfied_on: date,
) -> bool:
    """A roster row says the requirement was met on ``satisfied_on``. Returns whether
    anything changed (the same roster imported twice adds nothing)."""
    existing = session.scalar(
        sa.select(RequirementOnFile).where(
            RequirementOnFile.licensee_id == licensee_id,
            RequirementOnFile.rule_id == rule_id,
            RequirementOnFile.source == "roster",
            RequirementOnFile.state == "accepted",
        )
    )
    if existing is not None and existing.satisfied_on == satisfied_on:
        return False
    if existing is not None:
        existing.satisfied_on = satisfied_on
        record = existing
    else:
        record = RequirementOnFile(
            licensee_id=licensee_id,
            rule_id=rule_id,
            source="roster",
            state="accepted",
            satisfied_on=satisfied_on,
            reason="From the board's roster.",
            created_by_user_id=actor_user_id,
            decided_by_user_id=actor_user_id,
            decided_at=utcnow(),
        )
        session.add(record)
    session.flush()
    _audit(session, actor_user_id, "requirement.recorded_on_file", record, None)
    licensee = session.get(Licensee, licensee_id)
    _stale(session, licensee)
    return True


def _audit(session, actor_user_id, action, record: RequirementOnFile, ip_address) -> None:
    record_event(
        session,
        actor_user_id=actor_user_id,
        action=action,
        object_type="licensee",
        object_id=record.licensee_id,
        detail={
            "rule_id": record.rule_id,
            "source": record.source,
            "state": record.state,
            "satisfied_on": record.satisfied_on.isoformat() if record.satisfied_on else None,
            "reason": (record.decision_reason or record.reason)[:200],
        },
        ip_address=ip_address,
    )


def rule_labels_of(board: Board) -> dict[str, str]:
    rs = requirement_set_of(board)
    return {rule.id: rule.label for rule in rs.rules} if rs else {}


def waiting_attestations(session: Session, board_id: int) -> list[RequirementOnFile]:
    """Physicians' attestations the board has not answered, oldest first."""
    return list(
        session.scalars(
            sa.select(RequirementOnFile)
            .join(Licensee, Licensee.id == RequirementOnFile.licensee_id)
            .where(Licensee.board_id == board_id, RequirementOnFile.state == "pending")
            .order_by(RequirementOnFile.created_at, RequirementOnFile.id)
        )
    )
