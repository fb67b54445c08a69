"""Taking over a license, tried as an attacker would (issue 20): sign up under any name,
link someone else's license with its number, last name and MM/DD, read the transcript
and issue PDFs that /verify calls genuine, and lock the real holder out.

Each of these worked before: the account linked at once with no confirmed address and
no code, the PDF and /verify printed the account's self-typed name, a license with five
wrong dates an hour was locked for everyone, a correct guess on a linked license said
"already linked" (confirming the date of birth), and a transcript could not be withdrawn.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from passport.models import IssuedTranscript, LicenseLink, LinkAttempt, User
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def mailbox(monkeypatch):
    """Every e-mail the app sends, as (to, subject, body)."""
    sent: list[tuple[str, str, str]] = []

    def capture(config, message):  # noqa: ANN001 - send_message's signature
        sent.append((message["To"], message["Subject"], message.get_body(("plain",)).get_content()))

    monkeypatch.setattr("passport.notifications.delivery.send_message", capture)
    return sent


@pytest.fixture
def victim(db_session):
    return factories.LicenseeFactory(
        license_number="A777001",
        first_name="Ada",
        last_name="Okafor",
        dob_month=7,
        dob_day=14,
        email="ada.okafor@clinic.example",
    )


def _link_form(licensee, **changes) -> dict:
    return {
        "board_id": str(licensee.board_id),
        "license_number": licensee.license_number,
        "last_name": licensee.last_name,
        "date_of_birth": f"{licensee.dob_month:02d}/{licensee.dob_day:02d}",
    } | changes


def _links(db_session, licensee) -> list[LicenseLink]:
    db_session.expire_all()
    return list(
        db_session.scalars(sa.select(LicenseLink).where(LicenseLink.licensee_id == licensee.id))
    )


def test_an_unconfirmed_account_links_nothing(app, db_session, victim, mailbox):
    mallory = factories.UserFactory(email_verified_at=None, first_name="Mallory")
    client = sign_in_as(app.test_client(), mallory)
    page = client.post("/physician/licenses/link", data=_link_form(victim))
    assert page.status_code == 200
    assert "confirm your e-mail address" in page.get_data(as_text=True)
    assert _links(db_session, victim) == []


def test_sign_up_sends_a_confirmation_link_that_works(app, db_session, mailbox):
    client = app.test_client()
    response = client.post(
        "/sign-up",
        data={
            "email": "new.doctor@clinic.example",
            "first_name": "New",
            "last_name": "Doctor",
            "password": "a long and unusual passphrase 42",
            "confirm": "a long and unusual passphrase 42",
        },
    )
    assert response.status_code == 302
    (to, _subject, body) = next(m for m in mailbox if m[0] == "new.doctor@clinic.example")
    link = re.search(r"https?://\S+/confirm-email/\S+", body).group(0)
    assert link.startswith(app.config["PASSPORT_BASE_URL"])
    path = link[len(app.config["PASSPORT_BASE_URL"]) :]
    assert client.get(path).status_code == 302
    user = db_session.scalar(sa.select(User).where(User.email == "new.doctor@clinic.example"))
    assert user.email_verified_at is not None
    assert client.get(path[:-3] + "xyz").status_code == 400  # tampered


def test_a_roster_address_means_the_code_sent_there_is_needed(app, db_session, victim, mailbox):
    mallory = factories.UserFactory(first_name="Mallory", last_name="Okafor")
    client = sign_in_as(app.test_client(), mallory)
    started = client.post("/physician/licenses/link", data=_link_form(victim))
    assert started.status_code == 302 and "/licenses/confirm/" in started.headers["Location"]
    assert _links(db_session, victim) == []  # the right details alone link nothing
    (to, _subject, body) = mailbox[-1]
    assert to == "ada.okafor@clinic.example" and mallory.email not in body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    confirm_url = started.headers["Location"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(confirm_url, data={"code": wrong})
    # five wrong codes spend it: even the right one no longer links
    client.post(confirm_url, data={"code": code})
    assert _links(db_session, victim) == []


def test_the_holder_links_with_the_code_and_is_told(app, db_session, victim, mailbox):
    ada = factories.UserFactory(first_name="Ada", last_name="Okafor")
    client = sign_in_as(app.test_client(), ada)
    started = client.post("/physician/licenses/link", data=_link_form(victim))
    code = re.search(r"\b(\d{6})\b", mailbox[-1][2]).group(1)
    done = client.post(started.headers["Location"], data={"code": code})
    assert done.status_code == 302
    assert [link.user_id for link in _links(db_session, victim)] == [ada.id]
    told = {to for to, subject, _ in mailbox if "linked" in subject}
    assert told == {ada.email, "ada.okafor@clinic.example"}


def test_already_linked_gets_the_words_of_any_wrong_guess(app, db_session, mailbox):
    licensee = factories.LicenseeFactory(license_number="A777002", dob_month=3, dob_day=9)
    factories.LicenseLinkFactory(licensee=licensee)
    client = sign_in_as(app.test_client(), factories.UserFactory())
    right = client.post("/physician/licenses/link", data=_link_form(licensee))
    wrong = client.post(
        "/physician/licenses/link", data=_link_form(licensee, date_of_birth="03/10")
    )

    def message(response):
        text = response.get_data(as_text=True)
        return re.search(r"We could not verify this license[^<]*", text).group(0)

    assert message(right) == message(wrong)
    assert "already linked" not in right.get_data(as_text=True)
    outcomes = db_session.scalars(sa.select(LinkAttempt.outcome)).all()
    assert "claimed_by_other" in outcomes  # the board and administrators still see it


def test_failed_guesses_from_elsewhere_never_lock_out_the_holder(app, db_session, mailbox):
    licensee = factories.LicenseeFactory(license_number="A777003", dob_month=5, dob_day=5)
    for number in range(12):
        guesser = sign_in_as(app.test_client(), factories.UserFactory())
        guesser.post(
            "/physician/licenses/link",
            data=_link_form(licensee, date_of_birth="01/01"),
            environ_base={"REMOTE_ADDR": f"203.0.113.{number}"},
        )
    holder = factories.UserFactory()
    response = sign_in_as(app.test_client(), holder).post(
        "/physician/licenses/link",
        data=_link_form(licensee),
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert response.status_code == 302
    assert [link.user_id for link in _links(db_session, licensee)] == [holder.id]


def test_the_pdf_and_verify_name_the_roster_holder_not_the_account(app, db_session):
    licensee = factories.LicenseeFactory(first_name="Ada", last_name="Okafor")
    mallory = factories.UserFactory(first_name="Dr. Trusted", last_name="Impostor")
    factories.LicenseLinkFactory(user=mallory, licensee=licensee)
    client = sign_in_as(app.test_client(), mallory)
    assert client.get("/physician/transcript.pdf").status_code == 200
    issued = db_session.scalar(sa.select(IssuedTranscript))
    assert issued.holder_name == "Ada Okafor"
    page = app.test_client().get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Ada Okafor" in page and "Impostor" not in page


def test_a_physician_withdraws_a_transcript_and_verify_says_so(app, db_session):
    link = factories.LicenseLinkFactory()
    owner = sign_in_as(app.test_client(), link.user)
    owner.get("/physician/transcript.pdf")
    issued = db_session.scalar(sa.select(IssuedTranscript))
    other = sign_in_as(app.test_client(), factories.UserFactory())
    assert other.post(f"/physician/transcripts/issued/{issued.code}/withdraw").status_code == 403
    listed = owner.get("/physician/transcripts/issued").get_data(as_text=True)
    assert issued.code[:4] in listed
    assert owner.post(f"/physician/transcripts/issued/{issued.code}/withdraw").status_code == 302
    page = app.test_client().get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Withdrawn" in page and "Genuine and current" not in page


def test_verify_names_a_mistyped_code_and_is_rate_limited(app):
    client = app.test_client()
    unknown = client.get("/verify/ABCDEFGHJKMN")
    assert unknown.status_code == 404
    assert "No transcript with this code" in unknown.get_data(as_text=True)
    statuses = [client.get("/verify/ABCDEFGHJKMP").status_code for _ in range(40)]
    assert 429 in statuses


def test_a_board_gives_a_contested_license_to_the_claimant(app, db_session):
    licensee = factories.LicenseeFactory(license_number="A777004", dob_month=6, dob_day=6)
    squatter = factories.LicenseLinkFactory(licensee=licensee).user
    holder = factories.UserFactory()
    sign_in_as(app.test_client(), holder).post(
        "/physician/licenses/link", data=_link_form(licensee)
    )
    other_board = sign_in_as(
        app.test_client(), factories.BoardStaffFactory(board=factories.board("CA-OMBC"))
    )
    move = {"licensee_id": licensee.id, "user_id": holder.id}
    other_board.post("/board/contested-links/move", data=move)
    assert [link.user_id for link in _links(db_session, licensee)] == [squatter.id]
    board = sign_in_as(app.test_client(), factories.BoardStaffFactory(board=licensee.board))
    assert holder.email in board.get("/board/contested-links").get_data(as_text=True)
    assert board.post("/board/contested-links/move", data=move).status_code == 302
    assert [link.user_id for link in _links(db_session, licensee)] == [holder.id]
