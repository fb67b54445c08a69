"""Requirement sets as data: one TOML file per board in ``sets/``, loaded and checked here.

A new board is a new file, not new code. Every rule has an ``id`` and a ``kind``; the
kinds and their fields are below. A broken file raises ``RequirementSetError`` naming the
file and the line (TOML syntax errors carry their own line; for a bad rule, the line of
its ``id``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

SETS_DIR = Path(__file__).parent / "sets"
EXEMPTIONS = ("waiver_on_file", "first_registration")


class RequirementSetError(ValueError):
    """A requirement-set file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Cap:
    """Credits on these topics count for at most ``max_percent`` of the required hours."""

    topics: frozenset[str]
    max_percent: Decimal


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    label: str
    hours: Decimal = Decimal(0)
    courses: int = 0
    credit_types: frozenset[str] = frozenset()  # empty: any credit type
    topics: frozenset[str] = frozenset()
    caps: tuple[Cap, ...] = ()
    proration_within_months: int | None = None
    prorated_hours: Decimal | None = None
    carry_forward_max: Decimal = Decimal(0)
    due_by_renewal: int | None = None
    due_within_years: int | None = None
    every_nth_renewal: int = 1
    percent: Decimal = Decimal(0)
    of_rule: str | None = None
    exempt_specialties: frozenset[str] = frozenset()
    applies_to_specialties: frozenset[str] = frozenset()
    applies_if_attests_geriatric: bool = False
    source: str = ""  # where the rule is published (statute, regulation, the board's page)


@dataclass(frozen=True)
class RequirementSet:
    board: str
    name: str
    cycle_months: int
    accepts_self_reported: bool
    exempt_when: frozenset[str]
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    # When providers began reporting the board's licensees into Passport: an obligation
    # that fell due before it has no evidence here, and is not held against anyone.
    reporting_began_on: date | None = None
    # What a person is told about self-reported credit (e.g. "MBC does not count ...").
    self_reported_note: str = ""
    # Declarations a provider makes about an activity's content, shown to the board:
    # {code: label}, for rules about what a course covers rather than extra hours.
    content_declarations: tuple[tuple[str, str], ...] = ()

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)


# kind → (required fields, optional fields)
_KIND_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "hours": ({"hours"}, {"credit_types", "caps", "proration", "carry_forward_max"}),
    "topic_hours": ({"topics"}, {"hours", "courses", "credit_types", "every_nth_renewal"}),
    "one_time_topic": ({"topic", "hours"}, {"due_by_renewal", "due_within_years"}),
    "topic_share": ({"topic", "percent", "of_rule"}, {"applies_when"}),
}
_COMMON = {"id", "kind", "label", "exempt_specialties", "source"}


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} must be a number")
    number = Decimal(str(value))
    if number < 0:
        raise ValueError(f"{where} must not be negative")
    return number


def _strings(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where} must be a list of strings")
    return frozenset(value)


def _rule(raw: dict[str, Any], rule_ids: set[str]) -> Rule:
    kind = raw.get("kind")
    if kind not in _KIND_FIELDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(_KIND_FIELDS)}")
    required, optional = _KIND_FIELDS[kind]
    missing = sorted(required - raw.keys())
    if missing:
        raise ValueError(f"a {kind} rule needs {', '.join(missing)}")
    unknown = sorted(raw.keys() - required - optional - _COMMON)
    if unknown:
        raise ValueError(f"unknown field {', '.join(unknown)} for a {kind} rule")
    values: dict[str, Any] = {
        "id": raw["id"],
        "kind": kind,
        "label": str(raw.get("label", "")),
        "source": str(raw.get("source", "")),
    }
    if "hours" in raw:
        values["hours"] = _number(raw["hours"], "hours")
    if "courses" in raw:
        values["courses"] = int(_number(raw["courses"], "courses"))
    if kind == "topic_hours" and not (values.get("hours") or values.get("courses")):
        raise ValueError("a topic_hours rule needs hours or courses")
    if "credit_types" in raw:
        values["credit_types"] = _strings(raw["credit_types"], "credit_types")
    if "topics" in raw:
        values["topics"] = _strings(raw["topics"], "topics")
    if "topic" in raw:
        values["topics"] = frozenset([str(raw["topic"])])
    if "exempt_specialties" in raw:
        values["exempt_specialties"] = _strings(raw["exempt_specialties"], "exempt_specialties")
    values["caps"] = tuple(
        Cap(
            _strings(cap.get("topics"), "caps.topics"),
            _number(cap.get("max_percent"), "max_percent"),
        )
        for cap in raw.get("caps", [])
    )
    if "proration" in raw:
        proration = raw["proration"]
        values["proration_within_months"] = int(
            _number(proration.get("first_licensed_within_months"), "first_licensed_within_months")
        )
        values["prorated_hours"] = _number(proration.get("hours"), "proration.hours")
    if "carry_forward_max" in raw:
        values["carry_forward_max"] = _number(raw["carry_forward_max"], "carry_forward_max")
    for name in ("due_by_renewal", "due_within_years", "every_nth_renewal"):
        if name in raw:
            values[name] = int(_number(raw[name], name)) or 1
    if kind == "topic_share":
        values["percent"] = _number(raw["percent"], "percent")
        if raw["of_rule"] not in rule_ids:
            raise ValueError(f"of_rule {raw['of_rule']!r} names no rule of this set")
        values["of_rule"] = raw["of_rule"]
        applies = raw.get("applies_when", {})
        values["applies_to_specialties"] = _strings(applies.get("specialties", []), "specialties")
        values["applies_if_attests_geriatric"] = bool(applies.get("attests_geriatric_patients"))
    return Rule(**values)


def _line_of(text: str, rule_id: Any) -> int | None:
    match = re.search(rf'^\s*id\s*=\s*"{re.escape(str(rule_id))}"', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def parse_requirement_set(text: str, source: str = "<text>") -> RequirementSet:
    """Parse and check one requirement set; raise ``RequirementSetError`` naming the line."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RequirementSetError(f"{source}: {error}") from error
    for name in ("board", "name", "cycle_months", "rules"):
        if name not in raw:
            raise RequirementSetError(f"{source}: the file needs a top-level {name!r}")
    exempt_when = frozenset(raw.get("exempt_when", []))
    if exempt_when - set(EXEMPTIONS):
        raise RequirementSetError(
            f"{source}: unknown exemption {sorted(exempt_when - set(EXEMPTIONS))}; "
            f"use {', '.join(EXEMPTIONS)}"
        )
    rule_ids = [rule.get("id") for rule in raw["rules"]]
    rules = []
    for position, rule in enumerate(raw["rules"], start=1):
        line = _line_of(text, rule.get("id"))
        where = f"{source} line {line}" if line else f"{source} rule {position}"
        if not isinstance(rule.get("id"), str) or rule_ids.count(rule["id"]) > 1:
            raise RequirementSetError(f"{where}: each rule needs a unique string id")
        try:
            rules.append(_rule(rule, set(rule_ids)))
        except (ValueError, TypeError, AttributeError) as error:
            raise RequirementSetError(f"{where} (rule {rule['id']!r}): {error}") from error
    months = raw["cycle_months"]
    if not isinstance(months, int) or months <= 0:
        raise RequirementSetError(f"{source}: cycle_months must be a whole number above 0")
    began = raw.get("reporting_began_on")
    if began is not None and not isinstance(began, date):
        raise RequirementSetError(f"{source}: reporting_began_on must be a date (YYYY-MM-DD)")
    declarations = raw.get("content_declarations", {})
    if not isinstance(declarations, dict) or not all(
        isinstance(label, str) for label in declarations.values()
    ):
        raise RequirementSetError(f"{source}: content_declarations must map codes to labels")
    return RequirementSet(
        board=str(raw["board"]),
        name=str(raw["name"]),
        cycle_months=months,
        accepts_self_reported=bool(raw.get("accepts_self_reported", False)),
        exempt_when=exempt_when,
        rules=tuple(rules),
        reporting_began_on=began,
        self_reported_note=str(raw.get("self_reported_note", "")),
        content_declarations=tuple(declarations.items()),
    )


@cache
def requirement_sets() -> dict[str, RequirementSet]:
    """Every board's set from ``sets/``, keyed by board code (read once per process)."""
    found = {}
    for path in sorted(SETS_DIR.glob("*.toml")):
        requirement_set = parse_requirement_set(path.read_text(encoding="utf-8"), path.name)
        found[requirement_set.board] = requirement_set
    return found


def requirement_set_for(board_code: str) -> RequirementSet | None:
    return requirement_sets().get(board_code)
