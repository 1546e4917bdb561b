"""The real deploy on the hf engine: main.sh --hf --detach, a turn, restart.sh chat, a turn, stop.sh.

Runs the checkout's own scripts (set-up steps included: they find everything
installed and the default models prepared, so they change nothing) with the
real server and the default model, on a free port. Its pid file, deploy.env
and server.log go to a temporary folder (``CADENCE_RUN_DIR``, ``CADENCE_LOG``),
so a deploy of the checkout itself is neither seen nor touched. Skipped unless
the default models are prepared; a few minutes on two busy cores.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from deploy_sandbox import ROOT, alive, clean_env, free_port

MODELS = ROOT / "models"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.hf,
    pytest.mark.skipif(
        not (MODELS / "smollm2-135m-instruct" / "config.json").exists()
        or not (MODELS / "screenshot-intent-minilm").exists()
        or not (ROOT / ".venv" / "bin" / "python").exists(),
        reason="the default models (bash scripts/main.sh prepares them) or .venv are absent",
    ),
]


def _run(env: dict[str, str], *command: str, timeout: float) -> str:
    result = subprocess.run(list(command), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}"
    return result.stdout


def _turn(env: dict[str, str]) -> str:
    return _run(env, "bash", "scripts/activate.sh", "python", "tests/e2e/warmup.py", "--max-tokens", "8",
                "--temperature", "0", "--timeout", "300", "Hi! Who are you?", timeout=400)


def test_main_detach_turn_restart_turn_stop(tmp_path: Path) -> None:
    run_dir, log = tmp_path / "run", tmp_path / "server.log"
    env = clean_env(PORT=str(free_port()), HOST="127.0.0.1", TEXT_API_KEY="deploy-real-key",
                    CADENCE_RUN_DIR=str(run_dir), CADENCE_LOG=str(log), LOG_LEVEL="info",
                    CHAT_HISTORY_MAX_TOKENS="300", READY_TIMEOUT_S="600", DRAIN_TIMEOUT_S="5")
    try:
        out = _run(env, "bash", "scripts/main.sh", "--hf", "--detach", "--no-tail", timeout=900)
        assert "ready: http://127.0.0.1:" in out
        first = int((run_dir / "server.pid").read_text().split()[0])
        assert "engine=hf mode=both" in log.read_text()
        assert "[done]" in _turn(env)

        out = _run(env, "bash", "scripts/restart.sh", "chat", "--no-tail", timeout=900)
        assert f"draining pid {first}" in out and "keeping installed packages" in out
        second = int((run_dir / "server.pid").read_text().split()[0])
        assert second != first and not alive(first)
        assert "engine=hf mode=chat" in log.read_text()
        assert "[done]" in _turn(env)

        out = _run(env, "bash", "scripts/stop.sh", timeout=120)
        assert f"stopped pid {second}" in out
        assert not alive(second) and not (run_dir / "server.pid").exists()
    finally:
        subprocess.run(["bash", "scripts/stop.sh"], cwd=ROOT, env=env, capture_output=True, timeout=120,
                       check=False)
