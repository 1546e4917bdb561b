#!/usr/bin/env bash
# Drain and stop the server (and every process it left), and the wipes of
# stop.sh and restart.sh. Sourced by deploy.sh.
#
# What each wipe removes (all under CADENCE_ROOT except the hub cache):
#   engine vllm: .venv-vllm, .venv-awq (llm-compressor), AWQ_CACHE_DIR (.awq), .cache/vllm
#                (VLLM_CACHE_ROOT of deploys)
#   engine trt:  .venv-trt, .trtllm-repo, .modelopt-repo, MODELS_DIR/trt (checkpoints, engines)
#   models:      MODELS_DIR (models/), AWQ_CACHE_DIR, and the Hugging Face hub cache
#                folders of the last deploy's chat and tool models
#   all:         models, both engines, .venv, .cache and .run (server.log is kept)
# A hf or echo deploy has no environment of its own: .venv is shared with the tools and tests.

STOP_MARGIN_S="${STOP_MARGIN_S:-15}"
STOP_GRACE_S="${STOP_GRACE_S:-5}"

# proc_table: "PID PPID PGRP STATE" for every process (bash builtins only: no ps needed).
proc_table() {
  local dir line rest
  local -a f
  for dir in /proc/[0-9]*; do
    read -r line 2>/dev/null <"$dir/stat" || continue
    rest="${line##*) }"
    read -ra f <<<"$rest"
    printf '%s %s %s %s\n' "${dir#/proc/}" "${f[1]}" "${f[2]}" "${f[0]}"
  done
}

# proc_descendants PID: the pids below PID, now (they may change session later).
proc_descendants() {
  local table pid ppid pgrp state
  local -a queue=("$1")
  table="$(proc_table)"
  while [ "${#queue[@]}" -gt 0 ]; do
    local parent="${queue[0]}"
    queue=("${queue[@]:1}")
    while read -r pid ppid pgrp state; do
      : "$pgrp" "$state"
      if [ "$ppid" = "$parent" ]; then
        printf '%s\n' "$pid"
        queue+=("$pid")
      fi
    done <<<"$table"
  done
}

# deploy_owns PID: PID carries this checkout's deploy marker (CADENCE_DEPLOY=RUN_DIR, set
# by deploy_start and inherited by the server, its workers and the log writer).
deploy_owns() {
  grep -qzx -- "CADENCE_DEPLOY=$RUN_DIR" "/proc/$1/environ" 2>/dev/null
}

# deploy_kill_leftovers PGID [PID...]: end what is left in the deploy's process group
# (the log writer, engine workers: those with the deploy marker) and the given pids
# (the server's descendants): STOP_GRACE_S to end on their own, SIGTERM, SIGKILL 3 s later.
deploy_kill_leftovers() {
  local group="$1" pid ppid pgrp state
  shift
  local -a left=()
  while read -r pid ppid pgrp state; do
    : "$ppid"
    if [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] || [ "$state" = Z ]; then continue; fi
    if [[ " $* " == *" $pid "* ]] || { [ "$pgrp" = "$group" ] && deploy_owns "$pid"; }; then
      left+=("$pid")
    fi
  done < <(proc_table)
  [ "${#left[@]}" -gt 0 ] || return 0
  # The log writer flushes (and finishes a compression) and exits on its own.
  wait_gone "$((STOP_GRACE_S * 10))" "${left[@]}" && return 0
  log "ending ${#LEFT_ALIVE[@]} process(es) the server left: ${LEFT_ALIVE[*]}"
  kill -TERM "${LEFT_ALIVE[@]}" 2>/dev/null || true
  wait_gone 30 "${LEFT_ALIVE[@]}" && return 0
  log "SIGKILL: ${LEFT_ALIVE[*]}"
  kill -KILL "${LEFT_ALIVE[@]}" 2>/dev/null || true
}

# wait_gone TENTHS PID...: wait up to TENTHS/10 s for the pids to end; LEFT_ALIVE: those that did not.
wait_gone() {
  local tenths="$1" pid
  shift
  while :; do
    LEFT_ALIVE=()
    for pid in "$@"; do
      if pid_alive "$pid"; then LEFT_ALIVE+=("$pid"); fi
    done
    [ "${#LEFT_ALIVE[@]}" -gt 0 ] || return 0
    [ "$tenths" -gt 0 ] || return 1
    sleep 0.1
    tenths=$((tenths - 1))
  done
}

# Whole seconds of the running server's DRAIN_TIMEOUT_S (saved with the deploy, else the
# environment's; it may be fractional), rounded up.
drain_seconds() {
  local raw="${D_DRAIN_TIMEOUT_S:-${DRAIN_TIMEOUT_S:-30}}"
  local whole="${raw%%.*}"
  [ -n "$whole" ] || whole=0
  [[ "$raw" == *.* ]] && [[ "${raw#*.}" =~ [1-9] ]] && whole=$((whole + 1))
  printf '%s' "$whole"
}

# Drain the running server: SIGTERM, wait DRAIN_TIMEOUT_S + STOP_MARGIN_S, then SIGKILL;
# then end whatever it left.
deploy_stop_server() {
  if ! deploy_running; then
    local stale=""
    [ -f "$PID_FILE" ] && read -r stale _ <"$PID_FILE"
    log "no Cadence server is running (no live pid in $PID_FILE)"
    [ -z "$stale" ] || deploy_kill_leftovers "$stale"
    rm -f "$PID_FILE"
    return 0
  fi
  local pid="$RUN_PID" limit
  limit=$(($(drain_seconds) + STOP_MARGIN_S))
  local -a tree=()
  mapfile -t tree < <(proc_descendants "$pid")
  log "draining pid $pid: SIGTERM; running turns get DRAIN_TIMEOUT_S=$(drain_seconds)s, SIGKILL after ${limit}s"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + limit))
  while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if pid_alive "$pid"; then
    log "pid $pid still runs after ${limit}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  deploy_kill_leftovers "$pid" ${tree[@]+"${tree[@]}"}
  rm -f "$PID_FILE"
  log "stopped pid $pid"
  deploy_check_gpu
}

# Say whether a process still holds the GPU (nvidia-smi), after a stop.
deploy_check_gpu() {
  has_gpu || return 0
  local apps
  apps="$(nvidia-smi --query-compute-apps=pid,process_name --format=csv,noheader 2>/dev/null || true)"
  if [ -z "$apps" ]; then
    log "GPU: no process holds it (nvidia-smi)"
  else
    log "GPU: still in use by (nvidia-smi; not necessarily Cadence):"
    printf '    %s\n' "$apps" >&2
  fi
}

# The Hugging Face hub cache folder of a hub model id (org/name); nothing for local paths.
hub_cache_path() {
  local id="$1" hub="${HF_HUB_CACHE:-${HF_HOME:-$HOME/.cache/huggingface}/hub}"
  [[ "$id" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$ ]] || return 0
  if [ -e "$id" ] || [ -e "$CADENCE_ROOT/$id" ]; then return 0; fi
  printf '%s/models--%s\n' "$hub" "${id//\//--}"
}

# deploy_engine_paths ENGINE: the engine's environment, caches and quantized outputs.
deploy_engine_paths() {
  case "$1" in
    vllm) printf '%s\n' "$VLLM_VENV" "${CADENCE_AWQ_VENV:-$CADENCE_ROOT/.venv-awq}" \
      "$(root_path "${AWQ_CACHE_DIR:-.awq}")" "$CADENCE_ROOT/.cache/vllm" ;;
    trt) printf '%s\n' "$TRT_VENV" "$CADENCE_ROOT/.trtllm-repo" "$CADENCE_ROOT/.modelopt-repo" "$(models_dir)/trt" ;;
  esac
}

deploy_model_paths() {
  printf '%s\n' "$(models_dir)" "$(root_path "${AWQ_CACHE_DIR:-.awq}")"
  hub_cache_path "${D_CHAT_MODEL:-${CHAT_MODEL:-}}"
  hub_cache_path "${D_TOOL_MODEL:-${TOOL_MODEL:-}}"
}

deploy_all_paths() {
  deploy_model_paths
  deploy_engine_paths vllm
  deploy_engine_paths trt
  printf '%s\n' "${CADENCE_VENV:-$CADENCE_ROOT/.venv}" "$CADENCE_ROOT/.cache" "$RUN_DIR"
}

# Refuse to remove what is not a project folder or cache.
wipe_allowed() {
  local p="${1%/}"
  case "$p" in ''|/|"$HOME"|"$CADENCE_ROOT"|"$CADENCE_ROOT/scripts"|"$CADENCE_ROOT/src") return 1 ;; esac
  [[ "$p" != *"/.."* ]]
}

# wipe_inside PATH DIR...: PATH lies inside one of the DIRs (already removed with it).
wipe_inside() {
  local p="$1" dir
  shift
  for dir in "$@"; do
    [[ "$p" == "$dir"/* ]] && return 0
  done
  return 1
}

# deploy_wipe WHAT PATH...: remove the paths that exist (or say what would go, with --dry-run).
deploy_wipe() {
  local what="$1" p size removed=0
  shift
  local -A seen=()
  local -a sorted=()
  # Sorted, a folder comes before what lies inside it (which then goes with it).
  [ $# -eq 0 ] || mapfile -t sorted < <(printf '%s\n' "$@" | LC_ALL=C sort -u)
  for p in ${sorted[@]+"${sorted[@]}"}; do
    if [ -z "$p" ] || [ -n "${seen[$p]:-}" ] || wipe_inside "$p" "${!seen[@]}"; then continue; fi
    seen[$p]=1
    [ -e "$p" ] || [ -L "$p" ] || continue
    if ! wipe_allowed "$p"; then log "not removing $p (not a project folder or cache)"; continue; fi
    size="$(du -sh "$p" 2>/dev/null | cut -f1 || true)"
    removed=1
    if [ "$DRY_RUN" = 1 ]; then
      plan "wipe ($what): would remove $p (${size:-?})"
    else
      rm -rf -- "$p"
      log "removed $p (${size:-?})"
    fi
  done
  if [ "$removed" = 0 ]; then
    if [ "$DRY_RUN" = 1 ]; then plan "wipe ($what): nothing to remove"; else log "wipe ($what): nothing to remove"; fi
  fi
  return 0
}
