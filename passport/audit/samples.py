"""Audit samples: a seeded random draw of licensees from a renewal window, saved as an
audit with a verdict per case. The seed, the window and the roster's licensee ids (sorted)
determine the draw, so ``redraw`` reproduces it exactly."""

from __future__ import annotations

import math
import random
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.audit.models import CASE_STATUSES, AuditCase, AuditSample
from passport.errors import Forbidden, NotFound, ValidationError
from passport.roster.models import Licensee
from passport.trail.services import record_event

MAX_SEED = 2**31 - 1
MAX_SAMPLE_COUNT = 1_000_000  # past any roster; it also keeps the stored size an integer


def _population(session: Session, board_id: int, starts_on: date, ends_on: date) -> list[int]:
    return list(
        session.scalars(
            sa.select(Licensee.id)
            .where(
                Licensee.board_id == board_id,
                Licensee.expires_on.between(starts_on, ends_on),
            )
            .order_by(Licensee.id)
        )
    )


def _choose(population: list[int], size_kind: str, size_value: int, seed: int) -> list[int]:
    wanted = size_value if size_kind == "count" else math.ceil(len(population) * size_value / 100)
    return sorted(random.Random(seed).sample(population, min(wanted, len(population))))


def draw_sample(
    session: Session,
    *,
    board_id: int,
    user_id: int,
    title: str,
    starts_on: date,
    ends_on: date,
    size_kind: str,
    size_value: int,
    seed: int | None = None,
) -> AuditSample:
    """Draw and save a sample; a seed is chosen (and recorded) when none is given."""
    if size_kind not in ("count", "percent"):
        raise ValidationError("Choose a number of licensees or a percentage.", "size_kind")
    if not 0 < size_value <= (100 if size_kind == "percent" else MAX_SAMPLE_COUNT):
        raise ValidationError(
            f"Enter a number from 1 to {MAX_SAMPLE_COUNT:,} (a percentage at most 100).",
            "size_value",
        )
    if ends_on < starts_on:
        raise ValidationError("The window ends before it starts.", "window_ends_on")
    population = _population(session, board_id, starts_on, ends_on)
    if not population:
        raise ValidationError("No licensee of your board expires in this window.")
    seed = random.SystemRandom().randrange(MAX_SEED) if seed is None else seed
    sample = AuditSample(
        board_id=board_id,
        created_by_user_id=user_id,
        title=(title or "").strip()[:200] or f"Sample {starts_on:%m/%d/%Y}–{ends_on:%m/%d/%Y}",
        window_starts_on=starts_on,
        window_ends_on=ends_on,
        size_kind=size_kind,
        size_value=size_value,
        seed=seed,
        population=len(population),
    )
    session.add(sample)
    session.flush()
    session.add_all(
        AuditCase(sample_id=sample.id, licensee_id=licensee_id, status="open", note="")
        for licensee_id in _choose(population, size_kind, size_value, seed)
    )
    record_event(
        session,
        actor_user_id=user_id,
        action="audit_sample.drawn",
        object_type="audit_sample",
        object_id=sample.id,
        detail={"seed": seed, "population": len(population), size_kind: size_value},
    )
    session.flush()
    session.refresh(sample)
    return sample


def redraw(session: Session, sample: AuditSample) -> list[int]:
    """The licensee ids the sample's seed draws from its window today (to verify a draw)."""
    population = _population(
        session, sample.board_id, sample.window_starts_on, sample.window_ends_on
    )
    return _choose(population, sample.size_kind, sample.size_value, sample.seed)


def sample_for_board(session: Session, board_id: int, sample_id: int) -> AuditSample:
    sample = session.get(AuditSample, sample_id)
    if sample is None:
        raise NotFound("No such sample.")
    if sample.board_id != board_id:
        raise Forbidden("This sample belongs to another board.")
    return sample


def samples_of(session: Session, board_id: int) -> list[AuditSample]:
    return list(
        session.scalars(
            sa.select(AuditSample)
            .where(AuditSample.board_id == board_id)
            .order_by(AuditSample.created_at.desc(), AuditSample.id.desc())
        )
    )


def _apply_verdict(
    session: Session, case: AuditCase, *, user_id: int, status: str, note: str | None, bulk: bool
) -> None:
    if status not in CASE_STATUSES:
        raise ValidationError("Choose open, passed, failed or waived.", "status")
    case.status = status
    if note is not None:
        case.note = note.strip()[:4000]
    case.updated_by_user_id = user_id
    record_event(
        session,
        actor_user_id=user_id,
        action="audit_case.updated",
        object_type="audit_case",
        object_id=case.id,
        detail={"status": status, "bulk": True} if bulk else {"status": status},
    )


def record_verdict(
    session: Session, *, sample: AuditSample, case_id: int, user_id: int, status: str, note: str
) -> AuditCase:
    case = case_in(sample, case_id)
    _apply_verdict(session, case, user_id=user_id, status=status, note=note or "", bulk=False)
    session.flush()
    return case


def record_verdicts(
    session: Session,
    *,
    sample: AuditSample,
    case_ids: list[int],
    user_id: int,
    status: str,
    note: str = "",
) -> list[AuditCase]:
    """One verdict for several cases of the sample (each its own trail entry). A note, if
    given, replaces each case's note; an empty one leaves the notes as they were."""
    if not case_ids:
        raise ValidationError("Select at least one case.", "case_id")
    by_id = {case.id: case for case in sample.cases}
    unknown = [case_id for case_id in case_ids if case_id not in by_id]
    if unknown:
        raise NotFound("No such case in this sample.")
    cases = [by_id[case_id] for case_id in dict.fromkeys(case_ids)]
    for case in cases:
        _apply_verdict(session, case, user_id=user_id, status=status, note=note or None, bulk=True)
    session.flush()
    return cases


def case_in(sample: AuditSample, case_id: int) -> AuditCase:
    case = next((case for case in sample.cases if case.id == case_id), None)
    if case is None:
        raise NotFound("No such case in this sample.")
    return case
