#!/usr/bin/env bash
# A shell, or one command, inside the project's environment: the last deploy's
# (.venv-vllm or .venv-trt, from .run/deploy.env), else .venv. TEXT_API_KEY and
# SERVER_WS_URL default to the last deploy's, so the test clients reach it.
#
#   bash scripts/activate.sh                                # interactive; `exit` leaves it
#   bash scripts/activate.sh python tests/e2e/warmup.py     # run one command inside it
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"
# shellcheck source=scripts/lib/deploy.sh
source "$CADENCE_ROOT/scripts/lib/deploy.sh"

case "${1:-}" in -h|--help) sed -n '2,7p' "$0"; exit 0 ;; esac
venv="$VENV"
if deploy_load_env; then
  [ -x "${D_VENV:-}/bin/python" ] && venv="$D_VENV"
  export TEXT_API_KEY="${TEXT_API_KEY:-${D_TEXT_API_KEY:-}}"
  export SERVER_WS_URL="${SERVER_WS_URL:-ws://127.0.0.1:${D_PORT:-8000}/ws}"
fi
[ -x "$venv/bin/python" ] || die "no environment at $venv yet: run bash scripts/main.sh first"
export VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" CADENCE_ACTIVATE="$venv/bin/activate"
unset PYTHONHOME
if [ $# -eq 0 ]; then
  log "entering $venv (exit leaves it)"
  exec bash --rcfile "$CADENCE_ROOT/scripts/lib/activate_rc.sh" -i
fi
exec "$@"
