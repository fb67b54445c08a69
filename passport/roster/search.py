"""Finding any licensee of a board by license number or name, forgiving what matching
forgives: case, accents, hyphens, spaces, apostrophes and suffixes (``identifiers``).

Names are folded in Python (``name_key``), which SQL cannot do alike on every database, so
each licensee's folded names are kept in ``licensee_name_keys`` beside the names they were
folded from. ``refresh_name_keys`` folds again only the licensees whose roster names no
longer agree with the kept ones, whatever wrote them (an import, a bulk update, a test), so
a search of 150,000 licensees is one indexed SQL scan, and only a roster's first search
after an import folds names.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import insert_rows
from passport.roster.identifiers import name_key, normalise_license_number
from passport.roster.models import Licensee, LicenseeNameKey

_CHUNK = 5_000


def refresh_name_keys(session: Session, board_id: int) -> int:
    """Fold the names of the board's licensees that have no key or a stale one; return
    how many were folded. The caller commits."""
    stale = session.execute(
        sa.select(
            Licensee.id,
            Licensee.first_name,
            Licensee.last_name,
            LicenseeNameKey.licensee_id.label("keyed_id"),
        )
        .outerjoin(LicenseeNameKey, LicenseeNameKey.licensee_id == Licensee.id)
        .where(
            Licensee.board_id == board_id,
            sa.or_(
                LicenseeNameKey.licensee_id.is_(None),
                LicenseeNameKey.first_name != Licensee.first_name,
                LicenseeNameKey.last_name != Licensee.last_name,
            ),
        )
    ).all()
    outdated = [row.id for row in stale if row.keyed_id is not None]
    for start in range(0, len(outdated), _CHUNK):
        session.execute(
            sa.delete(LicenseeNameKey).where(
                LicenseeNameKey.licensee_id.in_(outdated[start : start + _CHUNK])
            )
        )
    insert_rows(
        session,
        LicenseeNameKey.__table__,
        [
            {
                "licensee_id": row.id,
                "board_id": board_id,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "first_last_key": name_key(f"{row.first_name} {row.last_name}")[:200],
                "last_first_key": name_key(f"{row.last_name} {row.first_name}")[:200],
            }
            for row in stale
        ],
    )
    return len(stale)


def licensee_search_condition(board_id: int, text: str) -> sa.ColumnElement[bool] | None:
    """Where a licensee of the board answers ``text``: its license number (normalised, in
    full or its start) or, for text without digits, its name folded as matching folds it
    ("garcia-lopez" finds "García López"; "Lopez, Ana" finds "Ana López"). ``None`` when
    there is nothing to look for. Call ``refresh_name_keys`` first."""
    number = normalise_license_number(text)
    # Text with a digit is a license number: its letters ("A" of "A75135") are no name.
    key = "" if any(ch.isdigit() for ch in text) else name_key(text)
    if not number and not key:
        return None
    conditions = []
    if number:
        conditions.append(Licensee.license_number.startswith(number, autoescape=True))
    if key:
        keyed = sa.select(LicenseeNameKey.licensee_id).where(
            LicenseeNameKey.board_id == board_id,
            sa.or_(
                LicenseeNameKey.first_last_key.contains(key, autoescape=True),
                LicenseeNameKey.last_first_key.contains(key, autoescape=True),
            ),
        )
        conditions.append(Licensee.id.in_(keyed))
    return sa.and_(Licensee.board_id == board_id, sa.or_(*conditions))


def exact_number_first(text: str) -> sa.ColumnElement[int]:
    """An ORDER BY term that puts the licensee whose number is exactly ``text`` first."""
    return sa.case((Licensee.license_number == normalise_license_number(text), 0), else_=1)
