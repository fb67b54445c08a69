"""The transcript's filters, read from and written to the URL so any view can be
bookmarked or shared. Unreadable values are dropped (with a note for the page), never
an error: a hand-edited URL still shows a transcript."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from passport.reporting.validation import parse_date
from passport.requirements.cycles import DEFAULT_CYCLE_MONTHS, Cycle, renewal_cycle

CYCLES = {"current": "Current renewal cycle", "previous": "Previous cycle", "all": "All dates"}
VIEWS = {"date": "By date", "activity": "By activity"}


@dataclass(frozen=True)
class TranscriptFilters:
    license: int | None = None  # the link id; None means the physician's first licence
    cycle: str = "current"
    date_from: date | None = None
    date_to: date | None = None
    provider_id: int | None = None
    credit_type: str = ""
    topic: str = ""
    search: str = ""
    view: str = "date"
    page: int = 1
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Any) -> TranscriptFilters:
        """Read ``request.args`` (any mapping with ``get``)."""
        problems: list[str] = []

        def whole_number(name: str) -> int | None:
            text = (args.get(name) or "").strip()
            if not text:
                return None
            if text.isascii() and text.isdigit() and len(text) < 10:  # not "²", "٣"
                return int(text)
            problems.append(f"Ignored {name}: not a number.")
            return None

        def day(name: str, label: str) -> date | None:
            text = (args.get(name) or "").strip()
            if not text:
                return None
            parsed = parse_date(text)
            if parsed is None:
                problems.append(f"Ignored the {label} date: use MM/DD/YYYY or YYYY-MM-DD.")
            return parsed

        cycle = args.get("cycle") or "current"
        view = args.get("view") or "date"
        filters = cls(
            license=whole_number("license"),
            cycle=cycle if cycle in CYCLES else "current",
            date_from=day("from", "from"),
            date_to=day("to", "to"),
            provider_id=whole_number("provider"),
            credit_type=(args.get("credit_type") or "").strip()[:30],
            topic=(args.get("topic") or "").strip()[:40],
            search=(args.get("q") or "").strip()[:100],
            view=view if view in VIEWS else "date",
            page=max(1, whole_number("page") or 1),
        )
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            problems.append("The from date was after the to date; they were swapped.")
            filters = replace(filters, date_from=filters.date_to, date_to=filters.date_from)
        return replace(filters, problems=tuple(problems))

    def to_args(self, **changes: Any) -> dict[str, str]:
        """URL arguments for these filters (defaults left out), with ``changes`` applied."""
        values = {
            "license": self.license,
            "cycle": self.cycle if self.cycle != "current" else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "provider": self.provider_id,
            "credit_type": self.credit_type,
            "topic": self.topic,
            "q": self.search,
            "view": self.view if self.view != "date" else None,
        } | changes
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def cycle_for(self, expires_on: date, months: int = DEFAULT_CYCLE_MONTHS) -> Cycle | None:
        if self.cycle == "all":
            return None
        return renewal_cycle(expires_on, months, back=1 if self.cycle == "previous" else 0)

    def date_range(
        self, expires_on: date, months: int = DEFAULT_CYCLE_MONTHS
    ) -> tuple[date | None, date | None]:
        """The dates shown: the chosen cycle, narrowed by any from/to dates."""
        cycle = self.cycle_for(expires_on, months)
        starts = [d for d in (cycle and cycle.starts_on, self.date_from) if d]
        ends = [d for d in (cycle and cycle.ends_on, self.date_to) if d]
        return (max(starts) if starts else None, min(ends) if ends else None)
