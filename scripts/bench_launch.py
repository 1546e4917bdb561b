"""Start ``cadence serve`` for a benchmark and wait until it is ready.

Shared by ``scripts/bench_engine.py`` and ``scripts/bench_modes.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "bench"


def start_cadence(
    settings: dict[str, str], port: int, *, wait_s: float = 180.0, python: str = sys.executable
) -> subprocess.Popen[bytes]:
    """Run ``python -m cadence serve`` on 127.0.0.1:``port`` with ``settings``
    over the bench defaults (key ``bench``, no message rate limit, warning
    logs), and return once ``/readyz`` answers 200. ``python`` picks the
    interpreter (the vLLM virtualenv's, say); a ``PYTHONPATH`` setting puts
    another copy of ``src`` first (a baseline).

    Raises:
        RuntimeError: not ready within ``wait_s`` (the process is killed).
    """
    env = {**os.environ, "TEXT_API_KEY": API_KEY, "PORT": str(port), "HOST": "127.0.0.1",
           "WS_MAX_MESSAGES_PER_WINDOW": "0", "LOG_LEVEL": "warning", **settings}
    proc = subprocess.Popen([python, "-m", "cadence", "serve"], cwd=ROOT, env=env)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"cadence serve ({settings}) did not become ready in {wait_s:.0f}s")
