"""Renewal cycles: the period a licensee's credits count toward.

For MBC a cycle is the two years ending at licence expiry. Licences usually expire on the
last day of a month (the birth month), so a cycle that ends on a month's last day starts the
day after the last day of the same month ``months`` earlier: a licence expiring 02/29/2028
has the cycle 03/01/2026-02/29/2028. Pure functions, no database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

DEFAULT_CYCLE_MONTHS = 24


@dataclass(frozen=True)
class Cycle:
    starts_on: date
    ends_on: date

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def label(self) -> str:
        return f"{self.starts_on:%m/%d/%Y} – {self.ends_on:%m/%d/%Y}"


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@lru_cache(maxsize=65536)  # a roster has few distinct expiry dates; the audit asks often
def shift_months(day: date, months: int) -> date:
    """``day`` moved by ``months``; a month's last day stays a month's last day, and a day
    the target month lacks (the 31st, 02/29) becomes that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _last_day(year, month)
    if day.day == _last_day(day.year, day.month):
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def cycle_ending(ends_on: date, months: int = DEFAULT_CYCLE_MONTHS) -> Cycle:
    return Cycle(shift_months(ends_on, -months) + timedelta(days=1), ends_on)


def renewal_cycle(expires_on: date, months: int = DEFAULT_CYCLE_MONTHS, back: int = 0) -> Cycle:
    """The cycle ending at the licence's expiry (``back=0``), or ``back`` cycles before it."""
    return cycle_ending(shift_months(expires_on, -months * back), months)
