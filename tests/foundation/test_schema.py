"""The migrations produce exactly the models' schema, and the constraints hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from passport.extensions import db
from passport.models import Base, Licensee
from tests import factories


def test_migrations_match_models(db_session):
    connection = db_session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_reference_data_is_installed_by_migration(db_session):
    codes = set(db_session.scalars(sa.text("SELECT code FROM boards")))
    assert {"CA-MBC", "CA-OMBC"} <= codes
    assert db_session.scalar(sa.text("SELECT count(*) FROM credit_types")) >= 4
    assert db_session.scalar(sa.text("SELECT count(*) FROM topics WHERE code = 'pain_eol'")) == 1


def _insert_licensee(**overrides):
    values = dict(
        board_id=factories.board().id,
        license_number="A1",
        first_name="A",
        last_name="B",
        dob_month=1,
        dob_day=1,
        first_issued_on=date(2020, 1, 1),
        expires_on=date(2030, 1, 31),
    )
    values.update(overrides)
    with db.session.begin_nested():
        db.session.execute(sa.insert(Licensee), values)


@pytest.mark.parametrize(("month", "day"), [(2, 30), (4, 31), (13, 1), (0, 5), (6, 0)])
def test_dob_must_be_a_calendar_day(db_session, month, day):
    with pytest.raises(IntegrityError):
        _insert_licensee(dob_month=month, dob_day=day)


def test_february_29th_is_a_valid_birthday(db_session):
    _insert_licensee(dob_month=2, dob_day=29)


def test_board_and_license_number_are_unique(db_session):
    _insert_licensee(license_number="A777")
    with pytest.raises(IntegrityError):
        _insert_licensee(license_number="A777")


def test_credits_must_be_quarter_hours(db_session):
    completion = factories.CompletionFactory()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.text("UPDATE completions SET credits_hundredths = 110 WHERE id = :id"),
            {"id": completion.id},
        )


def test_one_live_completion_per_activity_and_learner(db_session):
    completion = factories.CompletionFactory()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        factories.CompletionFactory(activity=completion.activity, licensee=completion.licensee)


def test_credits_round_trip_exactly(db_session):
    completion = factories.CompletionFactory(credits=Decimal("12.75"))
    db_session.expire_all()
    assert db_session.get(type(completion), completion.id).credits == Decimal("12.75")


def test_no_column_stores_a_birth_year(db_session):
    columns = {column.name for table in Base.metadata.tables.values() for column in table.columns}
    assert not {name for name in columns if "birth" in name or "dob_year" in name}
