#!/usr/bin/env bash
# Entrypoint of docker/trt: scripts/main.sh --trt --foreground, the deploy of a host run in the
# container's foreground (output to `docker logs`; `docker stop` sends SIGTERM, which drains).
# The packages come with the image (CADENCE_SKIP_INSTALL=1).
#   CHAT_MODEL and CHAT_QUANTIZATION (4bit, 8bit, fp8, awq, int8, none): scripts/trt_prepare.py auto,
#     whose outputs under /app/models/trt are reused on later starts (FORCE_REBUILD=true rebuilds);
#   TRT_ENGINE_DIR or TRT_CHECKPOINT_DIR: served as they are.
# Arguments are passed to `python -m cadence serve`.
set -euo pipefail
exec bash /app/scripts/main.sh --trt --foreground -- "$@"
