"""Benchmark: the board audit over a large roster (issue 5).

A roster of 150,000 licensees with 3,000,000 completions (20 each, over 200 activities
with topics). Times, on SQLite and (if it answers) PostgreSQL: evaluating every licensee's
standing from scratch (sums in SQL, then the engine: what a new requirement set costs);
the audit of a 90-day renewal window and of the whole roster; the first audit page over
HTTP; and that page again after an upload changed the credit of 1,000 and of a tenth of
the licensees (the page evaluates them again first). Targets: whole roster under 10 s,
first page under 1 s.

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
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402 - after the path is set
from bench.sign_in import signed_in_client  # noqa: E402
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
            totp_enabled_at=now,  # board staff must have two-factor sign-in to see anything
        )
        db.session.add(user)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        return app, user.get_id(), board_id


def _page_seconds(client) -> float:
    started = time.perf_counter()
    response = client.get("/board/audit")
    assert response.status_code == 200
    return time.perf_counter() - started


def _change_credit(board_id: int, licensees: int) -> None:
    """What an upload correcting one credit of each of ``licensees`` licensees does to
    the tables (the triggers note them stale)."""
    import sqlalchemy as sa

    from passport.extensions import db
    from passport.models import Completion, Licensee

    first = sa.select(sa.func.min(Completion.id)).group_by(Completion.licensee_id)
    chosen = (
        sa.select(Licensee.id)
        .where(Licensee.board_id == board_id)
        .order_by(Licensee.id)
        .limit(licensees)
    )
    table = Completion.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id.in_(first.where(Completion.licensee_id.in_(chosen))))
        .values(credits_hundredths=table.c.credits_hundredths + Decimal("0.25"))
    )
    db.session.commit()


def measure(url: str, licensees: int) -> dict[str, float]:
    from passport.audit.worklist import AuditFilters, all_rows
    from passport.compliance.standings import refresh_standings
    from passport.extensions import db

    started = time.perf_counter()
    app, session_user_id, board_id = _fill(url, licensees)
    results = {"fill (not a target)": time.perf_counter() - started}
    today = date.today()
    with app.app_context():
        started = time.perf_counter()
        evaluated = refresh_standings(db.session, board_id)
        db.session.commit()
        results["evaluate every standing from scratch (sums in SQL, engine)"] = (
            time.perf_counter() - started
        )
        results["evaluate every standing from scratch: licensees"] = evaluated
        for label, filters in (
            ("audit of a 90-day window", AuditFilters(today, today + timedelta(days=90))),
            ("audit of the whole roster", AuditFilters(date(1900, 1, 1), date(2200, 1, 1))),
        ):
            started = time.perf_counter()
            rows = all_rows(db.session, board_id, filters)
            results[label] = time.perf_counter() - started
            results[f"{label}: licensees"] = len(rows)
            db.session.rollback()
    client = signed_in_client(app, session_user_id)
    results["first audit page over HTTP"] = _page_seconds(client)
    for changed in (1_000, licensees // 10):
        with app.app_context():
            _change_credit(board_id, changed)
        label = f"first audit page over HTTP after {changed:,} licensees' credit changed"
        results[label] = _page_seconds(client)
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
                if case.endswith(": licensees")
                else f"{measured[db][case]:.2f}"
                for db in measured
            )
            + " |"
            for case in cases
        ),
    ]
    lines += [
        "",
        "How to read it. The worklist reads each licensee's standing from `audit_standings`",
        "(`passport/compliance/standings.py`), so the audit of a window or of the whole roster, and",
        "the first page (counts, histogram and 50 rows, filtered, sorted and paged in SQL), cost",
        "the same whatever the number of completions. Database triggers note every change a",
        "standing depends on; before the worklist is read, the licensees noted are evaluated",
        "again in bulk (one grouped query of measure sums, then the engine). The last two rows",
        "are the worst case, an auditor opening the page while the standings of an upload's",
        "learners are still waiting: after an upload, a web-service submission or a roster",
        "import a background job does that work, so the auditor usually finds none waiting.",
        '"From scratch" is every licensee of the board at once: what `flask refresh-standings`',
        "does at a deploy that changed the board's requirement set (the standings record which",
        "set and engine version they were evaluated with); if it is not run, the first page",
        "view after the deploy does it.",
    ]
    write_section("## Board audit (issue 5)", lines)


if __name__ == "__main__":
    main()
