#!/usr/bin/env bash
# Set up and start Cadence: install the engine, prepare (and quantize) the models, serve.
#
#   bash scripts/main.sh                       # hf engine, DEPLOY_MODE=both, default models, foreground
#   bash scripts/main.sh [--hf|--vllm|--trt|--echo] [chat|tool|both] [4bit|8bit|fp8|awq|gptq|int8|none] \
#                        [CHAT_MODEL] [TOOL_MODEL] [--push-quant|--push-engine] \
#                        [--detach|--foreground] [--no-tail] [--dry-run] [-- SERVE_ARGS...]
#   bash scripts/main.sh --vllm 4bit CHAT_MODEL [TOOL_MODEL]   # GPU host: detached, follows server.log
#   bash scripts/main.sh --trt 4bit CHAT_MODEL [TOOL_MODEL]    # NVIDIA GPU host: docs/TRT.md
#
# --vllm, --trt and --detach start the deploy in the background (closing SSH does not
# stop it; pid in .run/server.pid), write its output to server.log (rotated at
# LOG_MAX_BYTES, default ~100 MB; LOG_KEEP=3 gzip generations), wait for /readyz
# (READY_TIMEOUT_S) and follow the log: Ctrl+C stops following, not the server.
# --no-tail returns once ready; --foreground (containers) keeps it in this terminal;
# --dry-run prints the plan and changes nothing. Then: scripts/restart.sh, scripts/stop.sh.
# Environment variables (README, "Configuration") are passed through; TEXT_API_KEY
# is generated and printed when unset.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"
# shellcheck source=scripts/lib/deploy.sh
source "$CADENCE_ROOT/scripts/lib/deploy.sh"

usage() { sed -n '2,19p' "$0"; }

deploy_parse_main "$@"
if [ "${_CADENCE_DETACHED:-}" = 1 ]; then
  unset _CADENCE_DETACHED
  deploy_detached_child
fi
deploy_start
