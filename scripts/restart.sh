#!/usr/bin/env bash
# Restart Cadence with other models or modes: drain the running server, then start
# again the way scripts/main.sh does (detached, following server.log).
#
#   bash scripts/restart.sh [--vllm|--trt|--hf|--echo] [chat|tool|both] [--chat-model M] \
#        [--tool-model M] [--chat-quant 4bit|8bit|...] [--push-quant|--push-engine] \
#        [--no-tail] [--foreground] [--dry-run]
#
# Unchanged settings come from the last deploy (.run/deploy.env); HOST, PORT and
# TEXT_API_KEY from the environment when set, else from the last deploy. Installed
# packages, models and quantized outputs are kept; when the engine changes, the
# previous engine's environment, caches and quantized outputs are wiped first
# (scripts/lib/deploy_stop.sh lists them). --dry-run prints the plan only.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"
# shellcheck source=scripts/lib/deploy.sh
source "$CADENCE_ROOT/scripts/lib/deploy.sh"

usage() { sed -n '2,13p' "$0"; }

deploy_parse_restart "$@"
declare -a wipe_paths=()
if [ -n "$PREV_ENGINE" ] && [ "$PREV_ENGINE" != "$ENGINE" ]; then
  mapfile -t wipe_paths < <(deploy_engine_paths "$PREV_ENGINE")
  WIPE_NOTE="the $PREV_ENGINE engine's environment (engine change $PREV_ENGINE -> $ENGINE), listed above"
  if [ "${#wipe_paths[@]}" -eq 0 ]; then
    WIPE_NOTE="nothing (engine change $PREV_ENGINE -> $ENGINE: the $PREV_ENGINE engine has no environment of its own; .venv and the models stay)"
  fi
else
  WIPE_NOTE="nothing (same engine: packages, models and quantized outputs are kept)"
fi

if [ "$DRY_RUN" = 1 ]; then
  if deploy_running; then
    plan "stop: drain pid $RUN_PID (SIGTERM, up to DRAIN_TIMEOUT_S=$(drain_seconds)s + ${STOP_MARGIN_S}s, then SIGKILL)"
  else
    plan "stop: nothing runs"
  fi
  [ "${#wipe_paths[@]}" -eq 0 ] || deploy_wipe "engine $PREV_ENGINE" "${wipe_paths[@]}"
  deploy_plan
  exit 0
fi

log "restarting: engine=$ENGINE mode=$MODE chat=${CHAT_ID:-default} tool=${TOOL_ID:-default} quantization=${QUANT:-none}"
deploy_stop_server
if [ "${#wipe_paths[@]}" -gt 0 ]; then
  log "the engine changes ($PREV_ENGINE -> $ENGINE): wiping the $PREV_ENGINE engine's environment"
  deploy_wipe "engine $PREV_ENGINE" "${wipe_paths[@]}"
else
  log "keeping installed packages, models and quantized outputs (same engine)"
fi
deploy_start
