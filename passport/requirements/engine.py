"""The pure evaluation engine: a requirement set, a licensee's facts and credits in; for
each rule required, earned, shortfall, status and the credits that counted out.

No Flask, no database. Rules never walk credits themselves: they ask a tally for
``Measure``s (hours or completions in a window, of some credit types, on some topics).
Drill-downs tally single completions, so each result lists what counted; the audit of a
whole roster sums every licensee's measures in one SQL query (``measures_of`` says which)
and evaluates from the sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from passport.requirements.cycles import Cycle, cycle_ending, renewal_cycle, shift_months
from passport.requirements.rules import RequirementSet, Rule

# A rule's status: each says what a person can do about it.
MET, SHORT, EXEMPT, NOT_YET_DUE = "met", "short", "exempt", "not yet due"
OVERDUE = "overdue"  # fell due since reporting began, before this cycle, and is not met
NOT_EVIDENCED = "not evidenced"  # fell due before reporting began: Passport cannot know
ON_FILE = "on file"  # the board has it on file as satisfied
RULE_LABELS = {
    MET: "Met",
    SHORT: "Short",
    OVERDUE: "Overdue",
    NOT_YET_DUE: "Not yet due",
    EXEMPT: "Exempt",
    NOT_EVIDENCED: "Not evidenced in Passport (due before reporting began)",
    ON_FILE: "Satisfied on file",
}
# Rules that count against the licensee's overall standing; the others cannot be judged
# (not due, exempt, due before Passport's records begin) or are settled.
FAILING = frozenset({SHORT, OVERDUE})

MEETS, SHORT_OVERALL, EXEMPT_OVERALL = "meets", "short", "exempt"
NO_CREDIT, NO_CYCLE_CREDIT = "no credit", "no cycle credit"
OVERALL_LABELS = {
    MEETS: "Meets all requirements",
    SHORT_OVERALL: "Short",
    EXEMPT_OVERALL: "Exempt",
    NO_CYCLE_CREDIT: "No credit in this cycle",
    NO_CREDIT: "No reported credit",
}
ZERO = Decimal(0)


# The types built once per licensee (or per rule of each licensee) by the audit of a whole
# roster are NamedTuples: immutable like frozen dataclasses, several times cheaper to make.
class LicenseeFacts(NamedTuple):
    first_issued_on: date
    expires_on: date
    specialty: str | None = None
    attests_geriatric_patients: bool = False
    cme_waiver_on_file: bool = False
    # Rules the board has on file as satisfied (from its roster, its own record, or a
    # physician's attestation it accepted).
    satisfied_on_file: frozenset[str] = frozenset()


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


class RuleResult(NamedTuple):
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
        return max(ZERO, self.required - self.earned) if self.status in FAILING else ZERO

    @property
    def percent(self) -> int:
        """Progress for a bar, 0-100."""
        if self.required <= 0:
            return 100
        return int(min(Decimal(100), self.earned * 100 / self.required))


class Evaluation(NamedTuple):
    cycle: Cycle
    status: str
    rules: tuple[RuleResult, ...] = ()
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

    @property
    def failing_rules(self) -> tuple[RuleResult, ...]:
        return tuple(rule for rule in self.rules if rule.status in FAILING)


def renewal_number(facts: LicenseeFacts, months: int) -> int:
    """Which renewal this cycle's end is (1 = the first renewal after first licensure).

    Later periods are a cycle long; the first one is not: MBC's first license runs to
    the end of the birth month in the second year after issue, 13 to 36 months. So the
    first period is taken as longer than half a cycle and at most one and a half: a
    license issued 10/01/2025 and expiring 11/30/2027 (25 months) is at its first
    renewal, not its second."""
    elapsed = (facts.expires_on.year - facts.first_issued_on.year) * 12 + (
        facts.expires_on.month - facts.first_issued_on.month
    )
    return max(1, -(-(elapsed - months // 2) // months))


CYCLE, PREVIOUS_CYCLE, TO_CYCLE_END = "cycle", "previous cycle", "to cycle end"


def renewals_window(renewals: int) -> str:
    """The window of the last ``renewals`` cycles (for every-Nth-renewal rules)."""
    return f"renewals:{renewals}"


class Measure(NamedTuple):
    """One sum a rule needs over a licensee's usable credits: those completed in a window
    (named, relative to the licence's expiry), of some credit types (empty: any), on any of
    some topics (empty: any), in hours or as a number of completions.

    Rules ask for measures instead of walking credits, so the same rule code runs on
    single completions (a drill-down that lists what counted) and on sums computed in
    SQL for a whole roster (the audit, where a per-credit walk is too slow)."""

    window: str
    credit_types: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    unit: str = "hours"  # or "count"


ANY_IN_CYCLE = Measure(CYCLE, unit="count")
_BEGINNING = date.min


@lru_cache(maxsize=16384)
def window_of(window: str, expires_on: date, months: int) -> Cycle:
    """The dates of a named window for a licence expiring on ``expires_on``."""
    if window == CYCLE:
        return renewal_cycle(expires_on, months)
    if window == PREVIOUS_CYCLE:
        return renewal_cycle(expires_on, months, back=1)
    if window == TO_CYCLE_END:
        return Cycle(_BEGINNING, expires_on)
    renewals = int(window.removeprefix("renewals:"))
    return cycle_ending(expires_on, months * renewals)


class CreditTally:
    """Measures summed from individual credits; ``counted`` lists the credits behind each."""

    def __init__(self, credits: Iterable[Credit], expires_on: date, months: int):
        self._credits = list(credits)
        self._expires_on, self._months = expires_on, months
        self._counted: dict[Measure, tuple[Credit, ...]] = {}

    def counted(self, measure: Measure) -> tuple[Credit, ...]:
        if measure not in self._counted:
            window = window_of(measure.window, self._expires_on, self._months)
            self._counted[measure] = tuple(
                credit
                for credit in self._credits
                if window.starts_on <= credit.completed_on <= window.ends_on
                and (not measure.credit_types or credit.credit_type in measure.credit_types)
                and (not measure.topics or credit.topics & measure.topics)
            )
        return self._counted[measure]

    def value(self, measure: Measure) -> Decimal:
        counted = self.counted(measure)
        if measure.unit == "count":
            return Decimal(sum(credit.count for credit in counted))
        return sum((credit.hours for credit in counted), ZERO)


class TotalsTally:
    """Measures already summed (by SQL, for the bulk audit); no credit lists."""

    def __init__(self, values: Mapping[Measure, Decimal]):
        self._values = values

    def counted(self, measure: Measure) -> tuple[Credit, ...]:
        return ()

    def value(self, measure: Measure) -> Decimal:
        return self._values.get(measure, ZERO)


class _Recorder:
    """A tally that notes which measures are asked for (see ``measures_of``)."""

    def __init__(self) -> None:
        self.asked: dict[Measure, None] = {}

    def counted(self, measure: Measure) -> tuple[Credit, ...]:
        self.asked[measure] = None
        return ()

    def value(self, measure: Measure) -> Decimal:
        self.asked[measure] = None
        return ZERO


def _after_caps(rule: Rule, tally, window: str, earned: Decimal, required: Decimal):
    """Hours that count toward ``rule`` once its caps are applied, and a note."""
    notes = []
    for cap in rule.caps:
        capped = tally.value(Measure(window, rule.credit_types, cap.topics))
        allowed = required * cap.max_percent / 100
        if capped > allowed:
            earned -= capped - allowed
            notes.append(
                f"{capped - allowed:f} hours of {', '.join(sorted(cap.topics))} beyond the "
                f"{cap.max_percent:f}% cap are not counted."
            )
    return earned, " ".join(notes)


def _hours_rule(rs: RequirementSet, rule: Rule, facts, tally, cycle) -> RuleResult:
    required, note = rule.hours, ""
    if rule.proration_within_months is not None and facts.first_issued_on > shift_months(
        facts.expires_on, -rule.proration_within_months
    ):
        required = rule.prorated_hours
        note = (
            f"Prorated: first licensed less than {rule.proration_within_months} months "
            "before expiry."
        )
    in_cycle = Measure(CYCLE, rule.credit_types)
    earned, cap_note = _after_caps(rule, tally, CYCLE, tally.value(in_cycle), required)
    if rule.carry_forward_max:
        previous_earned, _ = _after_caps(
            rule,
            tally,
            PREVIOUS_CYCLE,
            tally.value(Measure(PREVIOUS_CYCLE, rule.credit_types)),
            rule.hours,
        )
        carried = min(rule.carry_forward_max, max(ZERO, previous_earned - rule.hours))
        if carried:
            earned += carried
            previous = window_of(PREVIOUS_CYCLE, facts.expires_on, rs.cycle_months)
            note = (
                note + f" {carried:f} excess hours carried forward from {previous.label}."
            ).strip()
    if rs.reporting_began_on and cycle.starts_on < rs.reporting_began_on:
        note = (
            note + f" Credit before {rs.reporting_began_on:%m/%d/%Y}, when reporting into "
            "Passport began, may be missing."
        ).strip()
    return RuleResult(
        rule.id,
        rule.label,
        required,
        earned,
        MET if earned >= required else SHORT,
        due_on=cycle.ends_on,
        counted=tally.counted(in_cycle),
        note=f"{note} {cap_note}" if note and cap_note else note or cap_note,
    )


def _topic_hours_rule(rs: RequirementSet, rule: Rule, facts, tally, cycle) -> RuleResult:
    window = renewals_window(rule.every_nth_renewal) if rule.every_nth_renewal > 1 else CYCLE
    if rule.courses:
        measure = Measure(window, rule.credit_types, rule.topics, "count")
        required, unit = Decimal(rule.courses), "courses"
    else:
        measure = Measure(window, rule.credit_types, rule.topics)
        required, unit = rule.hours, "hours"
    earned = tally.value(measure)
    status = MET if earned >= required else SHORT
    note = ""
    if rule.id in facts.satisfied_on_file:
        status = ON_FILE
    if rule.every_nth_renewal > 1:
        number = renewal_number(facts, rs.cycle_months)
        if number % rule.every_nth_renewal and status == SHORT:
            status = NOT_YET_DUE
        note = f"Due every {rule.every_nth_renewal} renewals; this is renewal {number}."
    return RuleResult(
        rule.id,
        rule.label,
        required,
        earned,
        status,
        unit,
        due_on=cycle.ends_on,
        counted=tally.counted(measure),
        note=note,
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


def one_time_status(
    rs: RequirementSet, rule_id: str, met: bool, due_on: date | None, facts, cycle: Cycle
) -> tuple[str, str]:
    """The status of a one-time obligation, and a note saying why, in the order a person
    would ask: is it settled, is it due yet, could Passport know, is it late."""
    if met:
        return MET, "Counted once, from any date since first licensure."
    if rule_id in facts.satisfied_on_file:
        return ON_FILE, "The board has this requirement on file as satisfied."
    if due_on is not None and due_on > cycle.ends_on:
        return NOT_YET_DUE, "Counted once, from any date since first licensure."
    began = rs.reporting_began_on
    if due_on is not None and began is not None and due_on < began:
        return NOT_EVIDENCED, (
            f"Due {due_on:%m/%d/%Y}, before providers began reporting into Passport on "
            f"{began:%m/%d/%Y}: a course taken then is not in Passport. The board can record "
            "it as satisfied, or the physician can attest it with a certificate."
        )
    if due_on is not None and due_on < cycle.starts_on:
        return OVERDUE, f"Due {due_on:%m/%d/%Y}, before this cycle began, and not met."
    return SHORT, "Due in this cycle; counted once, from any date since first licensure."


def _one_time_rule(rs: RequirementSet, rule: Rule, facts, tally, cycle) -> RuleResult:
    measure = Measure(TO_CYCLE_END, topics=rule.topics)
    earned = tally.value(measure)
    due_on = _due_on(rs, rule, facts)
    status, note = one_time_status(rs, rule.id, earned >= rule.hours, due_on, facts, cycle)
    return RuleResult(
        rule.id,
        rule.label,
        rule.hours,
        earned,
        status,
        due_on=due_on,
        counted=tally.counted(measure),
        note=note,
    )


def _topic_share_rule(rs: RequirementSet, rule: Rule, facts, tally, cycle) -> RuleResult:
    base = rs.rule(rule.of_rule)
    required = base.hours * rule.percent / 100
    applies = (
        not rule.applies_to_specialties or facts.specialty in rule.applies_to_specialties
    ) and (not rule.applies_if_attests_geriatric or facts.attests_geriatric_patients)
    measure = Measure(CYCLE, base.credit_types, rule.topics)
    earned, counted = tally.value(measure), tally.counted(measure)
    if not applies:
        return RuleResult(
            rule.id,
            rule.label,
            required,
            earned,
            EXEMPT,
            counted=counted,
            note="Does not apply to this licensee's specialty and attestation.",
        )
    return RuleResult(
        rule.id,
        rule.label,
        required,
        earned,
        MET if earned >= required else SHORT,
        due_on=cycle.ends_on,
        counted=counted,
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
    """Evaluate every rule of ``rs`` for the cycle ending at the licence's expiry, from
    individual credits (each result lists the credits that counted)."""
    usable = [c for c in credits if rs.accepts_self_reported or not c.self_reported]
    return evaluate_tally(rs, facts, CreditTally(usable, facts.expires_on, rs.cycle_months))


def evaluate_totals(
    rs: RequirementSet, facts: LicenseeFacts, totals: Mapping[Measure, Decimal]
) -> Evaluation:
    """Evaluate from the sums of ``measures_of(rs)``, computed elsewhere (in SQL)."""
    return evaluate_tally(rs, facts, TotalsTally(totals))


@lru_cache(maxsize=64)
def measures_of(rs: RequirementSet) -> tuple[Measure, ...]:
    """Every measure evaluating ``rs`` can ask for: found by evaluating once with a tally
    that records the questions, so this list can never drift from the rules' code."""
    recorder = _Recorder()
    evaluate_tally(rs, LicenseeFacts(date(2000, 1, 1), date(2010, 12, 31)), recorder)
    return tuple(recorder.asked)


ANY_EVER = Measure(TO_CYCLE_END, unit="count")


def evaluate_tally(rs: RequirementSet, facts: LicenseeFacts, tally) -> Evaluation:
    cycle = window_of(CYCLE, facts.expires_on, rs.cycle_months)
    exemption = board_exemption(rs, facts, cycle)
    results = []
    for rule in rs.rules:
        if exemption:  # the whole cycle is exempt: so is every rule of it
            results.append(
                RuleResult(rule.id, rule.label, rule.hours, ZERO, EXEMPT, note=exemption)
            )
            continue
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
        results.append(_EVALUATORS[rule.kind](rs, rule, facts, tally, cycle))
    failing = any(result.status in FAILING for result in results)
    if exemption:
        status = EXEMPT_OVERALL
    elif not failing:
        status = MEETS
    elif tally.value(ANY_IN_CYCLE) > 0:
        status = SHORT_OVERALL
    elif tally.value(ANY_EVER) > 0:
        status = NO_CYCLE_CREDIT  # short, with credit only outside this cycle
    else:
        status = NO_CREDIT
    return Evaluation(cycle, status, tuple(results), exemption)
