"""Declarative base, column types and time helpers every model uses.

Credits are stored as whole hundredths of an hour in an integer column: exact on every
database (SQLite has no decimal type) and easy to check for quarter-hour steps. Python
code only ever sees ``Decimal``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (a callable default, never evaluated once)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware, SQLite included."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: use passport.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CreditHours(TypeDecorator[Decimal]):
    """Credit hours as ``Decimal`` in Python, whole hundredths of an hour in the database."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Any) -> int | None:
        if value is None:
            return None
        hundredths = Decimal(value) * 100
        if hundredths != hundredths.to_integral_value():
            raise ValueError(f"credit hours {value} have more than two decimals")
        return int(hundredths)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def quarter_hour_check(column: str) -> str:
    """SQL for a CHECK that a CreditHours column is ≥ 0 and in quarter-hour steps."""
    return f"{column} >= 0 AND {column} % 25 = 0"


DOB_CHECK = (
    "dob_month BETWEEN 1 AND 12 AND dob_day BETWEEN 1 AND "
    "CASE dob_month WHEN 2 THEN 29 WHEN 4 THEN 30 WHEN 6 THEN 30 "
    "WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END"
)
"""CHECK that a month/day pair is a real calendar day, 02/29 allowed (no year is ever stored)."""
