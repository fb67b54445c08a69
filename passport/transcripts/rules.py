"""Checks a physician's claims share (a discrepancy's claim, self-reported credit)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from passport.errors import ValidationError


def check_claimed_credits(credits: Decimal | None) -> Decimal:
    if credits is None or credits <= 0:
        raise ValidationError("Enter the credits, more than 0.", "credits")
    if (credits * 4) != (credits * 4).to_integral_value():
        raise ValidationError("Credits are counted in quarter hours (0.25 steps).", "credits")
    return credits


def check_completion_date(completed_on: date | None, today: date) -> date:
    if completed_on is None:
        raise ValidationError("Enter the completion date.", "completed_on")
    if completed_on > today:
        raise ValidationError("The completion date cannot be in the future.", "completed_on")
    return completed_on
