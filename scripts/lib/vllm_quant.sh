#!/usr/bin/env bash
# vLLM 4-bit: quantize the chat model to AWQ (W4A16) once with llm-compressor.
# Sourced after setup.sh by main.sh / restart.sh; uses log, die, CADENCE_ROOT
# and PY (the Python that serves, with Cadence installed).

# llm-compressor pins its own transformers: it lives in its own virtualenv,
# unless AWQ_PYTHON names a Python that already has it (a prepared image).
AWQ_VENV="${CADENCE_AWQ_VENV:-$CADENCE_ROOT/.venv-awq}"

# Create $AWQ_VENV with requirements-vllm-quant.txt. Its torch pin comes from
# PyPI, which is the CUDA build on Linux (install_torch would pick the CPU
# build for a second virtualenv).
vllm_awq_setup() {
  local awq_py="$AWQ_VENV/bin/python"
  if [ ! -x "$awq_py" ]; then
    log "creating $AWQ_VENV for llm-compressor"
    "${PYTHON:-python3}" -m venv "$AWQ_VENV" || die "could not create $AWQ_VENV (install python3-venv)"
  fi
  "$awq_py" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  log "installing requirements-vllm-quant.txt into $AWQ_VENV (llm-compressor with its CUDA torch: several GB, once)"
  "$awq_py" -m pip install --quiet -r "$CADENCE_ROOT/requirements-vllm-quant.txt" \
    || die "pip install -r requirements-vllm-quant.txt failed in $AWQ_VENV"
}

# Print the value of the last CHAT_MODEL=... line of $1 (nothing when there is none).
vllm_quant_result() {
  local line value=""
  while IFS= read -r line; do
    case "$line" in
      CHAT_MODEL=*) value="${line#CHAT_MODEL=}" ;;
    esac
  done <<<"$1"
  printf '%s' "$value"
}

# vllm_prepare_chat QUANT [--dry-run]
# For 4bit/awq/w4a16: quantize CHAT_MODEL into $AWQ_CACHE_DIR unless it is already
# quantized or a matching export exists, and export CHAT_MODEL as the folder to serve.
# Other modes (none, 8bit: vLLM's own FP8) need nothing. --dry-run prints the plan only.
vllm_prepare_chat() {
  local quant="${1:-none}" dry="${2:-}"
  case "$quant" in
    4bit|awq|w4a16) ;;
    *) return 0 ;;
  esac
  [ -n "${CHAT_MODEL:-}" ] || die "--vllm $quant needs a chat model: bash scripts/main.sh --vllm $quant <chat_model> [<tool_model>]"
  local args=("$CHAT_MODEL") awq_py="${AWQ_PYTHON:-$AWQ_VENV/bin/python}" result rc=0
  [ "$dry" = "--dry-run" ] && args+=(--dry-run)
  result="$(cd "$CADENCE_ROOT" && AWQ_PYTHON="$awq_py" "$PY" scripts/vllm_quantize.py "${args[@]}")" || rc=$?
  if [ "$rc" -eq 3 ]; then
    [ -z "${AWQ_PYTHON:-}" ] || die "AWQ_PYTHON=$AWQ_PYTHON has no llm-compressor: install requirements-vllm-quant.txt for it, or unset AWQ_PYTHON to use $AWQ_VENV"
    vllm_awq_setup
    rc=0
    result="$(cd "$CADENCE_ROOT" && AWQ_PYTHON="$awq_py" "$PY" scripts/vllm_quantize.py "${args[@]}")" || rc=$?
  fi
  [ "$rc" -eq 0 ] || die "preparing $CHAT_MODEL for vLLM 4-bit failed (see above)"
  if [ "$dry" = "--dry-run" ]; then
    printf '%s\n' "$result"
    return 0
  fi
  local model
  model="$(vllm_quant_result "$result")"
  [ -n "$model" ] || die "scripts/vllm_quantize.py printed no CHAT_MODEL= line"
  export CHAT_MODEL="$model"
  log "CHAT_MODEL=$CHAT_MODEL"
  # The served folder declares its quantization; forcing awq would contradict a compressed-tensors export.
  case "${CHAT_QUANTIZATION:-}" in
    4bit|awq|AWQ|w4a16)
      log "CHAT_QUANTIZATION=$CHAT_QUANTIZATION unset: vLLM reads the quantization from the model's config"
      unset CHAT_QUANTIZATION
      ;;
  esac
}
