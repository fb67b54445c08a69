"""Share links: a physician shares one license and period until a date; the holder sees it
read-only with its verification, without an account; expiry, revocation, the view log,
and nothing beyond its own license and period."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from passport.extensions import limiter
from passport.models import TranscriptShare, TranscriptShareView
from tests import factories
from tests.conftest import sign_in_as

TODAY = date.today()


def _world(db_session):
    physician = factories.UserFactory()
    mine = factories.LicenseLinkFactory(user=physician)
    other_license = factories.LicenseLinkFactory(user=physician)
    inside = factories.ActivityFactory(title="Inside the period")
    before = factories.ActivityFactory(title="Before the period")
    elsewhere = factories.ActivityFactory(title="On the other license")
    factories.CompletionFactory(
        licensee=mine.licensee, activity=inside, completed_on=TODAY - timedelta(days=10)
    )
    factories.CompletionFactory(
        licensee=mine.licensee, activity=before, completed_on=TODAY - timedelta(days=200)
    )
    factories.CompletionFactory(
        licensee=other_license.licensee, activity=elsewhere, completed_on=TODAY - timedelta(days=5)
    )
    return physician, mine


def _create(client, link, **changes):
    data = {
        "link_id": str(link.id),
        "recipient": "St. Mary's credentialing",
        "starts_on": (TODAY - timedelta(days=90)).isoformat(),
        "ends_on": TODAY.isoformat(),
        "expires_on": (TODAY + timedelta(days=14)).isoformat(),
    } | changes
    page = client.post("/physician/shares", data=data).get_data(as_text=True)
    match = re.search(r"http://passport\.test(/shared/[\w-]+)", page)
    return match.group(1) if match else page


def test_the_holder_sees_only_its_license_and_period(app, db_session):
    physician, link = _world(db_session)
    owner = sign_in_as(app.test_client(), physician)
    path = _create(owner, link)
    anonymous = app.test_client()
    response = anonymous.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Inside the period" in page
    assert "Before the period" not in page and "On the other license" not in page
    assert link.licensee.license_number in page and "Verification code" in page
    assert "has not changed" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "<form" not in page.split("<main", 1)[1]  # read-only
    share = db_session.scalar(sa.select(TranscriptShare))
    assert len(share.token_digest) == 64 and path.rsplit("/", 1)[1] not in share.token_digest
    assert len(path.rsplit("/", 1)[1]) >= 43  # 32 random bytes


def test_each_view_is_logged_and_listed(app, db_session):
    physician, link = _world(db_session)
    owner = sign_in_as(app.test_client(), physician)
    path = _create(owner, link)
    for _ in range(3):
        app.test_client().get(path)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(TranscriptShareView)) == 3
    listing = owner.get("/physician/shares").get_data(as_text=True)
    assert "3 times" in listing and "St. Mary&#39;s credentialing" in listing


def test_revoked_and_expired_links_stop_working(app, db_session):
    physician, link = _world(db_session)
    owner = sign_in_as(app.test_client(), physician)
    path = _create(owner, link)
    share = db_session.scalar(sa.select(TranscriptShare))
    assert owner.post(f"/physician/shares/{share.id}/revoke").status_code == 302
    closed = app.test_client().get(path)
    assert closed.status_code == 410 and b"no longer works" in closed.data
    db_session.refresh(share)
    assert share.issued.withdrawn_at is not None  # /verify says so too

    second = _create(owner, link)
    share = db_session.scalars(sa.select(TranscriptShare).order_by(TranscriptShare.id)).all()[-1]
    assert app.test_client().get(second).status_code == 200
    share.expires_on = TODAY - timedelta(days=1)
    db_session.commit()
    assert app.test_client().get(second).status_code == 410
    assert app.test_client().get("/shared/not-a-token").status_code == 404


def test_a_change_in_the_period_shows_on_the_verification(app, db_session):
    physician, link = _world(db_session)
    owner = sign_in_as(app.test_client(), physician)
    path = _create(owner, link)
    factories.CompletionFactory(
        licensee=link.licensee,
        activity=factories.ActivityFactory(title="Reported later"),
        completed_on=TODAY - timedelta(days=3),
        credits=Decimal("1.00"),
    )
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Reported later" in page and "since this link was made; what follows is current" in page


def test_only_ones_own_license_and_sensible_dates(app, db_session):
    physician, link = _world(db_session)
    owner = sign_in_as(app.test_client(), physician)
    stranger = factories.LicenseLinkFactory()
    refused = owner.post(
        "/physician/shares",
        data={
            "link_id": str(stranger.id),
            "recipient": "x",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "expires_on": TODAY.isoformat(),
        },
    )
    assert refused.status_code in (200, 403)
    assert not db_session.scalar(sa.select(sa.func.count()).select_from(TranscriptShare))
    too_long = _create(owner, link, expires_on=(TODAY + timedelta(days=400)).isoformat())
    assert "at most a year" in too_long


def test_the_shared_page_is_rate_limited(app, db_session):
    physician, link = _world(db_session)
    path = _create(sign_in_as(app.test_client(), physician), link)
    limiter.reset()
    anonymous = app.test_client()
    statuses = [anonymous.get(path).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    limiter.reset()
