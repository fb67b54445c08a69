"""What a licensee still needs this cycle, in words: the physician's overview and the
renewal reminders say the same sentence, from the same audit engine the board reads.

Written against ``RuleResult``'s fields only (status, required, earned, due_on, label,
unit), and every status word sits in ``STATUS_WORDS``: when the engine grows a status, one
line here names it, and anything unnamed still reads sensibly (its own words, capitalised).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from passport.formatting import format_long_date
from passport.requirements.engine import (
    EXEMPT_OVERALL,
    FAILING,
    MEETS,
    RULE_LABELS,
    SHORT,
    Evaluation,
    RuleResult,
)

# The words the board's evaluation table shows for each rule status (templates/_evaluation.html
# reads this mapping too). Statuses that leave something to do are in NEEDING.
STATUS_WORDS: dict[str, str] = RULE_LABELS  # the engine's one label per status
NEEDING = FAILING  # what leaves something to do this cycle (short, overdue)

MET_EVERYTHING = "You have met every requirement of this cycle"
_QUANTITY = re.compile(
    r"^\s*(?:\d+(?:\.\d+)?%?\s*)(?:hours?|credits?)?\s*(?:of them|of the hours in|of|in)?\s*",
    re.IGNORECASE,
)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


def status_word(status: str) -> str:
    """The board's word for a rule status; an unknown status reads as itself."""
    return STATUS_WORDS.get(status, status.capitalize())


def hours_text(value: Decimal) -> str:
    """15.25, 8.5, 12: credits without trailing zeros, for a sentence."""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def subject_of(label: str) -> str:
    """ "50 hours of AMA PRA Category 1 credit ..." -> "AMA PRA Category 1 credit ...":
    the rule's label without its quantity or trailing parenthesis."""
    subject = _PARENTHESIS.sub("", _QUANTITY.sub("", label, count=1)).strip()
    return subject or "CME credit"


@dataclass(frozen=True)
class Need:
    """One rule not yet met: how much is missing, of what, by when."""

    label: str
    missing: Decimal
    unit: str
    due_on: date

    @property
    def phrase(self) -> str:
        if self.unit == "hours":
            return f"{hours_text(self.missing)} h of {subject_of(self.label)}"
        count = int(self.missing)
        return f"{count} {'course' if count == 1 else 'courses'}: {self.label}"


@dataclass(frozen=True)
class CycleNeeds:
    """A licensee's cycle in one sentence, with the needs behind it."""

    headline: str
    needs: tuple[Need, ...]
    due_on: date | None
    days_left: int | None
    met: bool


def days_text(days: int) -> str:
    if days == 0:
        return "today"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    return f"{days} day{'s' if days != 1 else ''}"


def _need(result: RuleResult, ends_on: date) -> Need | None:
    if result.status not in NEEDING:
        return None
    missing = max(Decimal(0), result.required - result.earned)
    if missing <= 0 and result.status == SHORT:
        return None
    return Need(result.label, missing, result.unit, result.due_on or ends_on)


def join_phrases(phrases: list[str]) -> str:
    if len(phrases) <= 2:
        return " and ".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def cycle_needs(evaluation: Evaluation | None, today: date) -> CycleNeeds:
    """The overview's and the reminder's sentence for one licensee's current cycle."""
    if evaluation is None:
        return CycleNeeds(
            "The board's requirements are not in Passport yet", (), None, None, met=False
        )
    if evaluation.status == EXEMPT_OVERALL:
        return CycleNeeds(
            f"This cycle is exempt: {evaluation.note}".rstrip(": "), (), None, None, met=True
        )
    needs = tuple(
        need for result in evaluation.rules if (need := _need(result, evaluation.cycle.ends_on))
    )
    if not needs or evaluation.status == MEETS:
        return CycleNeeds(MET_EVERYTHING, (), None, None, met=True)
    # The renewal is the deadline, unless a rule falls due sooner; a rule already past its
    # own date (an overdue one-time topic) is still named, but does not move the deadline.
    due_on = min(
        [need.due_on for need in needs if today <= need.due_on < evaluation.cycle.ends_on],
        default=evaluation.cycle.ends_on,
    )
    days_left = (due_on - today).days
    headline = (
        f"You need {join_phrases([need.phrase for need in needs])} "
        f"by {format_long_date(due_on)} ({days_text(days_left)})"
    )
    return CycleNeeds(headline, needs, due_on, days_left, met=False)
