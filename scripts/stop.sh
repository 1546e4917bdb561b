#!/usr/bin/env bash
# Stop Cadence: drain the running server (SIGTERM; SIGKILL after DRAIN_TIMEOUT_S +
# STOP_MARGIN_S), end every process it left (the GPU is free afterwards), and wipe
# what is asked:
#
#   bash scripts/stop.sh [--keep|--wipe-models|--wipe-all] [--dry-run]
#
#   --keep (default)  remove nothing: packages, models, quantized outputs stay
#   --wipe-models     models/, AWQ_CACHE_DIR and the last deploy's hub-cache models
#   --wipe-all        that, the engines' environments (.venv, .venv-vllm, .venv-trt),
#                     their caches and quantized outputs, and .run/ (server.log is kept)
#   --dry-run         print what would be stopped and removed; change nothing
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"
# shellcheck source=scripts/lib/deploy.sh
source "$CADENCE_ROOT/scripts/lib/deploy.sh"

usage() { sed -n '2,13p' "$0"; }

wipe=keep
DRY_RUN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep|--wipe-models|--wipe-all) wipe="${1#--}" ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
deploy_load_env || true

declare -a paths=()
case "$wipe" in
  wipe-models) mapfile -t paths < <(deploy_model_paths) ;;
  wipe-all) mapfile -t paths < <(deploy_all_paths) ;;
esac

if [ "$DRY_RUN" = 1 ]; then
  log "dry run: the plan; nothing is stopped or removed"
  if deploy_running; then
    plan "stop: drain pid $RUN_PID (SIGTERM, up to DRAIN_TIMEOUT_S=$(drain_seconds)s + ${STOP_MARGIN_S}s, then SIGKILL) and end what it left"
  else
    plan "stop: nothing runs"
  fi
else
  deploy_stop_server
fi
if [ "$wipe" = keep ]; then
  if [ "$DRY_RUN" = 1 ]; then plan "wipe: nothing (--keep)"; else log "removed nothing (--keep): packages, models and quantized outputs stay"; fi
else
  deploy_wipe "${wipe#wipe-}" "${paths[@]}"
fi
