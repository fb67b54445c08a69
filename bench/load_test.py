"""Load test: 50 physicians browse their transcripts while a provider uploads 100,000 rows,
against gunicorn (several workers) on PostgreSQL, with the Redis job queue and a separate
worker process, all on 127.0.0.1.

    .venv/bin/pip install -e '.[bench]'          # Locust (gunicorn is a runtime dependency)
    .venv/bin/python bench/load_test.py          # about 3 minutes
    .venv/bin/python bench/load_test.py --users 20 --seconds 60 --rows 20000

It makes its own PostgreSQL database (dropped at the end), seeds the demo world plus one
physician account per simulated user (each linked to a licence with reported credit),
starts gunicorn and a Huey worker, runs Locust headless, and uploads the file through the
web form once the physicians are browsing. p50/p95 latency, throughput and failures go to
docs/benchmarks.md (section "Load test").
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402
from bench.upload_bench import postgres_url  # noqa: E402

PASSWORD = "load test violet harbor 2026"
REDIS_URL = "redis://127.0.0.1:6379/13"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
WORKERS = 4

SETUP = r"""
import csv, json, sys
from datetime import date, timedelta
import sqlalchemy as sa
from passport import create_app
from passport.accounts.passwords import hash_password
from passport.demo import DEMO_PROVIDER_ID
from passport.extensions import db
from passport.models import Activity, Completion, Licensee, LicenseLink, Provider, User
from passport.reporting.records import COLUMN_TITLES, Field

users, rows, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
app = create_app()
with app.app_context():
    busiest = db.session.execute(
        sa.select(Completion.licensee_id).where(Completion.licensee_id.is_not(None))
        .group_by(Completion.licensee_id).order_by(sa.func.count().desc()).limit(users)
    ).scalars().all()
    password_hash = hash_password(sys.argv[4])
    accounts = []
    for number, licensee_id in enumerate(busiest):
        email = f"load{number}@physicians.example"
        user = User(email=email, first_name="Load", last_name="Tester", role="physician",
                    password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        db.session.add(LicenseLink(user_id=user.id, licensee_id=licensee_id))
        accounts.append([email, sys.argv[4]])
    provider = db.session.scalar(sa.select(Provider).where(Provider.accme_id == DEMO_PROVIDER_ID))
    activities = db.session.execute(
        sa.select(Activity.activity_code, Activity.starts_on, Activity.ends_on)
        .where(Activity.provider_id == provider.id)
    ).all()
    licensees = db.session.execute(
        sa.select(Licensee.license_number, Licensee.first_name, Licensee.last_name,
                  Licensee.dob_month, Licensee.dob_day).limit(2000)
    ).all()
    db.session.commit()
with open(path, "w", newline="") as handle:
    out = csv.writer(handle)
    out.writerow([COLUMN_TITLES[f] for f in list(Field)[:10]])  # the template's header
    n = 0
    while n < rows:
        activity = activities[n % len(activities)]
        person = licensees[(n // len(activities)) % len(licensees)]
        n += 1
        day = max(activity.starts_on, min(activity.ends_on, date.today() - timedelta(days=1)))
        out.writerow(["Add", activity.activity_code, day.strftime("%m/%d/%Y"), person[1],
                      person[2], f"{person[3]:02d}/{person[4]:02d}", "CA", person[0],
                      "1.00", "AMA PRA Category 1"])
print(json.dumps(accounts))
"""


def _run(args, env):
    done = subprocess.run(args, env=env, text=True, capture_output=True, check=False)
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return done


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def _upload(base: str, path: Path) -> tuple[float, dict]:
    """Sign in as the demo provider, upload the file through the form, wait for the job."""
    import requests

    from bench.html_forms import csrf_token
    from passport.demo import DEMO_ACCOUNTS

    provider = next(a for a in DEMO_ACCOUNTS if a.role == "provider")
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/sign-in").text)
    session.post(
        f"{base}/sign-in",
        data={"email": provider.email, "password": provider.password, "csrf_token": token},
    )
    form = session.get(f"{base}/provider/uploads/new").text
    started = time.perf_counter()
    with open(path, "rb") as handle:
        response = session.post(
            f"{base}/provider/uploads/new",
            data={
                "csrf_token": csrf_token(form),
                "permission_scope": "year",
                "permission_attested": "y",
            },
            files={"file": (path.name, handle, "text/csv")},
            allow_redirects=False,
        )
    upload_id = int(re.search(r"/uploads/(\d+)", response.headers["Location"]).group(1))
    while True:
        state = session.get(f"{base}/provider/uploads/{upload_id}/progress").json()
        if state["status"] in ("done", "failed"):
            return time.perf_counter() - started, state
        time.sleep(1)


def _stats(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=150)
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()

    url = postgres_url()
    if url is None:
        raise SystemExit("PostgreSQL is needed for the load test.")
    database = url.rsplit("/", 1)[1]
    folder = Path(tempfile.mkdtemp(prefix="passport-load-"))
    env = {
        **os.environ,
        "PASSPORT_DATABASE_URL": url,
        "PASSPORT_SECRET_KEY": "load-test-secret-key",
        "PASSPORT_REDIS_URL": REDIS_URL,
        "PASSPORT_INSTANCE_PATH": str(folder),
        "PASSPORT_UPLOAD_DIR": str(folder / "uploads"),
        # every simulated physician signs in from 127.0.0.1: lift the per-address limit
        "PASSPORT_LOGIN_LIMIT": "100000 per minute",
    }
    bin_dir = Path(sys.executable).parent  # the environment running this script
    processes: list[subprocess.Popen] = []
    try:
        _run([bin_dir / "flask", "--app", "passport", "db", "upgrade"], env)
        _run([bin_dir / "flask", "--app", "passport", "seed-demo"], env)
        upload_file = folder / "learners.csv"
        accounts = (
            _run(
                [
                    sys.executable,
                    "-c",
                    SETUP,
                    str(options.users),
                    str(options.rows),
                    str(upload_file),
                    PASSWORD,
                ],
                env,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = 5099
        base = f"http://127.0.0.1:{port}"
        processes.append(
            subprocess.Popen(
                [
                    bin_dir / "gunicorn",
                    "-w",
                    str(WORKERS),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "120",
                    "passport:create_app()",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        processes.append(
            subprocess.Popen(
                [bin_dir / "huey_consumer", "passport.jobs.huey", "-w", "1"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait_for(f"{base}/sign-in")
        prefix = str(folder / "locust")
        locust = subprocess.Popen(
            [
                bin_dir / "locust",
                "-f",
                str(REPO / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(options.users),
                "-r",
                "10",
                "-t",
                f"{options.seconds}s",
                "--host",
                base,
                "--csv",
                prefix,
                "--only-summary",
            ],
            env={**env, "LOAD_ACCOUNTS": accounts},
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "locust.log", "w"),  # noqa: SIM115 - closed with the process
        )
        time.sleep(10)  # let the physicians sign in and start browsing
        upload_seconds, upload_state = _upload(base, upload_file)
        locust.wait(timeout=options.seconds + 120)
        if locust.returncode not in (0, 1):  # 1: some requests failed, still a result
            raise SystemExit((folder / "locust.log").read_text()[-3000:])
        rows = _stats(prefix)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    lines = [
        f"`bench/load_test.py`: {options.users} physicians (Locust, headless, 0.5–2 s between "
        f"clicks) browse for {options.seconds} s against gunicorn ({WORKERS} workers) on "
        f"PostgreSQL, while the demo provider uploads a {options.rows:,}-row .csv through the "
        "web form, processed by a separate Huey worker on Redis. All on this 2-core machine.",
        "",
        "| request | count | failures | p50 ms | p95 ms | per second |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {int(row['Request Count']):,} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {float(row['Requests/s']):.1f} |"
        )
    lines += [
        "",
        f"The upload ({options.rows:,} rows) finished with status **{upload_state['status']}** "
        f"in {upload_seconds:.0f} s ({options.rows / upload_seconds:,.0f} rows/s) "
        "while the physicians browsed.",
    ]
    write_section("## Load test (issue 9)", lines)


if __name__ == "__main__":
    main()
