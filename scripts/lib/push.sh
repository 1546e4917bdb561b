#!/usr/bin/env bash
# Optional upload of what the preparation made (--push-quant / --push-engine).
# Sourced after setup.sh by main.sh / restart.sh; uses log, die, CADENCE_ROOT and PY.

# The folder to push for MODE, from what vllm_prepare_chat / trt_prepare_chat exported:
# an AWQ export (CHAT_MODEL with awq_metadata.json), TRT_CHECKPOINT_DIR or TRT_ENGINE_DIR.
push_artifact_path() {
  local mode="$1"
  if [ "$mode" = "--push-engine" ]; then
    printf '%s' "${TRT_ENGINE_DIR:-}"
  elif [ -n "${CHAT_MODEL:-}" ] && [ -f "$CHAT_MODEL/awq_metadata.json" ]; then
    printf '%s' "$CHAT_MODEL"
  else
    printf '%s' "${TRT_CHECKPOINT_DIR:-${TRT_ENGINE_DIR:-}}"
  fi
}

# push_check MODE: fail early (before any download or quantization) when HF_TOKEN,
# HF_PUSH_REPO_ID or HF_PUSH_PRIVATE is missing or invalid.
push_check() {
  local mode="${1:-}"
  case "$mode" in
    --push-quant|--push-engine) ;;
    *) die "push_check: expected --push-quant or --push-engine, got '${mode}'" ;;
  esac
  (cd "$CADENCE_ROOT" && "$PY" scripts/push_artifacts.py "$mode" --check) \
    || die "$mode cannot run as configured (see above)"
}

# push_artifacts MODE [--dry-run]: upload the prepared folder to HF_PUSH_REPO_ID.
push_artifacts() {
  local mode="${1:-}" dry="${2:-}" path
  case "$mode" in
    --push-quant|--push-engine) ;;
    *) die "push_artifacts: expected --push-quant or --push-engine, got '${mode}'" ;;
  esac
  path="$(push_artifact_path "$mode")"
  if [ -z "$path" ]; then
    if [ "$mode" = "--push-engine" ]; then
      die "--push-engine has nothing to push: no TensorRT engine was built (TRT_ENGINE_DIR is unset; --trt with TRT_BUILD_ENGINE=true builds one)"
    fi
    die "--push-quant has nothing to push: no quantized export was prepared (use --vllm 4bit or --trt 4bit|8bit)"
  fi
  local args=("$mode" "$path")
  [ "$dry" = "--dry-run" ] && args+=(--dry-run)
  log "pushing $path ($mode)"
  (cd "$CADENCE_ROOT" && "$PY" scripts/push_artifacts.py "${args[@]}") || die "$mode of $path failed (see above)"
}
