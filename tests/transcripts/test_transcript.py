"""The transcript: filters in the URL, exact totals, cycles, pagination, two views, and
nobody else's rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from passport.extensions import db
from passport.models import CreditType
from passport.paging import PAGE_SIZE
from passport.requirements.cycles import renewal_cycle
from passport.transcripts import queries
from passport.transcripts.filters import TranscriptFilters
from tests import factories
from tests.conftest import sign_in_as
from tests.transcripts.conftest import completion


def _filters(**args) -> TranscriptFilters:
    return TranscriptFilters.from_args(MultiDict(args))


def _totals(world, **args):
    licensee = world.licensee
    return queries.transcript_totals(db.session, licensee.id, licensee.expires_on, _filters(**args))


def test_filters_round_trip_through_the_url():
    filters = _filters(
        cycle="all", **{"from": "01/02/2025", "to": "2025-12-31"}, credit_type="AMA_PRA_1", q="pain"
    )
    assert filters.date_from == date(2025, 1, 2) and filters.date_to == date(2025, 12, 31)
    assert TranscriptFilters.from_args(MultiDict(filters.to_args())) == filters


def test_unreadable_filters_are_dropped_with_a_note():
    filters = _filters(cycle="bogus", page="-3", provider="x", **{"from": "yesterday"})
    assert filters.cycle == "current" and filters.page == 1 and filters.provider_id is None
    assert filters.date_from is None and len(filters.problems) == 3


def test_from_after_to_is_swapped():
    filters = _filters(**{"from": "2025-06-01", "to": "2025-01-01"})
    assert (filters.date_from, filters.date_to) == (date(2025, 1, 1), date(2025, 6, 1))


def test_totals_are_exact_to_the_quarter_hour(db_session, transcript_world):
    world = transcript_world
    for days_ago, credits in ((1, "0.25"), (2, "0.25"), (3, "0.25"), (4, "1.75"), (5, "0.50")):
        completion(world, world.pain, days_ago, credits)
    completion(world, world.ethics, 6, "2.25", credit_type_code="AAFP_PRESCRIBED")
    totals = _totals(world)
    assert totals.count == 6
    assert totals.credits == Decimal("5.25")
    name = {
        code: db_session.get(CreditType, code).name for code in ("AMA_PRA_1", "AAFP_PRESCRIBED")
    }
    assert dict(totals.by_credit_type) == {
        name["AMA_PRA_1"]: Decimal("3.00"),
        name["AAFP_PRESCRIBED"]: Decimal("2.25"),
    }
    by_topic = dict(totals.by_topic)
    # Ethics' credits count toward both of its topics.
    assert by_topic["Medical ethics and professional responsibility"] == Decimal("2.25")
    assert by_topic["Pain management and end-of-life care"] == Decimal("5.25")


def test_default_is_the_current_cycle(db_session, transcript_world):
    world = transcript_world
    cycle = renewal_cycle(world.licensee.expires_on)
    completion(world, world.pain, 10, "1.00")
    completion(world, world.pain, (world.today - cycle.starts_on).days + 1, "2.00")  # day before
    completion(world, world.ethics, (world.today - cycle.starts_on).days, "4.00")  # first day
    assert _totals(world).credits == Decimal("5.00")
    assert _totals(world, cycle="previous").credits == Decimal("2.00")
    assert _totals(world, cycle="all").credits == Decimal("7.00")


def test_each_filter_narrows_the_set(db_session, transcript_world):
    world = transcript_world
    completion(world, world.pain, 10, "1.00")
    completion(world, world.ethics, 20, "2.00", credit_type_code="AAFP_PRESCRIBED")
    completion(world, world.ethics, 40, "4.00")
    assert _totals(world, provider=str(world.pain.provider_id)).credits == Decimal("1.00")
    assert _totals(world, credit_type="AAFP_PRESCRIBED").credits == Decimal("2.00")
    assert _totals(world, topic="ethics").credits == Decimal("6.00")
    assert _totals(world, q="ETHICS").credits == Decimal("6.00")
    assert _totals(world, q="100%").credits == Decimal("0")  # LIKE wildcards are literal
    since = (world.today - timedelta(days=25)).isoformat()
    assert _totals(world, **{"from": since}).credits == Decimal("3.00")


def test_deleted_and_unmatched_records_are_not_on_the_transcript(db_session, transcript_world):
    world = transcript_world
    completion(world, world.pain, 3, "1.00")
    gone = completion(world, world.pain, 4, "2.00")
    gone.deleted_at = gone.reported_at
    db_session.commit()
    assert _totals(world).credits == Decimal("1.00")


def test_pages_hold_fifty_rows_newest_first(db_session, transcript_world):
    world = transcript_world
    for days_ago in range(1, PAGE_SIZE + 8):
        completion(world, world.pain, days_ago, "0.25")
    licensee = world.licensee
    first = queries.transcript_by_date(db_session, licensee.id, licensee.expires_on, _filters())
    second = queries.transcript_by_date(
        db_session, licensee.id, licensee.expires_on, _filters(page="2")
    )
    assert (first.total, first.pages, len(first.items), len(second.items)) == (57, 2, 50, 7)
    dates = [row.completed_on for row in first.items + second.items]
    assert dates == sorted(dates, reverse=True)
    assert first.items[0].topics == ("Pain management and end-of-life care",)


def test_grouped_by_activity(db_session, transcript_world):
    world = transcript_world
    completion(world, world.pain, 5, "1.00")
    completion(world, world.pain, 50, "1.25")
    completion(world, world.ethics, 9, "2.00")
    licensee = world.licensee
    page = queries.transcript_by_activity(
        db_session, licensee.id, licensee.expires_on, _filters(view="activity")
    )
    assert [group.activity_title for group in page.items] == [world.pain.title, world.ethics.title]
    assert page.items[0].credits == Decimal("2.25") and len(page.items[0].rows) == 2


def test_transcript_page_shows_rows_totals_and_flags(app, db_session, transcript_world):
    world = transcript_world
    row = completion(world, world.pain, 5, "1.75")
    factories.DiscrepancyFactory(completion=row, raised_by=world.physician)
    client = sign_in_as(app.test_client(), world.physician)
    page = client.get("/physician/transcript").get_data(as_text=True)
    assert world.pain.title in page and world.pain.activity_code in page
    assert "1.75" in page and "Credits are wrong" in page
    grouped = client.get("/physician/transcript?view=activity&cycle=all").get_data(as_text=True)
    assert world.pain.title in grouped


def test_without_a_licence_the_transcript_asks_for_one(physician_client):
    response = physician_client.get("/physician/transcript")
    assert response.status_code == 302 and "/licenses/link" in response.headers["Location"]


def test_no_physician_sees_another_physicians_rows(app, db_session, transcript_world):
    world = transcript_world
    completion(world, world.pain, 5, "1.00")
    other = factories.LicenseLinkFactory()
    client = sign_in_as(app.test_client(), other.user)
    page = client.get(f"/physician/transcript?license={world.link.id}").get_data(as_text=True)
    assert world.pain.title not in page  # another user's link id falls back to their own
    assert other.licensee.license_number in page
