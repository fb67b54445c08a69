"""Attacks on signing in, as an attacker would try them (issue 20): a shared lock-out,
account enumeration, sessions that outlive sign-out, a session's leftovers shown to the
next user, and ``next=`` sending people to another site."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD

# next= -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile_next",
    [
        "%2F%09%2Fevil.example%2F",  # "/\t/evil.example/": browsers drop the tab: //evil...
        "/%0A/x",  # a newline in a Location header was a 500
        "/%0D%0A/evil.example",
        "%2F%5Cevil.example",  # "/\evil.example": browsers read \ as /
        "https://evil.example/",
        "//evil.example/",
        "/%20/evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "/ok%7F",
    ],
)
def test_next_never_leaves_the_site(client, physician, hostile_next):
    response = client.post(
        f"/sign-in?next={hostile_next}",
        data={"email": physician.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or location.endswith("/physician/"), location


def test_next_to_a_path_of_this_site_is_followed(client, physician):
    response = client.post(
        "/sign-in?next=%2Faccount%3Fx%3D1",
        data={"email": physician.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/account?x=1"
