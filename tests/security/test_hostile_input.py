"""Hostile input, all in one place: each is refused cleanly or stored and shown safely.

Parser attacks (XXE, billion laughs, zip-bomb .xlsx, truncated and malformed files) are in
tests/reporting/test_parsers.py, formula injection in exports in tests/audit/test_audit.py,
and any-bytes / any-text properties in tests/security/test_properties.py. This file adds
the size limit, markup and Unicode that people (or attackers) put in names. (The API's own
413s are in tests/api/test_completions_api.py.)
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from passport.reporting.models import CreditType
from passport.reporting.validation import ValidRecord
from tests import factories
from tests.conftest import sign_in_as
from tests.reporting.helpers import activity_form, completion_form
from tests.reporting.test_validation import check, errors_of

ONE_GIGABYTE = 1 << 30


def test_a_one_gigabyte_upload_is_refused_before_it_is_read(app, provider_user):
    """Content-Length says 1 GB: the app answers 413 without reading the body."""
    response = sign_in_as(app.test_client(), provider_user).post(
        "/provider/uploads/new",
        data=io.BytesIO(b"x" * 1024),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(ONE_GIGABYTE)},
    )
    assert response.status_code == 413
    assert b"File too large" in response.data


MARKUP = '<img src=x onerror="alert(1)">'


def test_markup_in_roster_names_and_titles_is_shown_escaped(board_client, db_session):
    """Roster files and activity titles come from outside; the pages show them as text."""
    licensee = factories.LicenseeFactory(last_name=MARKUP, first_name="<script>x</script>")
    activity = factories.ActivityFactory(title="<b>Bold</b> <script>steal()</script>")
    factories.CompletionFactory(licensee=licensee, activity=activity)
    db_session.commit()
    page = board_client.get(f"/board/licensees/{licensee.id}").get_data(as_text=True)
    assert MARKUP not in page and "&lt;img src=x onerror=" in page
    assert "<script>x</script>" not in page and "<script>steal()</script>" not in page
    assert "&lt;script&gt;steal()&lt;/script&gt;" in page


UNICODE_NAMES = [
    "\u0639\u0628\u062f \u0627\u0644\u0644\u0647",  # Arabic, right to left
    "Nguye\u0302\u0303n",  # combining marks
    "\u0141\u00f3d\u017a",  # Polish
    "\u041f\u0435\u0442\u0440\u043e\u0432",  # Cyrillic
]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_names_in_any_script_are_accepted(name):
    assert isinstance(check(first_name=name, last_name=name), ValidRecord)


@pytest.mark.parametrize(
    "name",
    [
        "\u202eevil",  # a right-to-left override turns text around on screen
        "Smith\U0001f489",  # emoji
        "x" * 101,  # longer than the column
        "Bob\u200b",  # zero-width space
    ],
)
def test_names_that_hide_or_overflow_are_rejected_with_a_reason(name):
    message = errors_of(check(last_name=name))["last_name"]
    assert message.strip()


@pytest.mark.parametrize("name", UNICODE_NAMES + ["O\u2019Brien-Sm\u00eft\u0127"])
def test_unicode_names_are_stored_and_shown_as_sent(board_client, db_session, name):
    licensee = factories.LicenseeFactory(last_name=name, first_name="Emoji \U0001f9d1\u200d\u2695")
    db_session.commit()
    response = board_client.get(f"/board/licensees/{licensee.id}")
    assert response.status_code == 200
    assert name in response.get_data(as_text=True)


# What people (or attackers) type into a form's boxes: numbers Decimal parses but no amount
# is ("NaN", "1E+30"), dates at and past the calendar's ends, text far past any length,
# direction overrides and markup. "NaN", "Infinity" and "1E+30" in credit boxes, and a
# 30-digit sample size, were 500s until 2026-12-01.
HOSTILE_VALUES = [
    "NaN",
    "Infinity",
    "1E+30",
    "9" * 30,
    "-1",
    "0",
    "1e-999999",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "13/45",
    "A" + "9" * 40,
    "x" * 5000,
    "\u202e",
    MARKUP,
    "' OR 1=1 --",
    "",
]


def _valid_forms(db_session, users_by_role) -> list[tuple]:
    """(user, URL or a function giving the URL for post ``n``, a function giving a valid
    form for post ``n``) for each form that takes free text. A hostile value goes into one
    box of an otherwise valid form, so that the domain rules behind the form see it: a
    form invalid elsewhere stops at its own checks."""
    today = date.today()
    provider = users_by_role["provider"]
    activity = factories.ActivityFactory(provider=provider.provider, activity_code="HOSTILE-1")
    activity.credit_types = [db_session.get(CreditType, "AMA_PRA_1")]
    physician = users_by_role["physician"]
    licensee = factories.LicenseeFactory(last_name="Hostile", expires_on=today + timedelta(days=90))
    linked = factories.LicenseLinkFactory(user=physician, licensee=factories.LicenseeFactory())
    db_session.commit()

    def a_new_completion_to_flag(n: int) -> str:  # a record can have one open flag
        completion = factories.CompletionFactory(licensee=linked.licensee)
        return f"/physician/completions/{completion.id}/flag"

    return [
        (
            physician,
            a_new_completion_to_flag,
            lambda n: {
                "kind": "credits_wrong",
                "credits": "1.5",
                "completed_on": "",
                "note": "My certificate says 1.5.",
            },
        ),
        (
            provider,
            "/provider/activities/new",
            lambda n: activity_form(activity_code=f"NEW-{n}"),
        ),
        (
            provider,
            "/provider/completions/new",
            lambda n: completion_form(activity_id="HOSTILE-1"),
        ),
        (
            physician,
            "/physician/self-reported/new",
            lambda n: {
                "title": "Wilderness medicine course",
                "provider_name": "Sierra Society",
                "completed_on": (today - timedelta(days=12)).isoformat(),
                "credits": "2.75",
                "credit_type_code": "SELF_REPORTED",
                "certificate": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "certificate.pdf"),
            },
        ),
        (
            physician,
            "/physician/licenses/link",
            lambda n: {
                "board_id": str(licensee.board_id),
                "license_number": licensee.license_number,
                "last_name": "Hostile",
                "date_of_birth": "04/12",
            },
        ),
        (
            users_by_role["board"],
            "/board/samples",
            lambda n: {
                "title": "Spring audit",
                "window_starts_on": today.isoformat(),
                "window_ends_on": (today + timedelta(days=120)).isoformat(),
                "size_kind": "count",
                "size_value": "1",
                "seed": "7",
            },
        ),
    ]


def _post(client, url, form: dict, n: int):
    return client.post(
        url(n) if callable(url) else url, data=form, content_type="multipart/form-data"
    )


def test_every_form_answers_hostile_values_with_a_page_never_a_500(app, db_session, users_by_role):
    """Each box of each form, one at a time, gets each of ``HOSTILE_VALUES`` while the
    rest of the form is valid: the form comes back with its errors, or the change is
    made; the app never fails (in tests an exception would propagate here)."""
    posted = 0
    for user, url, valid_form in _valid_forms(db_session, users_by_role):
        client = sign_in_as(app.test_client(), user)
        first = _post(client, url, valid_form(0), 0)
        assert first.status_code == 302, (url, "the valid form must be valid")
        for name in valid_form(0):
            for value in HOSTILE_VALUES:
                posted += 1
                response = _post(client, url, valid_form(posted) | {name: value}, posted)
                # 429: licence linking's attempts are limited, and this makes many
                assert response.status_code in (200, 302, 429), (url, name, value)
    assert posted > 400
