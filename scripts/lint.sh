#!/usr/bin/env bash
# Lint: ruff, mypy on src/, import contracts, size limits, shellcheck.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"
cd "$CADENCE_ROOT"
BIN="$VENV/bin"

log "ruff"
"$BIN/ruff" check --config linting/ruff.toml src tests scripts
log "mypy (src/)"
"$BIN/mypy" --config-file linting/mypy.ini src/cadence
log "import contracts"
"$BIN/lint-imports" --config linting/importlinter.ini
log "size limits"
"$PY" linting/check_sizes.py src
log "shellcheck"
"$BIN/shellcheck" -x scripts/*.sh scripts/lib/*.sh docker/*/*.sh
