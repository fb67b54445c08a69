#!/usr/bin/env bash
# Set up what the tests need and run the whole suite (lint, then pytest).
# Extra arguments go to pytest. PASSPORT_TEST_DATABASE_URL runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh

setup_python_env "[test]"
install_browser
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
