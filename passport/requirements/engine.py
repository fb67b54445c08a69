"""The pure evaluation engine: a requirement set, a licensee's facts and credits in; for
each rule required, earned, shortfall, status and the credits that counted out.

No Flask, no database. The audit feeds it per-licensee aggregates from SQL (``Credit``
with ``count`` > 1); drill-downs feed it single completions so the explanation can list
them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from passport.requirements.cycles import Cycle, cycle_ending, shift_months
from passport.requirements.rules import RequirementSet, Rule

MET, SHORT, EXEMPT, NOT_YET_DUE = "met", "short", "exempt", "not yet due"
MEETS, SHORT_OVERALL, EXEMPT_OVERALL, NO_CREDIT = "meets", "short", "exempt", "no credit"
OVERALL_LABELS = {
    MEETS: "Meets all requirements",
    SHORT_OVERALL: "Short",
    EXEMPT_OVERALL: "Exempt",
    NO_CREDIT: "No reported credit",
}
ZERO = Decimal(0)


@dataclass(frozen=True)
class LicenseeFacts:
    first_issued_on: date
    expires_on: date
    specialty: str | None = None
    attests_geriatric_patients: bool = False
    cme_waiver_on_file: bool = False


@dataclass(frozen=True)
class Credit:
    """Credit toward requirements: one completion, or an aggregate of ``count`` of them."""

    completed_on: date
    hours: Decimal
    credit_type: str
    topics: frozenset[str] = frozenset()
    self_reported: bool = False
    completion_id: int | None = None
    count: int = 1


@dataclass(frozen=True)
class RuleResult:
    rule_id: str
    label: str
    required: Decimal
    earned: Decimal
    status: str
    unit: str = "hours"
    due_on: date | None = None
    counted: tuple[Credit, ...] = ()
    note: str = ""

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.required - self.earned) if self.status == SHORT else ZERO

    @property
    def percent(self) -> int:
        """Progress for a bar, 0-100."""
        if self.required <= 0:
            return 100
        return int(min(Decimal(100), self.earned * 100 / self.required))


@dataclass(frozen=True)
class Evaluation:
    cycle: Cycle
    status: str
    rules: tuple[RuleResult, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def hours_required(self) -> Decimal:
        return self.rules[0].required if self.rules else ZERO

    @property
    def hours_earned(self) -> Decimal:
        return self.rules[0].earned if self.rules else ZERO

    @property
    def label(self) -> str:
        return OVERALL_LABELS[self.status]


def renewal_number(facts: LicenseeFacts, months: int) -> int:
    """Which renewal this cycle's end is (1 = the first renewal after first licensure)."""
    elapsed = (facts.expires_on.year - facts.first_issued_on.year) * 12 + (
        facts.expires_on.month - facts.first_issued_on.month
    )
    return max(1, -(-elapsed // months))


def _total(credits: Iterable[Credit]) -> Decimal:
    return sum((credit.hours for credit in credits), ZERO)


def _in(credits: Iterable[Credit], cycle: Cycle) -> list[Credit]:
    return [credit for credit in credits if cycle.starts_on <= credit.completed_on <= cycle.ends_on]


def _of_types(credits: Iterable[Credit], rule: Rule) -> list[Credit]:
    if not rule.credit_types:
        return list(credits)
    return [credit for credit in credits if credit.credit_type in rule.credit_types]


def _on_topics(credits: Iterable[Credit], topics: frozenset[str]) -> list[Credit]:
    return [credit for credit in credits if credit.topics & topics]


def _hours_earned(rule: Rule, credits: list[Credit], required: Decimal) -> tuple[Decimal, str]:
    """Hours of ``credits`` that count toward ``rule``, after its caps."""
    earned, notes = _total(credits), []
    for cap in rule.caps:
        capped = _total(_on_topics(credits, cap.topics))
        allowed = required * cap.max_percent / 100
        if capped > allowed:
            earned -= capped - allowed
            notes.append(
                f"{capped - allowed:f} hours of {', '.join(sorted(cap.topics))} beyond the "
                f"{cap.max_percent:f}% cap are not counted."
            )
    return earned, " ".join(notes)


def _hours_rule(rs: RequirementSet, rule: Rule, facts, credits, cycle) -> RuleResult:
    required, note = rule.hours, ""
    if rule.proration_within_months is not None and facts.first_issued_on > shift_months(
        facts.expires_on, -rule.proration_within_months
    ):
        required = rule.prorated_hours
        note = (
            f"Prorated: first licensed less than {rule.proration_within_months} months "
            "before expiry."
        )
    counted = _of_types(_in(credits, cycle), rule)
    earned, cap_note = _hours_earned(rule, counted, required)
    if rule.carry_forward_max:
        previous = cycle_ending(shift_months(cycle.ends_on, -rs.cycle_months), rs.cycle_months)
        previous_earned, _ = _hours_earned(
            rule, _of_types(_in(credits, previous), rule), rule.hours
        )
        carried = min(rule.carry_forward_max, max(ZERO, previous_earned - rule.hours))
        if carried:
            earned += carried
            note = (
                note + f" {carried:f} excess hours carried forward from {previous.label}."
            ).strip()
    return RuleResult(
        rule.id,
        rule.label,
        required,
        earned,
        MET if earned >= required else SHORT,
        counted=tuple(counted),
        note=" ".join(part for part in (note, cap_note) if part),
    )


def _topic_hours_rule(rs: RequirementSet, rule: Rule, facts, credits, cycle) -> RuleResult:
    window = cycle
    if rule.every_nth_renewal > 1:
        window = cycle_ending(cycle.ends_on, rs.cycle_months * rule.every_nth_renewal)
    counted = _on_topics(_of_types(_in(credits, window), rule), rule.topics)
    if rule.courses:
        required, earned, unit = (
            Decimal(rule.courses),
            Decimal(sum(c.count for c in counted)),
            "courses",
        )
    else:
        required, earned, unit = rule.hours, _total(counted), "hours"
    status = MET if earned >= required else SHORT
    note = ""
    if rule.every_nth_renewal > 1:
        number = renewal_number(facts, rs.cycle_months)
        if number % rule.every_nth_renewal and status == SHORT:
            status = NOT_YET_DUE
        note = f"Due every {rule.every_nth_renewal} renewals; this is renewal {number}."
    return RuleResult(
        rule.id, rule.label, required, earned, status, unit, counted=tuple(counted), note=note
    )


def _due_on(rs: RequirementSet, rule: Rule, facts: LicenseeFacts) -> date | None:
    candidates = []
    if rule.due_by_renewal:
        current = renewal_number(facts, rs.cycle_months)
        candidates.append(
            shift_months(facts.expires_on, rs.cycle_months * (rule.due_by_renewal - current))
        )
    if rule.due_within_years:
        candidates.append(shift_months(facts.first_issued_on, 12 * rule.due_within_years))
    return min(candidates) if candidates else None


def _one_time_rule(rs: RequirementSet, rule: Rule, facts, credits, cycle) -> RuleResult:
    counted = [c for c in _on_topics(credits, rule.topics) if c.completed_on <= cycle.ends_on]
    earned = _total(counted)
    due_on = _due_on(rs, rule, facts)
    status = MET if earned >= rule.hours else SHORT
    if status == SHORT and due_on is not None and due_on > cycle.ends_on:
        status = NOT_YET_DUE
    return RuleResult(
        rule.id,
        rule.label,
        rule.hours,
        earned,
        status,
        due_on=due_on,
        counted=tuple(counted),
        note="Counted once, from any date since first licensure.",
    )


def _topic_share_rule(rs: RequirementSet, rule: Rule, facts, credits, cycle) -> RuleResult:
    base = rs.rule(rule.of_rule)
    required = base.hours * rule.percent / 100
    applies = (
        not rule.applies_to_specialties or facts.specialty in rule.applies_to_specialties
    ) and (not rule.applies_if_attests_geriatric or facts.attests_geriatric_patients)
    counted = _on_topics(_of_types(_in(credits, cycle), base), rule.topics)
    earned = _total(counted)
    if not applies:
        return RuleResult(
            rule.id,
            rule.label,
            required,
            earned,
            EXEMPT,
            counted=tuple(counted),
            note="Does not apply to this licensee's specialty and attestation.",
        )
    return RuleResult(
        rule.id,
        rule.label,
        required,
        earned,
        MET if earned >= required else SHORT,
        counted=tuple(counted),
    )


_EVALUATORS = {
    "hours": _hours_rule,
    "topic_hours": _topic_hours_rule,
    "one_time_topic": _one_time_rule,
    "topic_share": _topic_share_rule,
}


def board_exemption(rs: RequirementSet, facts: LicenseeFacts, cycle: Cycle) -> str:
    """Why the whole cycle is exempt, or ``""``."""
    if "waiver_on_file" in rs.exempt_when and facts.cme_waiver_on_file:
        return "A CME waiver is on file for this cycle."
    if "first_registration" in rs.exempt_when and facts.first_issued_on >= cycle.starts_on:
        return "First registration period: exempt."
    return ""


def evaluate(rs: RequirementSet, facts: LicenseeFacts, credits: Iterable[Credit]) -> Evaluation:
    """Evaluate every rule of ``rs`` for the cycle ending at the licence's expiry."""
    usable = [c for c in credits if rs.accepts_self_reported or not c.self_reported]
    cycle = cycle_ending(facts.expires_on, rs.cycle_months)
    results = []
    for rule in rs.rules:
        if facts.specialty and facts.specialty in rule.exempt_specialties:
            results.append(
                RuleResult(
                    rule.id,
                    rule.label,
                    rule.hours,
                    ZERO,
                    EXEMPT,
                    note=f"{facts.specialty} is exempt.",
                )
            )
            continue
        results.append(_EVALUATORS[rule.kind](rs, rule, facts, usable, cycle))
    exemption = board_exemption(rs, facts, cycle)
    if exemption:
        status = EXEMPT_OVERALL
    elif not _in(usable, cycle):
        status = NO_CREDIT
    elif all(result.status != SHORT for result in results):
        status = MEETS
    else:
        status = SHORT_OVERALL
    return Evaluation(cycle, status, tuple(results), exemption)
