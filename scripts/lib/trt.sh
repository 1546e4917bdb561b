#!/usr/bin/env bash
# The trt engine's set-up: sourced after setup.sh by main.sh and docker/trt/entrypoint.sh.
# Uses log, die, ensure_venv, CADENCE_ROOT, VENV and PY from setup.sh; sets PY.

# TensorRT-LLM pins its own torch, transformers and accelerate: where it is
# installed, Cadence's pins of those three are left out.
TRT_OWNED_PINS='^(torch|transformers|accelerate)=='
TRT_VENV="${CADENCE_TRT_VENV:-$CADENCE_ROOT/.venv-trt}"

# Pick the Python that runs the trt engine (one that already has TensorRT-LLM,
# as in NVIDIA's container, else .venv-trt with requirements-trt.txt) and
# install Cadence into it.
trt_setup() {
  command -v nvidia-smi >/dev/null 2>&1 \
    || die "the trt engine needs an NVIDIA GPU host with its driver (nvidia-smi not found); see docs/TRT.md or docker/trt"
  local system="${PYTHON:-python3}"
  if command -v "$system" >/dev/null 2>&1 && "$system" -m pip show --quiet tensorrt_llm >/dev/null 2>&1; then
    PY="$(command -v "$system")"
    log "using the TensorRT-LLM installed for $PY"
  else
    VENV="$TRT_VENV"
    PY="$VENV/bin/python"
    ensure_venv
    if ! "$PY" -m pip show --quiet tensorrt_llm >/dev/null 2>&1; then
      log "installing requirements-trt.txt into $VENV (TensorRT-LLM with its CUDA torch: several GB, once)"
      "$PY" -m pip install --quiet -r "$CADENCE_ROOT/requirements-trt.txt" \
        || die "installing TensorRT-LLM failed (it needs libopenmpi-dev and a recent NVIDIA driver; see docs/TRT.md, or use docker/trt)"
    fi
  fi
  local req
  req="$(mktemp)"
  grep -vE "$TRT_OWNED_PINS" "$CADENCE_ROOT/requirements.txt" >"$req"
  log "installing requirements.txt without its torch, transformers and accelerate pins (TensorRT-LLM's win)"
  if ! "$PY" -m pip install --quiet -r "$req"; then
    rm -f "$req"
    die "pip install -r requirements.txt failed in the TensorRT-LLM environment"
  fi
  rm -f "$req"
  "$PY" -m pip install --quiet --no-deps -e "$CADENCE_ROOT" || die "installing cadence itself failed"
}

# Export the TRT_CHECKPOINT_DIR=... or TRT_ENGINE_DIR=... line that
# scripts/trt_prepare.py prints last; other lines are ignored.
trt_export_result() {
  local line key
  while IFS= read -r line; do
    key="${line%%=*}"
    case "$key" in
      TRT_CHECKPOINT_DIR|TRT_ENGINE_DIR)
        export "$key=${line#*=}"
        log "$line"
        ;;
    esac
  done <<<"$1"
}

# Quantize (and with TRT_BUILD_ENGINE=true build) CHAT_MODEL for the trt engine,
# reusing earlier outputs; nothing when TRT_ENGINE_DIR or TRT_CHECKPOINT_DIR is set.
trt_prepare_chat() {
  local quant="${1:-none}"
  if [ -n "${TRT_ENGINE_DIR:-}" ] || [ -n "${TRT_CHECKPOINT_DIR:-}" ]; then
    log "serving ${TRT_ENGINE_DIR:-${TRT_CHECKPOINT_DIR:-}} as it is (TRT_ENGINE_DIR or TRT_CHECKPOINT_DIR is set)"
    return 0
  fi
  if [ -z "${CHAT_MODEL:-}" ]; then
    [ "$quant" = "none" ] || die "--trt $quant needs a chat model: bash scripts/main.sh --trt $quant <chat_model> [<tool_model>]"
    return 0
  fi
  local result
  result="$(cd "$CADENCE_ROOT" && "$PY" scripts/trt_prepare.py auto "$CHAT_MODEL" --quant "$quant")" \
    || die "preparing $CHAT_MODEL for TensorRT-LLM failed (see above; docs/TRT.md has a checklist)"
  trt_export_result "$result"
}
