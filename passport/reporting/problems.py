"""How a row's problems read to the provider: the field named as its own file names it
(``records.field_titles``), the reason, and the value as it was sent beside it. Used by the
outcome page, its .xlsx and Check learners alike, so they never say it differently."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from passport.reporting.matching import UNMATCHED_ADVICE, match_label, match_reason
from passport.reporting.records import Field, field_titles

MAX_SHOWN = 60


def shown(value: Any) -> str:
    """A value as sent, quoted, cut to a readable length; "(blank)" for nothing."""
    text = "" if value is None else str(value)
    if not text.strip():
        return "(blank)"
    return "“" + (text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…") + "”"


@dataclass(frozen=True)
class Problem:
    title: str
    message: str
    sent: str

    def __str__(self) -> str:
        return f"{self.title}: {self.message} (sent: {self.sent})"


def row_problems(
    errors: list[dict[str, str]] | None, values: Mapping[str, Any], file_format: str | None
) -> list[Problem]:
    """Each of a row's errors (as ``RowError.as_dict`` stored them), with the value sent."""
    titles = field_titles(file_format)
    return [
        Problem(titles[Field(error["field"])], error["message"], shown(values.get(error["field"])))
        for error in errors or []
    ]


def summary_lines(summary: list[dict[str, Any]] | None, file_format: str | None) -> list[dict]:
    """An upload's problem summary (``pipeline.ProblemTally``) with each field's title and
    the values sent, ready for a page or a sheet."""
    titles = field_titles(file_format)
    return [
        {
            "title": titles[Field(entry["field"])],
            "field": entry["field"],
            "message": entry["message"],
            "count": entry["count"],
            "rows": entry["rows"],
            "values": [shown(value) for value in entry["values"]],
        }
        for entry in summary or []
    ]


def match_text(status: str | None) -> tuple[str, str]:
    """(label, what it means and what to do) for a row's match status; the reason is one
    of ``matching.MATCH_REASONS``, never more specific (``identity_guard``)."""
    label = match_label(status)
    if not label or label == "Matched":
        return label, ""
    return label, f"{match_reason(status)} {UNMATCHED_ADVICE}"
