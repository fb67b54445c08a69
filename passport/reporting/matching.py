"""Matching reported learners to the board's roster, set-based.

A licence (board + number) or NPI finds the licensee; the last name and DOB month/day must
then agree, forgiving case, accents, hyphens, spaces and suffixes (``name_key``). The
provider learns only the outcome (matched; no such licence; licence found but name or
date of birth differ), never the roster's data.

One query per chunk of identities, never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import stage_keys
from passport.reporting.models import MatchStatus
from passport.reporting.validation import Identity
from passport.roster.identifiers import name_key
from passport.roster.models import Licensee

CHUNK = 900  # stays under SQLite's bound-parameter limit with room to spare

MATCH_REASONS = {
    MatchStatus.MATCHED: "Matched to a licensee.",
    MatchStatus.NO_SUCH_LICENSE: "No licensee with this licence number (or NPI) is on the "
    "board's roster. Check the number and the licensing state.",
    MatchStatus.IDENTITY_MISMATCH: "A licensee with this licence number exists, but the last "
    "name or the date of birth differs from the board's record. Check both with the learner.",
    MatchStatus.PENDING: "Waiting for matching. Several different names or dates of birth "
    "have been sent for this license recently, so Passport no longer says whether a new one "
    "matches; the record waits until the board's administrators have reviewed them. Check "
    "the learner's details with the learner.",
}


# What a provider reads beside each outcome (pages, the outcome .xlsx, the API): the
# record's stored match status, never anything of the roster. "Not matched" covers both
# reasons matching may give; "Waiting for matching" is the guard's answer and says no more.
MATCH_LABELS = {
    MatchStatus.MATCHED: "Matched",
    MatchStatus.NO_SUCH_LICENSE: "Not matched",
    MatchStatus.IDENTITY_MISMATCH: "Not matched",
    MatchStatus.PENDING: "Waiting for matching",
}
UNMATCHED_ADVICE = (
    "It will not appear on a physician's transcript until it matches: correct it in the "
    "unmatched queue, or send the corrected row again."
)


def match_label(status: str | None) -> str:
    return MATCH_LABELS[MatchStatus(status)] if status else ""


def match_reason(status: str | None) -> str:
    return MATCH_REASONS[MatchStatus(status)] if status else ""


class MatchResult(NamedTuple):  # one per stored row
    status: MatchStatus
    licensee_id: int | None
    roster_id: int | None = None
    """The licensee the license number or NPI found, matched or not (for the guard in
    ``identity_guard``; never shown to a provider)."""

    @property
    def reason(self) -> str:
        return MATCH_REASONS[self.status]


class _RosterEntry(NamedTuple):  # a NamedTuple: built once per roster row read
    id: int
    board_id: int
    license_number: str
    npi: str | None
    last_name_key: str
    dob: tuple[int, int]


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _load_roster(session: Session, identities: Iterable[Identity]) -> tuple[dict, dict]:
    """The roster entries these identities could match: by (board, licence) and by NPI."""
    numbers_by_board: dict[int, set[str]] = {}
    npis: set[str] = set()
    for identity in identities:
        if identity.license_number and identity.board_id is not None:
            numbers_by_board.setdefault(identity.board_id, set()).add(identity.license_number)
        elif identity.npi:
            npis.add(identity.npi)
    columns = (
        Licensee.id,
        Licensee.board_id,
        Licensee.license_number,
        Licensee.npi,
        Licensee.last_name,
        Licensee.dob_month,
        Licensee.dob_day,
    )
    staged = stage_keys(
        session,
        sorted(
            (board_id, number)
            for board_id, numbers in numbers_by_board.items()
            for number in numbers
        ),
        "passport_licence_keys",
        "board_id INTEGER, license_number VARCHAR(20)",
    )
    queries = [
        sa.select(*columns).join_from(
            Licensee,
            staged,
            sa.and_(
                Licensee.board_id == staged.c.board_id,
                Licensee.license_number == staged.c.license_number,
            ),
        )
    ] + [sa.select(*columns).where(Licensee.npi.in_(chunk)) for chunk in _chunks(sorted(npis))]
    by_license: dict[tuple[int, str], _RosterEntry] = {}
    by_npi: dict[str, list[_RosterEntry]] = {}
    # Plain column rows, read through the session's connection and fetched at once: the
    # ORM's result machinery (made for entities) and a driver call per row cost a few µs a
    # row here for nothing.
    connection = session.connection()
    for query in queries:
        for id_, board_id, number, npi, last_name, dob_month, dob_day in connection.execute(
            query
        ).all():
            entry = _RosterEntry(
                id_, board_id, number, npi, name_key(last_name), (dob_month, dob_day)
            )
            by_license[(entry.board_id, entry.license_number)] = entry
            if entry.npi and entry not in by_npi.setdefault(entry.npi, []):
                by_npi[entry.npi].append(entry)
    return by_license, by_npi


def match_identities(session: Session, identities: list[Identity]) -> list[MatchResult]:
    """The match outcome for each identity, in order."""
    by_license, by_npi = _load_roster(session, identities)
    results = []
    for identity in identities:
        if identity.license_number:
            entry = by_license.get((identity.board_id, identity.license_number))
            candidates = [entry] if entry else []
        else:
            candidates = by_npi.get(identity.npi or "", [])
        if not candidates:
            results.append(MatchResult(MatchStatus.NO_SUCH_LICENSE, None))
            continue
        wanted = (name_key(identity.last_name), (identity.dob_month, identity.dob_day))
        found = next((c for c in candidates if (c.last_name_key, c.dob) == wanted), None)
        # One roster id for the identifier, whichever candidate matched: an NPI held by
        # two boards' licensees is one person to guard.
        roster_id = min(c.id for c in candidates)
        if found is None:
            results.append(MatchResult(MatchStatus.IDENTITY_MISMATCH, None, roster_id))
        else:
            results.append(MatchResult(MatchStatus.MATCHED, found.id, roster_id))
    return results
