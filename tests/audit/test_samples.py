"""Audit samples: seeded, reproducible, saved with a verdict per case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from passport.audit.samples import draw_sample, redraw
from passport.errors import ValidationError
from passport.models import AuditCase
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def window(db_session):
    expires = date.today() + timedelta(days=30)
    licensees = [factories.LicenseeFactory(expires_on=expires) for _ in range(20)]
    factories.LicenseeFactory(expires_on=date.today() + timedelta(days=400))  # outside
    return expires, licensees


def _draw(db_session, board_user, expires, **values):
    return draw_sample(
        db_session,
        board_id=board_user.board_id,
        user_id=board_user.id,
        title="Spring",
        starts_on=expires - timedelta(days=1),
        ends_on=expires,
        **({"size_kind": "count", "size_value": 5} | values),
    )


def test_a_seed_reproduces_the_draw(db_session, board_user, window):
    expires, licensees = window
    first = _draw(db_session, board_user, expires, seed=12345)
    second = _draw(db_session, board_user, expires, seed=12345)
    ids = sorted(case.licensee_id for case in first.cases)
    assert len(ids) == 5 and ids == sorted(case.licensee_id for case in second.cases)
    assert redraw(db_session, first) == ids
    assert first.population == 20
    other = _draw(db_session, board_user, expires, seed=54321)
    assert sorted(case.licensee_id for case in other.cases) != ids  # a different draw
    assert set(ids) <= {licensee.id for licensee in licensees}


def test_percent_and_a_recorded_random_seed(db_session, board_user, window):
    expires, _ = window
    sample = _draw(db_session, board_user, expires, size_kind="percent", size_value=25)
    assert len(sample.cases) == 5 and sample.seed is not None


@pytest.mark.parametrize(
    "values",
    [
        {"size_value": 0},
        {"size_kind": "percent", "size_value": 101},
        {"size_kind": "x"},
        {"size_value": 10**20},  # would overflow the stored size: refused, not a 500
    ],
)
def test_bad_sizes_are_refused(db_session, board_user, window, values):
    with pytest.raises(ValidationError):
        _draw(db_session, board_user, window[0], **values)


def test_draw_and_record_verdicts_through_the_pages(app, db_session, board_user, window):
    expires, _ = window
    client = sign_in_as(app.test_client(), board_user)
    response = client.post(
        "/board/samples",
        data={
            "title": "Spring audit",
            "window_starts_on": expires.isoformat(),
            "window_ends_on": expires.isoformat(),
            "size_kind": "count",
            "size_value": "3",
            "seed": "7",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Spring audit" in page and "seed 7" in page
    case = db_session.scalars(sa.select(AuditCase)).first()
    client.post(
        f"/board/samples/{case.sample_id}/cases/{case.id}",
        data={"status": "failed", "note": "No pain management hours."},
    )
    db_session.refresh(case)
    assert (case.status, case.note, case.updated_by_user_id) == (
        "failed",
        "No pain management hours.",
        board_user.id,
    )
    assert "Spring audit" in client.get("/board/samples").get_data(as_text=True)
