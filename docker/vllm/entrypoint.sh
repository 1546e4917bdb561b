#!/usr/bin/env bash
# Entrypoint of docker/vllm: scripts/main.sh --vllm --foreground, the deploy of a host run in
# the container's foreground (output to `docker logs`; `docker stop` sends SIGTERM, which
# drains). The packages come with the image (CADENCE_SKIP_INSTALL=1); CHAT_MODEL, TOOL_MODEL,
# CHAT_QUANTIZATION (4bit: AWQ export once into AWQ_CACHE_DIR, /app/.awq) and DEPLOY_MODE come
# from the environment. Arguments are passed to `python -m cadence serve`.
set -euo pipefail
exec bash /app/scripts/main.sh --vllm --foreground -- "$@"
