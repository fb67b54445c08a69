"""How values are shown to people in the US: dates as MM/DD/YYYY, credits to the quarter."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")


def format_date(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    """Timestamps are stored in UTC and shown in Pacific time, where the board is."""
    if value is None:
        return ""
    return value.astimezone(PACIFIC).strftime("%m/%d/%Y %I:%M %p %Z")


def format_credits(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):.2f}"


def format_long_date(value: date | None) -> str:
    """April 30, 2027: dates in a sentence (reminders, the overview's headline)."""
    return f"{value:%B} {value.day}, {value.year}" if value else ""
