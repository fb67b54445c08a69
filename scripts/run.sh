#!/usr/bin/env bash
# Set everything up and run Passport locally: a virtual environment, the package
# (installed editable, so templates/, static/ and migrations/ are found beside it),
# the database migrated and seeded with demo data, then the server on 127.0.0.1:
# gunicorn, the production server, with one process of several threads. One process,
# because on the embedded default the jobs run in threads of the web process and SQLite
# takes one writer at a time (passport/jobs.py, passport/sqlite_transactions.py); with
# PostgreSQL and Redis, run more workers and a separate Huey worker (README).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh

setup_python_env ""
.venv/bin/flask --app passport db upgrade
.venv/bin/flask --app passport seed-demo
.venv/bin/flask --app passport refresh-standings
export PORT="${PORT:-5000}"  # links (reset e-mails, the PDF) point to http://127.0.0.1:$PORT
echo
echo "Passport is running at http://127.0.0.1:${PORT}/  (Ctrl+C stops it)"
exec .venv/bin/gunicorn --workers 1 --threads "${THREADS:-4}" --bind "127.0.0.1:${PORT}" \
    --access-logfile - --timeout 120 "passport:create_app()"
