#!/usr/bin/env bash
# Set up everything and run the whole suite: lint, types, tests.
# Usage: bash scripts/test.sh [pytest args...]   (exit code: the suite's)
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"

ensure_venv
install_requirements requirements-dev.txt
prepare_models
cd "$CADENCE_ROOT"
bash scripts/lint.sh
log "running tests"
exec "$PY" -m pytest -q "$@"
