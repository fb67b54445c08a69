"""Benchmark: the main pages of each role while other people's completions grow (issue 23).

The demo world (30,000 completions) is the people whose pages are timed: the demo
physician, the demo provider's staff, the MBC auditor, and the demo provider's API client.
Other people's data is then added in bulk, as a second board's roster (Texas, one licensee
per 20 completions) and a second provider's activities, until there are 300,000 and then
3,000,000 completions in all; at each size the standings are brought up to date and the
database analysed (as a running system has them), and each page is requested in-process
through the WSGI app (server time: the app's whole answer, without a network), fastest of
5 (the PDF: of 3) after one warm-up. Targets: no page grows more than 1.2x from 30,000 to
3,000,000; every page but the PDF under 50 ms on PostgreSQL at 3,000,000.

    .venv/bin/python bench/scale_bench.py                            # both databases
    .venv/bin/python bench/scale_bench.py --databases postgresql --sizes 30000 300000

Results go to stdout and to docs/benchmarks.md (section "Pages at board scale").
"""

from __future__ import annotations

import argparse
import atexit
import base64
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402 - after the path is set
from bench.request_profile import demo_app, signed_in_client  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SIZES = (30_000, 300_000, 3_000_000)
PER_LICENSEE = 20
OTHER_ACTIVITIES = 2_000
RUNS, PDF_RUNS = 7, 3


def _postgres_database(prefix: str) -> str:
    import os

    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _other_world(session) -> tuple[int, list[int]]:
    """The second board and provider that hold other people's data."""
    import sqlalchemy as sa

    from passport.models import Activity, Board, Provider

    board = Board(
        code="TX-TMB", name="Texas Medical Board", state="TX", license_pattern=r"^\w+$",
        license_example="X1",
    )  # fmt: skip
    provider = Provider(accme_id="OTHER-0001", name="Other provider")
    session.add_all([board, provider])
    session.flush()
    today = date.today()
    activity_ids = session.scalars(
        sa.insert(Activity).returning(Activity.id),
        [
            {
                "provider_id": provider.id,
                "activity_code": f"O-{n:05d}",
                "title": f"Other activity {n}",
                "activity_type": "enduring",
                "starts_on": today - timedelta(days=1500),
                "ends_on": today,
                "max_credits": 8,
            }
            for n in range(OTHER_ACTIVITIES)
        ],
    ).all()
    session.commit()
    return board.id, list(activity_ids)


def _add_others(session, board_id: int, activity_ids: list[int], first: int, last: int) -> None:
    """Other licensees' completions, licensees ``first`` to ``last - 1`` (20 each)."""
    import sqlalchemy as sa

    from passport.bulk import insert_rows
    from passport.compliance.standings import note_stale
    from passport.db import utcnow
    from passport.models import Completion, Licensee

    today, now = date.today(), utcnow()
    step = 10_000  # licensees (200,000 completions) per transaction
    for start in range(first, last, step):
        numbers = range(start, min(start + step, last))
        insert_rows(
            session,
            Licensee.__table__,
            [
                {
                    "board_id": board_id,
                    "license_number": f"T{n:07d}",
                    "first_name": "Other",
                    "last_name": f"Licensee{n}",
                    "dob_month": 1 + n % 12,
                    "dob_day": 1 + n % 28,
                    "license_type": "Physician",
                    "first_issued_on": date(2005, 1, 1),
                    "expires_on": today + timedelta(days=n % 730),
                    "status": "active",
                    "on_latest_roster": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in numbers
            ],
        )
        ids = dict(
            session.execute(
                sa.select(Licensee.license_number, Licensee.id).where(
                    Licensee.board_id == board_id,
                    Licensee.license_number >= f"T{numbers.start:07d}",
                    Licensee.license_number < f"T{numbers.stop:07d}",
                )
            ).all()
        )
        note_stale(session, ids.values())
        insert_rows(
            session,
            Completion.__table__,
            [
                {
                    "activity_id": activity_ids[(n + k * 7) % OTHER_ACTIVITIES],
                    "learner_key": f"TX:T{n:07d}",
                    "first_name": "Other",
                    "last_name": f"Licensee{n}",
                    "dob_month": 1 + n % 12,
                    "dob_day": 1 + n % 28,
                    "license_state": "TX",
                    "license_number": f"T{n:07d}",
                    "board_id": board_id,
                    "completed_on": today - timedelta(days=(n + k * 37) % 700),
                    "credits_hundredths": 100 + 25 * ((n + k) % 12),
                    "credit_type_code": "AMA_PRA_1",
                    "consent_basis": "year",
                    "licensee_id": ids[f"T{n:07d}"],
                    "match_status": "matched",
                    "version": 1,
                    "reported_at": now,
                    "updated_at": now,
                }
                for n in numbers
                for k in range(PER_LICENSEE)
            ],
        )
        session.commit()


def _settle(session) -> None:
    """Standings up to date, statistics gathered: the state a running system is in."""
    from passport.compliance.standings import refresh_noted_boards

    refresh_noted_boards(session)
    session.commit()
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        session.connection().exec_driver_sql("ANALYZE")
        session.commit()


def _pages(app) -> list[tuple[str, object, str, dict]]:
    """(label, client, url, headers) for every page timed."""
    import sqlalchemy as sa

    from passport.api import clients
    from passport.api.models import ApiScope
    from passport.audit.samples import draw_sample
    from passport.demo import DEMO_ACCOUNTS, DEMO_PROVIDER_ID
    from passport.extensions import db
    from passport.models import Completion, Licensee, Provider, Upload, User

    emails = {account.role: account.email for account in DEMO_ACCOUNTS}
    with app.app_context():
        session = db.session
        users = {
            role: session.scalar(sa.select(User).where(User.email == email))
            for role, email in emails.items()
        }
        provider = session.scalar(sa.select(Provider).where(Provider.accme_id == DEMO_PROVIDER_ID))
        upload_id = session.scalar(
            sa.select(Upload.id)
            .where(Upload.provider_id == provider.id)
            .order_by(Upload.total_rows.desc())
            .limit(1)
        )
        board = users["board"].board_id
        licensee_id = session.scalar(
            sa.select(Completion.licensee_id)
            .join(Licensee, Licensee.id == Completion.licensee_id)
            .where(Licensee.board_id == board)
            .group_by(Completion.licensee_id)
            .order_by(sa.func.count().desc(), Completion.licensee_id)
            .limit(1)
        )
        today = date.today()
        sample = draw_sample(
            session, board_id=board, user_id=users["board"].id, title="Scale",
            starts_on=today, ends_on=today + timedelta(days=365), size_kind="count",
            size_value=25, seed=7,
        )  # fmt: skip
        created = clients.create_client(
            session, provider_id=provider.id, user_id=users["provider"].id, name="Bench",
            scopes=list(ApiScope.ALL),
        )  # fmt: skip
        session.commit()
        sample_id, client_id, secret = sample.id, created.client.client_id, created.secret
    api = app.test_client()
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    token = api.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    ).get_json()["access_token"]
    physician, staff, auditor = (
        signed_in_client(app, emails[role]) for role in ("physician", "provider", "board")
    )
    return [
        ("physician overview", physician, "/physician/", {}),
        ("transcript by date", physician, "/physician/transcript", {}),
        ("transcript by activity", physician, "/physician/transcript?view=activity", {}),
        ("PDF of one cycle", physician, "/physician/transcript.pdf", {}),
        ("provider home", staff, "/provider/", {}),
        ("uploads", staff, "/provider/uploads", {}),
        ("an upload's outcomes", staff, f"/provider/uploads/{upload_id}", {}),
        ("unmatched queue", staff, "/provider/unmatched", {}),
        ("discrepancy inbox", staff, "/provider/discrepancies/", {}),
        ("board overview", auditor, "/board/", {}),
        ("worklist, first page", auditor, "/board/audit", {}),
        ("a licensee's page", auditor, f"/board/licensees/{licensee_id}", {}),
        ("a sample", auditor, f"/board/samples/{sample_id}", {}),
        ("API: list of completions", api, "/api/v1/completions", {"Authorization": f"Bearer {token}"}),
    ]  # fmt: skip


def _time_pages(pages) -> dict[str, float]:
    timings = {}
    for label, client, url, headers in pages:
        runs = PDF_RUNS if url.endswith(".pdf") else RUNS
        best = float("inf")
        for _ in range(runs + 1):  # the first is a warm-up
            started = time.perf_counter()
            answer = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, (label, answer.status_code)
            best = min(best, elapsed)
        timings[label] = best
    return timings


def run(database: str, sizes: list[int], prefix: str) -> dict[int, dict[str, float]]:
    import sqlalchemy as sa

    from passport.extensions import db
    from passport.models import Completion

    if database == "postgresql":
        url = _postgres_database(prefix)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='passport-scale-')}/scale.sqlite3"
    app = demo_app(url)
    results: dict[int, dict[str, float]] = {}
    with app.app_context():
        board_id, activity_ids = _other_world(db.session)
        _settle(db.session)
        demo = db.session.scalar(sa.select(sa.func.count()).select_from(Completion))
    others = 0
    pages = _pages(app)
    for size in sizes:
        with app.app_context():
            started = time.perf_counter()
            # The demo's own completions stay as they are; other licensees come 20 at a time.
            wanted = max(others, (size - demo) // PER_LICENSEE)
            _add_others(db.session, board_id, activity_ids, others, wanted)
            others = wanted
            _settle(db.session)
            total = db.session.scalar(sa.select(sa.func.count()).select_from(Completion))
            fill = time.perf_counter() - started
        print(f"{database}: {total:,} completions (fill and settle {fill:.0f} s)", flush=True)
        results[size] = _time_pages(pages)
        for label, ms in results[size].items():
            print(f"  {label:<28} {ms:8.1f} ms", flush=True)
    return results


def _table(database: str, results: dict[int, dict[str, float]]) -> list[str]:
    sizes = sorted(results)
    head = " | ".join(f"{size:,}" for size in sizes)
    lines = [
        f"**{database}** (ms, fastest of {RUNS}; the PDF of {PDF_RUNS})",
        "",
        f"| page | {head} | {sizes[-1]:,} / {sizes[0]:,} |",
        "| --- | " + "---: | " * len(sizes) + "---: |",
    ]
    for label in results[sizes[0]]:
        values = [results[size][label] for size in sizes]
        cells = " | ".join(f"{value:,.1f}" for value in values)
        lines.append(f"| {label} | {cells} | {values[-1] / values[0]:.2f}x |")
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--database-prefix", default="passport_scale")
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    lines = [
        f"`.venv/bin/python bench/scale_bench.py` (measured {date.today():%Y-%m-%d} on this "
        "2-core machine; in-process server time).",
        "",
    ]
    for database in options.databases:
        lines += _table(database, run(database, sorted(options.sizes), options.database_prefix))
    if not options.no_write:
        write_section("## Pages at board scale (issue 23)", lines)
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
