"""Benchmark: the board audit over a large roster (issue 5).

A roster of 150,000 licensees with 3,000,000 completions (20 each, over 200 activities
with topics). Times the audit of a 90-day renewal window and of the whole roster
(bulk SQL, then the engine), and the first audit page over HTTP, on SQLite and (if it
answers) PostgreSQL. Targets: whole roster under 10 s, first page under 1 s.

    .venv/bin/python bench/audit_bench.py                # full size
    .venv/bin/python bench/audit_bench.py --scale 0.1    # a tenth, for a quick look

Results go to stdout and to docs/benchmarks.md (section "Board audit").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402 - after the path is set
from bench.upload_bench import postgres_url  # noqa: E402

LICENSEES = 150_000
PER_LICENSEE = 20
ACTIVITIES = 200
TOPICS = ("pain_eol", "geriatrics", "practice_management", "ethics", None)


def _fill(url: str, licensees: int) -> tuple:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from passport import MIGRATIONS_DIR, create_app
    from passport.accounts.passwords import hash_password
    from passport.bulk import insert_rows
    from passport.db import utcnow
    from passport.extensions import db
    from passport.models import Activity, Board, Completion, Licensee, Provider, User
    from passport.reporting.models import activity_topics

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    today, now = date.today(), utcnow()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        board_id = db.session.scalar(sa.select(Board.id).where(Board.code == "CA-MBC"))
        for start in range(0, licensees, 50_000):
            insert_rows(
                db.session,
                Licensee.__table__,
                [
                    {
                        "board_id": board_id,
                        "license_number": f"A{100000 + n}",
                        "first_name": "First",
                        "last_name": f"Last{n}",
                        "dob_month": 1 + n % 12,
                        "dob_day": 1 + n % 28,
                        "license_type": "Physician and Surgeon",
                        "first_issued_on": date(2005, 1, 1),
                        "expires_on": today + timedelta(days=n % 730),  # spread over 2 years
                        "status": "active",
                        "specialty": ("Internal Medicine", "Radiology", "Surgery")[n % 3],
                        "attests_geriatric_patients": n % 4 == 0,
                        "cme_waiver_on_file": n % 97 == 0,
                        "on_latest_roster": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start, min(start + 50_000, licensees))
                ],
            )
        provider = Provider(accme_id="BENCH", name="Benchmark provider")
        db.session.add(provider)
        db.session.flush()
        activity_ids = db.session.scalars(
            sa.insert(Activity).returning(Activity.id),
            [
                {
                    "provider_id": provider.id,
                    "activity_code": f"B-{n:04d}",
                    "title": f"Bench {n}",
                    "activity_type": "enduring",
                    "starts_on": today - timedelta(days=1500),
                    "ends_on": today,
                    "max_credits": 8,
                }
                for n in range(ACTIVITIES)
            ],
        ).all()
        db.session.execute(
            sa.insert(activity_topics),
            [
                {"activity_id": activity_id, "topic_code": TOPICS[n % len(TOPICS)]}
                for n, activity_id in enumerate(activity_ids)
                if TOPICS[n % len(TOPICS)]
            ],
        )
        licensee_ids = db.session.scalars(sa.select(Licensee.id).order_by(Licensee.id)).all()
        batch = []
        for index, licensee_id in enumerate(licensee_ids):
            for k in range(PER_LICENSEE):
                batch.append(
                    {
                        "activity_id": activity_ids[(index + k * 7) % ACTIVITIES],
                        "learner_key": f"CA:A{100000 + index}",
                        "first_name": "First",
                        "last_name": "Last",
                        "dob_month": 1,
                        "dob_day": 1,
                        "license_state": "CA",
                        "license_number": f"A{100000 + index}",
                        "board_id": board_id,
                        "completed_on": today - timedelta(days=(index + k * 37) % 700),
                        "credits_hundredths": 100 + 25 * ((index + k) % 12),
                        "credit_type_code": "AMA_PRA_1",
                        "consent_basis": "year",
                        "licensee_id": licensee_id,
                        "match_status": "matched",
                        "version": 1,
                        "reported_at": now,
                        "updated_at": now,
                    }
                )
            if len(batch) >= 100_000:
                insert_rows(db.session, Completion.__table__, batch)
                batch = []
        if batch:
            insert_rows(db.session, Completion.__table__, batch)
        user = User(
            email="auditor@passport.example",
            first_name="Avery",
            last_name="Auditor",
            role="board",
            board_id=board_id,
            password_hash=hash_password("bench password not secret"),
        )
        db.session.add(user)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        return app, user.get_id(), board_id


def measure(url: str, licensees: int) -> dict[str, float]:
    from passport.audit.worklist import AuditFilters, evaluate_window
    from passport.extensions import db

    started = time.perf_counter()
    app, session_user_id, board_id = _fill(url, licensees)
    results = {"fill (not a target)": time.perf_counter() - started}
    today = date.today()
    with app.app_context():
        for label, filters in (
            ("audit of a 90-day window", AuditFilters(today, today + timedelta(days=90))),
            ("audit of the whole roster", AuditFilters(date(1900, 1, 1), date(2200, 1, 1))),
        ):
            started = time.perf_counter()
            rows = evaluate_window(db.session, board_id, filters)
            results[label] = time.perf_counter() - started
            results[f"{label}: licensees"] = len(rows)
            db.session.rollback()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_user_id
    started = time.perf_counter()
    response = client.get("/board/audit")
    assert response.status_code == 200
    results["first audit page over HTTP"] = time.perf_counter() - started
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    licensees = int(LICENSEES * args.scale)
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")]
        pg = postgres_url()
        if pg:
            targets.append(("PostgreSQL", pg))
        measured = {}
        for label, url in targets:
            measured[label] = measure(url, licensees)
            print(label, measured[label], flush=True)
    cases = list(next(iter(measured.values())))
    lines = [
        f"`.venv/bin/python bench/audit_bench.py --scale {args.scale:g}` ({licensees:,} licensees, "
        f"{licensees * PER_LICENSEE:,} completions; seconds, or counts where marked; measured "
        f"{date.today():%Y-%m-%d} on this 2-core machine). Targets: whole roster under 10 s, "
        "first page under 1 s.",
        "",
        "| what | " + " | ".join(measured) + " |",
        "| --- | " + " | ".join("---:" for _ in measured) + " |",
        *(
            f"| {case} | "
            + " | ".join(
                f"{measured[db][case]:,}"
                if case.endswith("licensees")
                else f"{measured[db][case]:.2f}"
                for db in measured
            )
            + " |"
            for case in cases
        ),
    ]
    write_section("## Board audit (issue 5)", lines)


if __name__ == "__main__":
    main()
