"""Hostile input, all in one place: each is refused cleanly or stored and shown safely.

Parser attacks (XXE, billion laughs, zip-bomb .xlsx, truncated and malformed files) are in
tests/reporting/test_parsers.py, formula injection in exports in tests/audit/test_audit.py,
and any-bytes / any-text properties in tests/security/test_properties.py. This file adds
the size limit, markup and Unicode that people (or attackers) put in names. (The API's own
413s are in tests/api/test_completions_api.py.)
"""

from __future__ import annotations

import io

import pytest

from passport.reporting.validation import ValidRecord
from tests import factories
from tests.conftest import sign_in_as
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
