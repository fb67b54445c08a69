"""Checks a physician's claims share (a discrepancy's claim, self-reported credit)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from passport.errors import ValidationError
from passport.reporting.validation import CREDITS_CEILING


def check_claimed_credits(credits: Decimal | None) -> Decimal:
    """Credits a physician claims (a flag, a missing record, self-reported credit). A form
    gives any Decimal it can parse, "NaN" and "1E+30" included: those are refused here
    with a message, rather than raising on the comparison or overflowing the stored
    hundredths."""
    if credits is None or not credits.is_finite() or credits <= 0:
        raise ValidationError("Enter the credits, more than 0.", "credits")
    if credits > CREDITS_CEILING:
        raise ValidationError(f"At most {CREDITS_CEILING:,} credits.", "credits")
    if (credits * 4) != (credits * 4).to_integral_value():
        raise ValidationError("Credits are counted in quarter hours (0.25 steps).", "credits")
    return credits


def check_completion_date(completed_on: date | None, today: date) -> date:
    if completed_on is None:
        raise ValidationError("Enter the completion date.", "completed_on")
    if completed_on > today:
        raise ValidationError("The completion date cannot be in the future.", "completed_on")
    return completed_on
