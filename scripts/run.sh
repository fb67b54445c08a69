#!/usr/bin/env bash
# Set everything up and run Passport locally: a virtual environment, the package
# (installed editable, so templates/, static/ and migrations/ are found beside it),
# the database migrated and seeded with demo data, then the server on 127.0.0.1.
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
exec .venv/bin/flask --app passport run --host 127.0.0.1 --port "$PORT"
