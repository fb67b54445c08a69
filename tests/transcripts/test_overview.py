"""The physician's overview leads with what is needed, in the audit engine's words."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from passport.compliance.needs import MET_EVERYTHING, cycle_needs, hours_text, subject_of
from passport.formatting import format_long_date
from tests import factories
from tests.transcripts.conftest import completion


def _short_world(world, db_session):
    """34.75 h this cycle, 3.5 of them on pain management: 15.25 h and 8.5 h short."""
    world.licensee.expires_on = world.today + timedelta(days=150)
    # Licensed about 44 months before expiry: the second renewal, where pain is due.
    world.licensee.first_issued_on = world.today - timedelta(days=1200)
    completion(world, world.pain, 30, "3.50")
    general = factories.ActivityFactory(starts_on=world.today - timedelta(days=600))
    for days_ago, credits in ((40, "10.00"), (50, "10.00"), (60, "11.25")):
        completion(world, general, days_ago, credits)
    db_session.commit()


def test_the_overview_says_what_is_needed_and_by_when(
    transcript_world, physician_client, db_session
):
    _short_world(transcript_world, db_session)
    page = physician_client.get("/physician/").get_data(as_text=True)
    due = format_long_date(transcript_world.licensee.expires_on)
    assert (
        "You need 15.25 h of AMA PRA Category 1 credit or an accepted equivalent and 8.5 h of "
        f"pain management and end-of-life care by {due} (150 days)."
    ) in page
    assert page.index("You need") < page.index("Your discrepancies")
    assert "Short" in page  # each rule's state in the board's words
    assert "Total hours" not in page  # no longer the lifetime total as the headline


def test_the_overview_says_when_everything_is_met(transcript_world, physician_client, db_session):
    world = transcript_world
    world.licensee.first_issued_on = world.today - timedelta(days=700)
    completion(world, world.pain, 30, "12.00")
    general = factories.ActivityFactory(starts_on=world.today - timedelta(days=600))
    for days_ago in (40, 50, 60, 70):
        completion(world, general, days_ago, "10.00")
    db_session.commit()
    page = physician_client.get("/physician/").get_data(as_text=True)
    assert MET_EVERYTHING + "." in page


def test_open_discrepancies_show_the_latest_answer(transcript_world, physician_client, db_session):
    from passport.transcripts import discrepancies

    record = completion(transcript_world, transcript_world.pain, 30, "3.50")
    flagged = discrepancies.flag_completion(
        db_session,
        user_id=transcript_world.physician.id,
        completion=record,
        kind="credits_wrong",
        claim=discrepancies.Claim(note="It was 4 hours", completed_on=None, credits=Decimal(4)),
        today=date.today(),
    )
    staff = factories.ProviderStaffFactory(provider=transcript_world.pain.provider)
    discrepancies.reply(
        db_session,
        discrepancy=flagged,
        author_id=staff.id,
        body="We are checking the sign-in sheet.",
        from_provider=True,
    )
    db_session.commit()
    page = physician_client.get("/physician/").get_data(as_text=True)
    assert "We are checking the sign-in sheet." in page


def test_words_for_rules_and_amounts():
    assert subject_of("50 hours of CME") == "CME"
    assert subject_of("20% of the hours in geriatric medicine") == "geriatric medicine"
    assert subject_of("20 of them AOA Category 1-A or 1-B") == "AOA Category 1-A or 1-B"
    assert subject_of("2 hours of domestic violence (every third renewal)") == "domestic violence"
    assert hours_text(Decimal("8.50")) == "8.5" and hours_text(Decimal("12.00")) == "12"
    assert cycle_needs(None, date.today()).met is False


def test_unknown_statuses_read_as_themselves():
    from passport.compliance.needs import status_word

    assert status_word("met") == "Met" and status_word("waived later") == "Waived later"
