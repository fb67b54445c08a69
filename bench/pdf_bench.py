"""Benchmark: PDF transcripts (issue 6).

Renders a 1-page (10 completions) and a 500-row transcript through the app (an HTTP
request: queries, document, fingerprint, record, template, WeasyPrint) and, in the same
run, bare WeasyPrint on the same HTML: the limit. Target: the app's overhead at most 20%
over bare WeasyPrint. Median of 3 runs each (after one warm-up of each), on SQLite.

    .venv/bin/python bench/pdf_bench.py

Results go to stdout and to docs/benchmarks.md (section "PDF transcripts").
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402 - after the path is set
from bench.sign_in import signed_in_client  # noqa: E402

RUNS = 3


def _world(url: str, rows: int):
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from passport import MIGRATIONS_DIR, create_app
    from passport.accounts.passwords import hash_password
    from passport.bulk import insert_rows
    from passport.db import utcnow
    from passport.extensions import db
    from passport.models import Activity, Board, Completion, Licensee, LicenseLink, Provider, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    today, now = date.today(), utcnow()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        board_id = db.session.scalar(sa.select(Board.id).where(Board.code == "CA-MBC"))
        licensee = Licensee(
            board_id=board_id,
            license_number="A999999",
            first_name="Bench",
            last_name="Physician",
            dob_month=1,
            dob_day=2,
            license_type="Physician and Surgeon",
            first_issued_on=date(2005, 1, 1),
            expires_on=today + timedelta(days=200),
            status="active",
        )
        provider = Provider(accme_id="PDFBENCH", name="Benchmark provider of CME")
        user = User(
            email="pdf@passport.example",
            first_name="Bench",
            last_name="Physician",
            role="physician",
            password_hash=hash_password("bench password not secret"),
        )
        db.session.add_all([licensee, provider, user])
        db.session.flush()
        db.session.add(LicenseLink(user_id=user.id, licensee_id=licensee.id))
        activity_ids = db.session.scalars(
            sa.insert(Activity).returning(Activity.id),
            [
                {
                    "provider_id": provider.id,
                    "activity_code": f"PDF-{n:04d}",
                    "title": f"Grand rounds on a long clinical subject, session {n}",
                    "activity_type": "live",
                    "starts_on": today - timedelta(days=700),
                    "ends_on": today,
                    "max_credits": 8,
                }
                for n in range(rows)
            ],
        ).all()
        insert_rows(
            db.session,
            Completion.__table__,
            [
                {
                    "activity_id": activity_id,
                    "learner_key": "CA:A999999",
                    "first_name": "Bench",
                    "last_name": "Physician",
                    "dob_month": 1,
                    "dob_day": 2,
                    "license_state": "CA",
                    "license_number": "A999999",
                    "board_id": board_id,
                    "completed_on": today - timedelta(days=n % 600),
                    "credits_hundredths": 100 + 25 * (n % 8),
                    "credit_type_code": "AMA_PRA_1",
                    "consent_basis": "year",
                    "licensee_id": licensee.id,
                    "match_status": "matched",
                    "version": 1,
                    "reported_at": now,
                    "updated_at": now,
                }
                for n, activity_id in enumerate(activity_ids)
            ],
        )
        db.session.commit()
        return app, user.get_id(), licensee.id


def _bare_html(app, licensee_id: int) -> str:
    """The HTML the app renders for this transcript (built by the app's own functions)."""
    from passport.extensions import db
    from passport.models import Licensee
    from passport.pdf_transcripts import document
    from passport.pdf_transcripts.render import transcript_html

    with app.test_request_context("/"):
        licensee = db.session.get(Licensee, licensee_id)
        doc = document.build_document(
            db.session,
            holder_name="Bench Physician",
            licensees=[licensee],
            self_reporting_user_ids=[],
            period=document.Period(),
            issued_on=date.today(),
        )
        return transcript_html(doc, code="ABCD-EFGH-JKMN", verify_url="http://localhost/verify/X")


def measure(rows: int) -> dict[str, float]:
    from pypdf import PdfReader
    from weasyprint import HTML

    with tempfile.TemporaryDirectory() as tmp:
        app, user_id, licensee_id = _world(f"sqlite:///{Path(tmp) / 'pdf.sqlite3'}", rows)
        client = signed_in_client(app, user_id)
        app_times, bare_times = [], []
        html = _bare_html(app, licensee_id)
        client.get("/physician/transcript.pdf")  # warm both: templates, fonts, imports
        HTML(string=html).write_pdf()
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get("/physician/transcript.pdf")
            app_times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            started = time.perf_counter()
            HTML(string=html).write_pdf()
            bare_times.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(response.data)).pages)
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    return {"pages": pages, "app": app_s, "bare": bare_s, "overhead": app_s / bare_s - 1}


def main() -> None:
    results = {rows: measure(rows) for rows in (10, 500)}
    lines = [
        f"`.venv/bin/python bench/pdf_bench.py` (median of {RUNS} runs, SQLite; measured "
        f"{date.today():%Y-%m-%d} on this 2-core machine). Target: the app's overhead at "
        "most 20% over bare WeasyPrint on the same HTML.",
        "",
        "| transcript | pages | through the app (HTTP) | bare WeasyPrint | overhead |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {rows} rows | {r['pages']} | {r['app'] * 1000:,.0f} ms | "
            f"{r['bare'] * 1000:,.0f} ms | {r['overhead']:+.0%} |"
            for rows, r in results.items()
        ),
    ]
    write_section("## PDF transcripts (issue 6)", lines)


if __name__ == "__main__":
    main()
