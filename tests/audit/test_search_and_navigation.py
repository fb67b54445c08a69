"""Finding any licensee of the board (forgiving what matching forgives), and walking the
worklist licensee by licensee from the licensee's page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from passport.audit import navigation, worklist
from passport.audit.search import search_board
from passport.audit.worklist import AuditFilters
from passport.roster.search import refresh_name_keys
from tests import factories
from tests.conftest import sign_in_as


def _hits(db_session, board_user, text: str) -> list[str]:
    result = search_board(db_session, board_user.board_id, text)
    return [hit.licensee.license_number for hit in result.hits]


@pytest.fixture
def roster(db_session):
    far = date.today() + timedelta(days=600)  # outside any default window
    return {
        "garcia": factories.LicenseeFactory(
            license_number="A75135",
            first_name="María José",
            last_name="García-López",
            expires_on=far,
        ),
        "obrien": factories.LicenseeFactory(
            license_number="G12345", first_name="Seán", last_name="O'Brien Jr.", expires_on=far
        ),
        "other_board": factories.LicenseeFactory(
            board=factories.board("CA-OMBC"), license_number="A75136", last_name="Garcia"
        ),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A75135", ["A75135"]),
        (" a 75-135 ", ["A75135"]),  # as normalise_license_number reads it
        ("a751", ["A75135"]),  # the start of a number
        ("garcia lopez", ["A75135"]),
        ("GARCIA-LÓPEZ", ["A75135"]),
        ("García López, María José", ["A75135"]),  # "last, first"
        ("maria jose garcia", ["A75135"]),
        ("obrien", ["G12345"]),
        ("Sean O'Brien", ["G12345"]),
        ("zzz", []),
    ],
)
def test_search_forgives_accents_hyphens_and_case(db_session, board_user, roster, text, expected):
    assert _hits(db_session, board_user, text) == expected


def test_search_reaches_beyond_the_window_and_only_the_own_board(app, board_user, roster):
    client = sign_in_as(app.test_client(), board_user)
    window = client.get("/board/audit?q=A75135").get_data(as_text=True)
    assert "No licensee expires in this window" in window
    assert "/board/licensees?q=A75135" in window  # the way to search every licensee
    page = client.get("/board/licensees?q=garcia").get_data(as_text=True)
    assert "A75135" in page and "García-López" in page
    assert "A75136" not in page  # another board's licensee
    assert "Searched the roster" in client.get("/board/access-log").get_data(as_text=True)


def test_renamed_licensees_are_folded_again(db_session, board_user, roster):
    assert _hits(db_session, board_user, "garcia") == ["A75135"]
    roster["garcia"].last_name = "Núñez"
    db_session.commit()
    assert refresh_name_keys(db_session, board_user.board_id) == 1
    assert _hits(db_session, board_user, "garcia") == []
    assert _hits(db_session, board_user, "nunez") == ["A75135"]
    assert refresh_name_keys(db_session, board_user.board_id) == 0


@pytest.fixture
def window(db_session):
    start = date.today() + timedelta(days=5)
    licensees = [
        factories.LicenseeFactory(
            expires_on=start + timedelta(days=n % 4), last_name=f"Walk{n:02d}"
        )
        for n in range(9)
    ]
    for licensee in licensees[:3]:
        factories.CompletionFactory(licensee=licensee, credits="50.00")
    return start, licensees


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"sort": "name"},
        {"sort": "earned"},
        {"sort": "status"},
        {"status": "of the first row"},
        {"q": "walk0"},
        {"rule": "total"},  # short on the 50 hours
    ],
)
def test_neighbours_follow_the_worklists_order(db_session, board_user, window, args):
    start, _ = window
    dates = {"from": start.isoformat(), "to": (start + timedelta(days=4)).isoformat()}
    if args.get("status"):  # whichever status the engine gives the first licensee
        first = worklist.all_rows(
            db_session, board_user.board_id, AuditFilters.from_args(dates, date.today())
        )[0]
        args = {"status": first.status}
    filters = AuditFilters.from_args(dates | args, date.today())
    order = [row.licensee.id for row in worklist.all_rows(db_session, board_user.board_id, filters)]
    assert order
    for position, licensee_id in enumerate(order):
        place = navigation.worklist_place(db_session, board_user.board_id, filters, licensee_id)
        assert place.position == position + 1 and place.total == len(order)
        assert place.previous_id == (order[position - 1] if position else None)
        assert place.next_id == (order[position + 1] if position + 1 < len(order) else None)


def test_previous_and_next_links_carry_the_filters(app, db_session, board_user, window):
    start, _ = window
    client = sign_in_as(app.test_client(), board_user)
    args = {
        "from": start.isoformat(),
        "to": (start + timedelta(days=4)).isoformat(),
        "sort": "name",
    }
    filters = AuditFilters.from_args(args, date.today())
    order = [row.licensee.id for row in worklist.all_rows(db_session, board_user.board_id, filters)]
    listing = client.get("/board/audit", query_string=args).get_data(as_text=True)
    assert f"/board/licensees/{order[0]}?from=" in listing and "sort=name" in listing

    page = client.get(f"/board/licensees/{order[1]}", query_string=args).get_data(as_text=True)
    assert "2 of 9" in page
    assert f"/board/licensees/{order[0]}?from={args['from']}" in page
    assert f"/board/licensees/{order[2]}?from={args['from']}" in page
    assert "Back to the worklist" in page
    assert "sort=name" in page

    plain = client.get(f"/board/licensees/{order[1]}").get_data(as_text=True)
    assert "Next licensee" not in plain  # opened from elsewhere: no walk to offer
