"""Profile one page request end to end at demo size, in-process (issue 23, item 3).

Seeds the demo world in a fresh SQLite database, signs the demo physician in (a real
server-side session), and requests the transcript through Flask's test client: loading the
user, the two-factor guard, the queries, the template. Prints the CPU time per request
(fastest of N, ``time.process_time``) and the top of a cProfile run.

    .venv/bin/python bench/request_profile.py                   # the transcript
    .venv/bin/python bench/request_profile.py --url /physician/ --runs 50
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def signed_in_client(app, email: str):
    """A test client holding a real session of the user with ``email``."""
    import sqlalchemy as sa

    from passport.accounts import user_sessions
    from passport.extensions import db
    from passport.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        token = user_sessions.start(db.session, user)
        db.session.commit()
        user_id = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        session[user_sessions.SESSION_TOKEN_KEY] = token
    return client


def demo_app(url: str | None = None):
    from flask_migrate import upgrade

    from passport import MIGRATIONS_DIR, create_app
    from passport.compliance.standings import refresh_noted_boards
    from passport.demo import seed_demo
    from passport.extensions import db

    url = url or f"sqlite:///{tempfile.mkdtemp(prefix='passport-profile-')}/demo.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "127.0.0.1:5000"})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        seed_demo(db.session, app.config["SECRET_KEY"])
        db.session.commit()
        refresh_noted_boards(db.session)
    return app


def cpu_ms(client, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.process_time()
        answer = client.get(url)
        times.append((time.process_time() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="/physician/transcript")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=30)
    options = parser.parse_args()

    from passport.demo import DEMO_ACCOUNTS

    app = demo_app()
    physician = next(account for account in DEMO_ACCOUNTS if account.role == "physician")
    client = signed_in_client(app, physician.email)
    cpu_ms(client, options.url, 3)  # warm: templates compiled, caches filled
    times = cpu_ms(client, options.url, options.runs)
    print(
        f"{options.url}: CPU per request, fastest {min(times):.1f} ms, "
        f"median {sorted(times)[len(times) // 2]:.1f} ms (of {options.runs})"
    )
    profile = cProfile.Profile()
    profile.enable()
    cpu_ms(client, options.url, 10)
    profile.disable()
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats(options.top)
    stats.sort_stats("tottime").print_stats(options.top)


if __name__ == "__main__":
    main()
