"""The demo world: big enough to be realistic, and a second run changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from passport.demo import DEMO_ACCOUNTS, seed_demo
from passport.models import (
    Activity,
    Completion,
    CompletionVersion,
    Discrepancy,
    Licensee,
    Provider,
    User,
)
from tests import factories


def _counts(session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (
            Licensee,
            Provider,
            Activity,
            Completion,
            CompletionVersion,
            Discrepancy,
            User,
        )
    }


def test_seed_demo_is_realistic_and_idempotent(db_session):
    today = date.today()
    first = seed_demo(db_session, factories.TEST_SECRET_KEY, today=today)
    assert first.created_world and first.accounts_created == len(DEMO_ACCOUNTS)
    counts = _counts(db_session)
    assert counts["Licensee"] >= 2000
    assert counts["Provider"] >= 10
    assert counts["Activity"] >= 300
    assert counts["Completion"] >= 30_000
    assert counts["CompletionVersion"] == counts["Completion"]
    assert counts["Discrepancy"] >= 1

    unmatched = db_session.scalar(
        sa.select(sa.func.count()).where(Completion.match_status != "matched")
    )
    assert 0 < unmatched < 100
    expiries = db_session.execute(
        sa.select(sa.func.min(Licensee.expires_on), sa.func.max(Licensee.expires_on))
    ).one()
    assert expiries[0] >= today and expiries[1] <= today + timedelta(days=2 * 366)
    topics = set(db_session.scalars(sa.text("SELECT DISTINCT topic_code FROM activity_topics")))
    assert {"pain_eol", "geriatrics"} <= topics
    future = db_session.scalar(sa.select(sa.func.count()).where(Completion.completed_on > today))
    assert future == 0

    second = seed_demo(db_session, factories.TEST_SECRET_KEY, today=today)
    assert not second.created_world and second.accounts_created == 0
    assert _counts(db_session) == counts
