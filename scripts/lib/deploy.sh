#!/usr/bin/env bash
# Deploy state and the detached start, shared by main.sh, restart.sh, stop.sh and
# activate.sh (sourced after setup.sh; sources the other deploy_*.sh files).
#
# Everything lives under CADENCE_ROOT: .run/server.pid ("PID STARTTIME" of the
# server), .run/deploy.env (the last deploy's engine, mode, models: restart.sh
# reads it back) and server.log (deployment and server output, rotated by
# scripts/deploy_helper.py at LOG_MAX_BYTES, LOG_KEEP gzip generations kept).
#
# Test hooks (tests/deploy): CADENCE_SERVER_CMD replaces `python -m cadence serve`
# (split on spaces); CADENCE_SKIP_INSTALL=1 and CADENCE_SKIP_PREPARE=1 skip the
# package and model steps (the container images set CADENCE_SKIP_INSTALL=1);
# CADENCE_RUN_DIR and CADENCE_LOG move .run/ and server.log.

LIB_DIR="$CADENCE_ROOT/scripts/lib"
RUN_DIR="${CADENCE_RUN_DIR:-$CADENCE_ROOT/.run}"
PID_FILE="$RUN_DIR/server.pid"
DEPLOY_ENV="$RUN_DIR/deploy.env"
SERVER_LOG="${CADENCE_LOG:-$CADENCE_ROOT/server.log}"
HELPER="$CADENCE_ROOT/scripts/deploy_helper.py"
HOST_PY="$(command -v "${PYTHON:-python3}" || command -v python3 || command -v python || true)"
LOG_MAX_BYTES="${LOG_MAX_BYTES:-104857600}"
LOG_KEEP="${LOG_KEEP:-3}"
READY_TIMEOUT_S="${READY_TIMEOUT_S:-3600}"

# shellcheck source=scripts/lib/trt.sh
source "$LIB_DIR/trt.sh"
# Part of the vLLM 4-bit and upload work; used only where present (vllm_prepare_chat, push_artifacts).
if [ -f "$LIB_DIR/vllm_quant.sh" ]; then
  # shellcheck source=/dev/null
  source "$LIB_DIR/vllm_quant.sh"
fi
if [ -f "$LIB_DIR/push.sh" ]; then
  # shellcheck source=/dev/null
  source "$LIB_DIR/push.sh"
fi
# shellcheck source=scripts/lib/deploy_plan.sh
source "$LIB_DIR/deploy_plan.sh"
# shellcheck source=scripts/lib/deploy_body.sh
source "$LIB_DIR/deploy_body.sh"
# shellcheck source=scripts/lib/deploy_stop.sh
source "$LIB_DIR/deploy_stop.sh"

# proc_stat PID: "STATE PPID PGRP STARTTIME" from /proc/PID/stat; fails when PID is gone.
proc_stat() {
  local stat rest
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  rest="${stat##*) }"
  local -a f
  read -ra f <<<"$rest"
  printf '%s %s %s %s\n' "${f[0]}" "${f[1]}" "${f[2]}" "${f[19]}"
}

# pid_alive PID [STARTTIME]: PID runs (not a zombie) and, when given, started at STARTTIME.
pid_alive() {
  local pid="$1" want="${2:-}" state ppid pgrp start
  [ -n "$pid" ] || return 1
  if [ ! -d /proc ]; then
    kill -0 "$pid" 2>/dev/null
    return
  fi
  read -r state ppid pgrp start < <(proc_stat "$pid" || true) || return 1
  : "$ppid" "$pgrp"
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] || return 1
  [ -z "$want" ] || [ "$want" = "$start" ]
}

# deploy_running: true when the recorded server runs; sets RUN_PID.
deploy_running() {
  RUN_PID=""
  [ -f "$PID_FILE" ] || return 1
  local pid="" start=""
  read -r pid start <"$PID_FILE" || true
  pid_alive "$pid" "$start" || return 1
  RUN_PID="$pid"
}

record_pid() {
  local start=""
  mkdir -p "$RUN_DIR"
  start="$(proc_stat "$1" 2>/dev/null | cut -d' ' -f4 || true)"
  printf '%s %s\n' "$1" "$start" >"$PID_FILE"
}

# Refuse to start a second server while one runs.
deploy_refuse_if_running() {
  deploy_running || return 0
  deploy_load_env || true
  printf '[cadence] error: Cadence is already running (pid %s, engine %s, mode %s, log %s).\n' \
    "$RUN_PID" "${D_ENGINE:-?}" "${D_MODE:-?}" "$SERVER_LOG" >&2
  printf '          Use scripts/restart.sh to change it, or scripts/stop.sh to stop it.\n' >&2
  exit 1
}

# The deploy's settings, for restart.sh and activate.sh (mode 600: it holds the API key).
deploy_save_env() {
  mkdir -p "$RUN_DIR"
  local tmp="$DEPLOY_ENV.tmp"
  (
    umask 077
    {
      printf '# the last deploy (scripts/main.sh, %s); read by restart.sh and activate.sh\n' "$(date -u +%FT%TZ)"
      printf 'D_%s=%q\n' ENGINE "$ENGINE" MODE "$MODE" QUANT "$QUANT" CHAT_MODEL "$CHAT_ID" \
        TOOL_MODEL "$TOOL_ID" DETACH "$DETACH" HOST "${HOST:-0.0.0.0}" PORT "${PORT:-8000}" \
        TEXT_API_KEY "${TEXT_API_KEY:-}" VENV "$(deploy_venv_for "$ENGINE")" \
        DRAIN_TIMEOUT_S "${DRAIN_TIMEOUT_S:-30}"
    } >"$tmp"
  )
  mv "$tmp" "$DEPLOY_ENV"
}

# deploy_load_env: set the D_* variables of the last deploy; fails when none is recorded.
deploy_load_env() {
  [ -f "$DEPLOY_ENV" ] || return 1
  # shellcheck source=/dev/null
  source "$DEPLOY_ENV"
}

deploy_api_key() {
  [ -n "${TEXT_API_KEY:-}" ] && return 0
  TEXT_API_KEY="$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)"
  export TEXT_API_KEY
  log "TEXT_API_KEY was not set; generated one for this deploy (also in $DEPLOY_ENV):"
  printf '\n    TEXT_API_KEY=%s\n\n' "$TEXT_API_KEY" >&2
}

# Export the chosen settings for the server (and for a detached main.sh --foreground).
deploy_export() {
  export INFERENCE_ENGINE="$ENGINE" DEPLOY_MODE="$MODE"
  if [ -n "$QUANT" ]; then export CHAT_QUANTIZATION="$QUANT"; else unset CHAT_QUANTIZATION; fi
  if [ -n "$CHAT_ID" ]; then export CHAT_MODEL="$CHAT_ID"; else unset CHAT_MODEL; fi
  if [ -n "$TOOL_ID" ]; then export TOOL_MODEL="$TOOL_ID"; else unset TOOL_MODEL; fi
}

# The whole deploy, as main.sh and restart.sh run it after parsing (deploy_parse_* set the globals).
deploy_start() {
  [ "$DRY_RUN" = 1 ] && { deploy_plan; return 0; }
  command -v flock >/dev/null 2>&1 && mkdir -p "$RUN_DIR" && exec 9>"$RUN_DIR/start.lock" \
    && { flock -n 9 || die "another scripts/main.sh is starting Cadence right now"; }
  deploy_refuse_if_running
  deploy_api_key
  deploy_export
  export CADENCE_DEPLOY="$RUN_DIR"
  deploy_save_env
  if [ "$DETACH" = 1 ]; then
    deploy_start_tail
    deploy_spawn
    exec 9>&-
    deploy_follow
  else
    record_pid "$$"
    exec 9>&-
    log "engine=$ENGINE mode=$MODE in the foreground (pid $$; Ctrl+C drains and stops)"
    deploy_body
  fi
}

# Run `main.sh --foreground` in a new session (closing SSH does not stop it), its
# output through the rotating log writer into server.log.
deploy_spawn() {
  [ -n "$HOST_PY" ] || die "python3 not found (the log writer needs it)"
  local -a passthrough=()
  [ -n "$PUSH" ] && passthrough+=("$PUSH")
  [ "${#SERVE_ARGS[@]}" -gt 0 ] && passthrough+=(-- "${SERVE_ARGS[@]}")
  log "starting the deploy in the background: engine=$ENGINE mode=$MODE; output in $SERVER_LOG"
  _CADENCE_DETACHED=1 setsid nohup bash "$CADENCE_ROOT/scripts/main.sh" --foreground \
    ${passthrough[@]+"${passthrough[@]}"} </dev/null >/dev/null 2>&1 9>&- &
  SERVER_PID=$!
  record_pid "$SERVER_PID"
  log "pid $SERVER_PID recorded in $PID_FILE"
}

# In the detached main.sh: send all output through the log writer, record our pid.
deploy_detached_child() {
  exec 9>&-
  exec > >(exec "$HOST_PY" "$HELPER" log "$SERVER_LOG" --max-bytes "$LOG_MAX_BYTES" --keep "$LOG_KEEP") 2>&1
  record_pid "$$"
  log "deploy started $(date -u +%FT%TZ): engine=$ENGINE mode=$MODE pid $$ (scripts/stop.sh stops it)"
  deploy_body
}

deploy_ready_url() {
  local host="${HOST:-0.0.0.0}"
  case "$host" in 0.0.0.0|::|'') host=127.0.0.1 ;; *:*) host="[$host]" ;; esac
  printf 'http://%s:%s/readyz' "$host" "${PORT:-8000}"
}

# Follow server.log from its current end (opened before the deploy starts, so a
# rotation on the first write is followed too); TAIL_PID stays empty with --no-tail.
deploy_start_tail() {
  TAIL_PID="" READY_PID=""
  [ "$TAIL" = 1 ] || return 0
  mkdir -p "$(dirname "$SERVER_LOG")"
  local offset
  offset="$(stat -c %s "$SERVER_LOG" 2>/dev/null || echo 0)"
  tail -c "+$((offset + 1))" -F "$SERVER_LOG" 2>/dev/null 9>&- &
  TAIL_PID=$!
}

deploy_stop_watchers() {
  local pid
  for pid in ${TAIL_PID:-} ${READY_PID:-}; do kill "$pid" 2>/dev/null || true; done
}

# Wait for /readyz while showing the log; then keep following it unless --no-tail.
# Ctrl+C stops following; the server (another session) keeps running.
deploy_follow() {
  local url rc=0
  url="$(deploy_ready_url)"
  trap deploy_detach_message INT HUP TERM
  log "waiting up to ${READY_TIMEOUT_S}s for $url (READY_TIMEOUT_S)"
  "$HOST_PY" "$HELPER" ready "$url" --pid "$SERVER_PID" --timeout "$READY_TIMEOUT_S" &
  READY_PID=$!
  wait "$READY_PID" || rc=$?
  READY_PID=""
  case "$rc" in
    0) log "ready: $url answers 200 (pid $SERVER_PID; scripts/stop.sh stops it, scripts/restart.sh restarts it)" ;;
    3) deploy_died ;;
    *) deploy_stop_watchers
       printf '[cadence] error: %s did not answer within %ss; the deploy keeps going in the background (pid %s).\n' \
         "$url" "$READY_TIMEOUT_S" "$SERVER_PID" >&2
       printf '          Follow it with: tail -F %s    Stop it with: bash scripts/stop.sh\n' "$SERVER_LOG" >&2
       exit 1 ;;
  esac
  if [ -n "$TAIL_PID" ]; then
    log "following $SERVER_LOG (Ctrl+C stops following; the server keeps running)"
    wait "$TAIL_PID" || true
  fi
}

deploy_detach_message() {
  deploy_stop_watchers
  printf '\n' >&2
  log "stopped following $SERVER_LOG; Cadence keeps running in the background (pid ${SERVER_PID:-?})."
  log "tail -F $SERVER_LOG follows it again; bash scripts/stop.sh stops it."
  exit 0
}

deploy_died() {
  deploy_stop_watchers
  sleep 0.3  # let the log writer flush the last lines
  deploy_kill_leftovers "$SERVER_PID" >/dev/null 2>&1 || true
  printf '\n[cadence] error: the deploy stopped before the server was ready (pid %s is gone). Last lines of %s:\n' \
    "${SERVER_PID:-?}" "$SERVER_LOG" >&2
  tail -n "${LOG_TAIL_LINES:-40}" "$SERVER_LOG" >&2 || true
  rm -f "$PID_FILE"
  exit 1
}
