"""Benchmark: the physician's transcript with thousands of rows (issue 4).

One licensee with 5,000 completions over 1,000 activities, among 300,000 completions of
other licensees. Times the totals, the first and last page by date, the first page by
activity, and the whole page over HTTP, on SQLite and (if it answers) PostgreSQL.

    .venv/bin/python bench/transcript_bench.py

Results go to stdout and to docs/benchmarks.md (section "Physician transcript").
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402 - after the path is set
from bench.sign_in import signed_in_client  # noqa: E402
from bench.upload_bench import postgres_url  # noqa: E402

OWN_COMPLETIONS = 5_000
OTHER_COMPLETIONS = 300_000
ACTIVITIES = 1_000
RUNS = 5


def _fill(url: str) -> tuple:
    """Migrate and fill the database; return the app and the physician's user id."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from passport import MIGRATIONS_DIR, create_app
    from passport.accounts.passwords import hash_password
    from passport.bulk import insert_rows
    from passport.db import utcnow
    from passport.extensions import db
    from passport.models import Activity, Board, Completion, Licensee, LicenseLink, Provider, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    today, now = date.today(), utcnow()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        board_id = db.session.scalar(sa.select(Board.id).where(Board.code == "CA-MBC"))
        licensees = [
            {
                "board_id": board_id,
                "license_number": f"A{100000 + n}",
                "first_name": "First",
                "last_name": f"Last{n}",
                "dob_month": 1 + n % 12,
                "dob_day": 1 + n % 28,
                "first_issued_on": date(2010, 1, 1),
                "expires_on": today + timedelta(days=300),
            }
            for n in range(OTHER_COMPLETIONS // 20 + 1)
        ]
        db.session.execute(sa.insert(Licensee), licensees)
        provider = Provider(accme_id="BENCH", name="Benchmark provider")
        db.session.add(provider)
        db.session.flush()
        db.session.execute(
            sa.insert(Activity),
            [
                {
                    "provider_id": provider.id,
                    "activity_code": f"B-{n:05d}",
                    "title": f"Bench activity {n}",
                    "activity_type": "enduring",
                    "starts_on": today - timedelta(days=800),
                    "ends_on": today,
                    "max_credits": Decimal(4),
                }
                for n in range(ACTIVITIES)
            ],
        )
        activity_ids = db.session.scalars(sa.select(Activity.id).order_by(Activity.id)).all()
        licensee_ids = db.session.scalars(sa.select(Licensee.id).order_by(Licensee.id)).all()
        own = licensee_ids[0]

        def completion(n: int, licensee_id: int) -> dict:
            return {
                "activity_id": activity_ids[n % ACTIVITIES],
                "learner_key": f"K{n}",
                "first_name": "First",
                "last_name": "Last",
                "dob_month": 1,
                "dob_day": 1,
                "license_state": "CA",
                "license_number": "A1",
                "board_id": board_id,
                "completed_on": today - timedelta(days=n % 700),
                "credits_hundredths": 25 * (1 + n % 8),
                "credit_type_code": "AMA_PRA_1",
                "consent_basis": "year",
                "licensee_id": licensee_id,
                "match_status": "matched",
                "version": 1,
                "reported_at": now,
                "updated_at": now,
            }

        rows = [completion(n, own) for n in range(OWN_COMPLETIONS)]
        rows += [
            completion(OWN_COMPLETIONS + n, licensee_ids[1 + n % (len(licensee_ids) - 1)])
            for n in range(OTHER_COMPLETIONS)
        ]
        for start in range(0, len(rows), 50_000):
            insert_rows(db.session, Completion.__table__, rows[start : start + 50_000])
        user = User(
            email="bench@passport.example",
            first_name="Bench",
            last_name="Doctor",
            role="physician",
            password_hash=hash_password("bench password not secret"),
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(LicenseLink(user_id=user.id, licensee_id=own))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Fresh bulk-loaded tables: give the planner the statistics autovacuum would.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        return app, user.get_id(), own


def _median_ms(action) -> float:  # noqa: ANN001
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(url: str) -> dict[str, float]:
    from passport.extensions import db
    from passport.roster.models import Licensee
    from passport.transcripts import queries
    from passport.transcripts.filters import TranscriptFilters

    app, session_user_id, licensee_id = _fill(url)
    results = {}
    with app.app_context():
        licensee = db.session.get(Licensee, licensee_id)
        expires = licensee.expires_on
        everything = TranscriptFilters(cycle="all")
        results["totals"] = _median_ms(
            lambda: queries.transcript_totals(db.session, licensee_id, expires, everything)
        )
        results["first page by date"] = _median_ms(
            lambda: queries.transcript_by_date(db.session, licensee_id, expires, everything)
        )
        last = TranscriptFilters(cycle="all", page=OWN_COMPLETIONS // 50)
        results["last page by date"] = _median_ms(
            lambda: queries.transcript_by_date(db.session, licensee_id, expires, last)
        )
        results["first page by activity"] = _median_ms(
            lambda: queries.transcript_by_activity(
                db.session, licensee_id, expires, TranscriptFilters(cycle="all", view="activity")
            )
        )
    client = signed_in_client(app, session_user_id)
    results["whole page over HTTP"] = _median_ms(
        lambda: client.get("/physician/transcript?cycle=all")
    )
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")]
        pg = postgres_url()
        if pg:
            targets.append(("PostgreSQL", pg))
        measured = {label: measure(url) for label, url in targets}
    cases = list(next(iter(measured.values())))
    lines = [
        f"`.venv/bin/python bench/transcript_bench.py` (one licensee with {OWN_COMPLETIONS:,} "
        f"completions over {ACTIVITIES:,} activities, among {OTHER_COMPLETIONS:,} others; "
        f"median of {RUNS} runs in ms; measured {date.today():%Y-%m-%d} on this 2-core machine).",
        "",
        "| what | " + " | ".join(measured) + " |",
        "| --- | " + " | ".join("---:" for _ in measured) + " |",
        *(
            f"| {case} | " + " | ".join(f"{measured[db][case]:,.0f}" for db in measured) + " |"
            for case in cases
        ),
        "",
        "Offset pagination on the (licensee, completion date) index keeps the last page as "
        "fast as the first at this size; totals are one aggregate per breakdown in SQL.",
    ]
    write_section("## Physician transcript (issue 4)", lines)


if __name__ == "__main__":
    main()
