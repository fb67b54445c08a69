"""A physician with a linked licence and credits from two providers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from passport.models import Activity, Licensee, LicenseLink, Topic, User
from tests import factories


@dataclass
class Transcript:
    physician: User
    link: LicenseLink
    licensee: Licensee
    pain: Activity
    ethics: Activity
    today: date


@pytest.fixture
def transcript_world(db_session, physician) -> Transcript:
    today = date.today()
    licensee = factories.LicenseeFactory(expires_on=today + timedelta(days=200))
    link = factories.LicenseLinkFactory(user=physician, licensee=licensee)
    pain = factories.ActivityFactory(
        title="Managing pain at the end of life",
        starts_on=today - timedelta(days=1200),
        max_credits=Decimal(20),
    )
    pain.topics = [db_session.get(Topic, "pain_eol")]
    ethics = factories.ActivityFactory(
        title="Medical ethics update", starts_on=today - timedelta(days=1200)
    )
    ethics.topics = [db_session.get(Topic, "ethics"), db_session.get(Topic, "pain_eol")]
    db_session.commit()
    return Transcript(physician, link, licensee, pain, ethics, today)


def completion(world: Transcript, activity: Activity, days_ago: int, credits: str, **values):
    """A matched completion of ``world``'s licensee."""
    return factories.CompletionFactory(
        activity=activity,
        licensee=world.licensee,
        learner_key=f"CA:{world.licensee.license_number}:{activity.id}:{days_ago}",
        completed_on=world.today - timedelta(days=days_ago),
        credits=Decimal(credits),
        **values,
    )
