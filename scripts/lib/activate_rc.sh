#!/usr/bin/env bash
# The rc file of scripts/activate.sh's interactive shell: the user's ~/.bashrc, then
# the virtualenv's activate script (CADENCE_ACTIVATE), for its prompt and `deactivate`.
if [ -f "$HOME/.bashrc" ]; then
  # shellcheck source=/dev/null
  source "$HOME/.bashrc"
fi
if [ -f "${CADENCE_ACTIVATE:-}" ]; then
  # shellcheck source=/dev/null
  source "$CADENCE_ACTIVATE"
fi
