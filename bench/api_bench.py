"""Benchmark: 100,000 completions submitted through the web service in batches of 1,000,
against the .xlsx upload path on the same rows, measured in the same run.

    .venv/bin/python bench/api_bench.py                  # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/api_bench.py --rows 20000     # a quicker run

The API case goes through the whole request: bearer-token check, JSON parsing and
validation (pydantic), the reporting pipeline, the kept request body and the JSON answer.
Requests are made in-process through WSGI (no socket), as the .xlsx case calls the upload
job in-process: both measure the application, not the network. Each measurement runs in
its own process. Results go to docs/benchmarks.md (section "Web service").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402
from bench.upload_bench import (  # noqa: E402
    ROSTER,
    _peak_rss_mb,
    _rows,
    make_files,
    measure,
    postgres_url,
    prepare_database,
)

BATCH = 1_000


def _api_records(count: int) -> list[dict]:
    return [
        {
            "activity_id": r["activity"],
            "completion_date": r["completed"].isoformat(),
            "first_name": r["first"],
            "last_name": r["last"],
            "date_of_birth": "--" + r["dob"].replace("/", "-"),
            "licensing_state": r["state"],
            "license_number": r["license"],
            "credits": f"{r['credits']:.2f}",
            "credit_type": "AMA_PRA_1",
        }
        for r in _rows(count)
    ]


def run_api_case(url: str, rows: int, upload_dir: str) -> dict:
    import sqlalchemy as sa

    from passport import create_app
    from passport.api.clients import create_client
    from passport.extensions import db
    from passport.models import Provider

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSPORT_UPLOAD_DIR": upload_dir,
            "PASSPORT_API_RATE_LIMIT": "100000 per minute",
        }
    )
    with app.app_context():
        # A fresh start, with the standings current (see upload_bench.prepare_database).
        for table in ("upload_rows", "completion_versions", "completions", "audit_stale_licensees"):
            db.session.execute(sa.text(f"DELETE FROM {table}"))
        provider_id = db.session.scalar(sa.select(Provider.id).where(Provider.accme_id == "BENCH"))
        created = create_client(
            db.session,
            provider_id=provider_id,
            user_id=None,
            name="bench",
            scopes=["completions:write"],
        )
        db.session.commit()
        client_id, secret = created.client.client_id, created.secret
    client = app.test_client()
    token = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    ).get_json()["access_token"]
    records = _api_records(rows)
    bodies = [
        json.dumps(
            {
                "permission_attested": True,
                "permission_scope": "year",
                "records": records[i : i + BATCH],
            }
        )
        for i in range(0, rows, BATCH)
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    counts = {"created": 0, "rejected": 0}
    started = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/completions", data=body, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)[:500]}")
        answer = response.get_json()["counts"]
        counts["created"] += answer["created"]
        counts["rejected"] += answer["rejected"]
    elapsed = time.perf_counter() - started
    return {
        "case": "api",
        "format": "json",
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "peak_mb": round(_peak_rss_mb()),
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--api-case", action="store_true")
    parser.add_argument("--url")
    parser.add_argument("--upload-dir")
    args = parser.parse_args()
    if args.api_case:
        print(json.dumps(run_api_case(args.url, args.rows, args.upload_dir)))
        return
    import subprocess

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        xlsx, *_ = make_files(directory, args.rows)
        targets = [("SQLite", f"sqlite:///{directory / 'bench.sqlite3'}")]
        pg = postgres_url()
        if pg:
            targets.append(("PostgreSQL", pg))
        for label, url in targets:
            prepare_database(url)
            xlsx_result = measure(url, "pipeline", xlsx) | {"database": label}
            print(json.dumps(xlsx_result), flush=True)
            output = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--api-case",
                    "--url",
                    url,
                    "--rows",
                    str(args.rows),
                    "--upload-dir",
                    str(directory / "uploads"),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
            ).stdout
            api_result = json.loads(output.strip().splitlines()[-1]) | {"database": label}
            print(json.dumps(api_result), flush=True)
            results.append((label, xlsx_result, api_result))
    write_report(results, args.rows)


def write_report(results, rows: int) -> None:
    from datetime import date

    lines = [
        "## Web service (issue 7)",
        "",
        f"`.venv/bin/python bench/api_bench.py` ({rows:,} completions, roster of {ROSTER:,}, 95% "
        f"matching; measured {date.today():%Y-%m-%d} on this 2-core machine). The API submits "
        f"them in {rows // BATCH:,} requests of {BATCH:,} records (token check, JSON and schema "
        "validation, the pipeline, the kept body, the JSON answer), in-process through WSGI; "
        "the .xlsx case is the upload job on the same rows in the same run.",
        "",
        "| database | API rows/s | API peak MB | .xlsx upload rows/s | API / .xlsx |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, xlsx_result, api_result in results:
        lines.append(
            f"| {label} | {api_result['rows_per_s']:,} | {api_result['peak_mb']} | "
            f"{xlsx_result['rows_per_s']:,} | {api_result['rows_per_s'] / xlsx_result['rows_per_s']:.2f} |"
        )
    lines += [
        "",
        "The API case also pays for the audit: after each submission the embedded queue "
        "refreshes the standings of the licensees it noted, in a thread of the same process, "
        "while the next requests run (that refresh is what used to fail SQLite submissions "
        'with "database is locked" before writing transactions began IMMEDIATE). The .xlsx '
        "figure is the upload job alone, so the ratio compares more work with less.",
    ]
    write_section(lines[0], lines[2:])


if __name__ == "__main__":
    main()
