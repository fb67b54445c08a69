"""On a roster like a real board's, the worklist's "short" means short (issue 21).

A generated Medical Board of California roster: licensees first licensed between 1975
and 2026, credit drawn at random. The generator decides who is short, from facts a
person can check without the engine (50 hours in the cycle; 12 hours of pain management
only when the one-time course falls due in this cycle); the worklist must call short
exactly those, whoever was licensed decades before Passport's records begin.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from passport.audit.worklist import AuditFilters, all_rows
from passport.compliance.standings import refresh_standings
from passport.models import Topic
from passport.requirements.cycles import shift_months
from tests import factories

EVERYONE = AuditFilters(date(1900, 1, 1), date(2200, 1, 1))
EXPIRES = date(2027, 4, 30)  # the cycle 05/01/2025 - 04/30/2027
IN_CYCLE = date(2026, 3, 1)


def _generate(db_session, count: int, seed: int) -> dict[int, bool]:
    """Licensees by id, with whether the generator made them short."""
    rng = random.Random(seed)
    general = factories.ActivityFactory(starts_on=date(2015, 1, 1), max_credits=Decimal(60))
    pain = factories.ActivityFactory(starts_on=date(2015, 1, 1), max_credits=Decimal(60))
    pain.topics = [db_session.get(Topic, "pain_eol")]
    db_session.commit()
    made_short = {}
    for number in range(count):
        kind = rng.choice(("decades ago", "decades ago", "new", "second renewal"))
        if kind == "decades ago":  # the course fell due long before reporting began
            first_issued = date(rng.randint(1975, 2015), rng.randint(1, 12), 1)
        elif kind == "new":  # the first renewal: the course is not due yet
            first_issued = shift_months(EXPIRES, -rng.randint(14, 30))
        else:  # the second renewal, under four years: the course is due at this expiry
            first_issued = shift_months(EXPIRES, -rng.randint(40, 46))
        licensee = factories.LicenseeFactory(
            license_number=f"G{700000 + number}", first_issued_on=first_issued, expires_on=EXPIRES
        )
        hours = rng.choice((50, 55, 30, 0))
        takes_pain = kind == "second renewal" and rng.random() < 0.5
        if hours:
            factories.CompletionFactory(
                activity=general, licensee=licensee, completed_on=IN_CYCLE, credits=Decimal(hours)
            )
        if takes_pain:
            factories.CompletionFactory(
                activity=pain,
                licensee=licensee,
                completed_on=IN_CYCLE + timedelta(days=1),
                credits=Decimal(12),
            )
        total = hours + (12 if takes_pain else 0)
        made_short[licensee.id] = total < 50 or (kind == "second renewal" and not takes_pain)
    return made_short


def test_the_worklist_calls_short_exactly_those_the_generator_made_short(db_session):
    made_short = _generate(db_session, 160, seed=21)
    board = factories.board()
    refresh_standings(db_session, board.id)
    rows = {row.licensee.id: row for row in all_rows(db_session, board.id, EVERYONE)}
    called_short = {
        licensee_id
        for licensee_id, row in rows.items()
        if row.status in ("short", "no cycle credit", "no credit")
    }
    assert called_short == {i for i, short in made_short.items() if short}
    share = len(called_short) / len(made_short)
    assert 0.2 < share < 0.8  # the roster is not all "Short", as it was before
