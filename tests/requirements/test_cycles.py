"""Renewal cycles around month ends and leap days."""

from __future__ import annotations

from datetime import date

import pytest

from passport.requirements.cycles import renewal_cycle, shift_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 15), -24, date(2025, 1, 15)),
        (date(2027, 3, 31), -24, date(2025, 3, 31)),
        (date(2027, 4, 30), -1, date(2027, 3, 31)),  # a month's last day stays the last day
        (date(2027, 3, 30), -1, date(2027, 2, 28)),  # a day February lacks is clamped
        (date(2028, 2, 29), -24, date(2026, 2, 28)),
        (date(2026, 2, 28), 24, date(2028, 2, 29)),  # last day of February, leap year ahead
        (date(2027, 12, 31), 1, date(2028, 1, 31)),
    ],
)
def test_shift_months(day, months, expected):
    assert shift_months(day, months) == expected


@pytest.mark.parametrize(
    ("expires_on", "starts_on"),
    [
        (date(2027, 1, 31), date(2025, 2, 1)),
        (date(2028, 2, 29), date(2026, 3, 1)),  # leap-day expiry: cycle starts 1 March
        (date(2027, 2, 28), date(2025, 3, 1)),
        (date(2027, 4, 30), date(2025, 5, 1)),
        (date(2027, 6, 15), date(2025, 6, 16)),  # mid-month expiry
    ],
)
def test_current_cycle_is_the_two_years_ending_at_expiry(expires_on, starts_on):
    cycle = renewal_cycle(expires_on)
    assert (cycle.starts_on, cycle.ends_on) == (starts_on, expires_on)
    assert expires_on in cycle and starts_on in cycle


def test_previous_cycle_ends_the_day_before_the_current_one_starts():
    current = renewal_cycle(date(2028, 2, 29))
    previous = renewal_cycle(date(2028, 2, 29), back=1)
    assert previous.ends_on == date(2026, 2, 28)
    assert previous.starts_on == date(2024, 3, 1)
    assert (current.starts_on - previous.ends_on).days == 1


def test_cycle_length_follows_the_board():
    assert renewal_cycle(date(2027, 1, 31), months=36).starts_on == date(2024, 2, 1)
