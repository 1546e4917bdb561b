#!/usr/bin/env bash
# Entrypoint of docker/trt: prepare the chat model if needed, then serve with the trt engine.
#   CHAT_MODEL and CHAT_QUANTIZATION (4bit, 8bit, fp8, awq, int8, none): scripts/trt_prepare.py auto,
#     whose outputs under /app/models/trt are reused on later starts (FORCE_REBUILD=true rebuilds);
#   TRT_ENGINE_DIR or TRT_CHECKPOINT_DIR: served as they are.
# Arguments are passed to `python -m cadence serve`.
set -euo pipefail
cd /app
# shellcheck source=scripts/lib/setup.sh
source /app/scripts/lib/setup.sh
# shellcheck source=scripts/lib/trt.sh
source /app/scripts/lib/trt.sh
PY="$(command -v python)"
if [ "${DEPLOY_MODE:-both}" != "tool" ]; then
  trt_prepare_chat "${CHAT_QUANTIZATION:-none}"
fi
exec "$PY" -m cadence serve --engine trt "$@"
