"""A small reporting world: one provider with staff and an activity, and a roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from passport.models import Activity, CreditType, Licensee, Provider, Topic, User
from tests import factories


@dataclass
class World:
    provider: Provider
    staff: User
    activity: Activity
    jane: Licensee
    omar: Licensee


@pytest.fixture
def world(db_session) -> World:
    staff = factories.ProviderStaffFactory()
    activity = factories.ActivityFactory(
        provider=staff.provider,
        activity_code="ACT-1",
        starts_on=date.today() - timedelta(days=300),
        ends_on=date.today() + timedelta(days=30),
        max_credits=Decimal("10"),
    )
    activity.credit_types = list(
        db_session.scalars(
            sa.select(CreditType).where(CreditType.code.in_(["AMA_PRA_1", "AAFP_PRESCRIBED"]))
        )
    )
    activity.topics = [db_session.get(Topic, "pain_eol")]
    db_session.commit()
    jane = factories.LicenseeFactory(
        license_number="A123456",
        first_name="Jane",
        last_name="Doe",
        dob_month=4,
        dob_day=12,
        npi="1234567893",
    )
    omar = factories.LicenseeFactory(
        board=factories.board("CA-OMBC"),
        license_number="20A12345",
        first_name="Omar",
        last_name="O'Brien-Núñez Jr.",
        dob_month=2,
        dob_day=29,
    )
    return World(staff.provider, staff, activity, jane, omar)
