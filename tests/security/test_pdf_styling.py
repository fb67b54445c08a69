"""No account-supplied value changes the PDF's styling (issue 20): a newline and ``}}`` in
an account name broke out of the stylesheet's ``content: "…"`` string and could hide the
PDF's tables."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests import factories
from tests.conftest import sign_in_as

HOSTILE_NAMES = [
    "Ada\n}} table, h2, h3, p, dl { display: none } .x { x: ",
    "Ada\\\" } } table { display: none } @page { @bottom-left { content: 'x' } } .y {",
    "Ada'; } table { visibility: hidden } /*",
]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_a_hostile_name_cannot_hide_the_transcripts_tables(app, db_session, hostile):
    licensee = factories.LicenseeFactory(first_name=hostile, last_name="Okafor")
    link = factories.LicenseLinkFactory(
        licensee=licensee, user=factories.UserFactory(first_name=hostile, last_name="Okafor")
    )
    factories.CompletionFactory(
        licensee=licensee, activity=factories.ActivityFactory(title="Sepsis update")
    )
    response = sign_in_as(app.test_client(), link.user).get("/physician/transcript.pdf")
    assert response.status_code == 200
    text = _text(response.data)
    assert "Sepsis update" in text  # the completions table
    assert "Requirement Required Earned Status Due" in text  # the requirements table
    assert "Totals by credit type" in text
    assert "Verification code" in text
    assert "Page 1 of" in text  # the footer's own styling still works
    assert "verification code" in text  # and the footer still names the code
