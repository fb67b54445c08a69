"""Requirement-set files: every shipped file loads; a broken one names its line."""

from __future__ import annotations

import pytest

from passport.requirements.rules import (
    RequirementSetError,
    parse_requirement_set,
    requirement_sets,
)

GOOD = """board = "XX-TEST"
name = "Test board"
cycle_months = 24

[[rules]]
id = "total"
kind = "hours"
hours = 10
"""


def test_every_shipped_set_loads():
    assert {"CA-MBC", "CA-OMBC", "TX-TMB", "FL-BOM"} <= set(requirement_sets())


def test_a_new_board_is_a_new_file():
    requirement_set = parse_requirement_set(GOOD)
    assert requirement_set.board == "XX-TEST" and requirement_set.rules[0].hours == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("hours = 10", "hours = "), "line 8"),  # TOML syntax
        (
            GOOD + '\n[[rules]]\nid = "extra"\nkind = "magic"\n',
            r"line 11 \(rule 'extra'\): unknown kind",
        ),
        (GOOD.replace("hours = 10", 'hours = "ten"'), "line 6 .*hours must be a number"),
        (GOOD.replace("hours = 10", "hours = 10\nbogus = 1"), "unknown field bogus"),
        (
            GOOD.replace('id = "total"\n', 'id = "total"\n')
            + '\n[[rules]]\nid = "total"\nkind = "hours"\nhours = 1\n',
            "unique",
        ),
        (GOOD.replace("cycle_months = 24\n", ""), "needs a top-level 'cycle_months'"),
        (
            GOOD
            + '\n[[rules]]\nid = "share"\nkind = "topic_share"\ntopic = "x"\n'
            + 'percent = 20\nof_rule = "nope"\n',
            "names no rule",
        ),
    ],
)
def test_a_broken_file_is_a_clear_error_naming_the_line(text, message):
    with pytest.raises(RequirementSetError, match=message):
        parse_requirement_set(text, "test.toml")
