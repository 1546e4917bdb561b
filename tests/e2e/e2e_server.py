"""Start ``python -m cadence serve`` on a free port for the e2e tests.

The server runs as a subprocess with its own environment (``TEXT_API_KEY``
and whatever the test sets), and :func:`serve` yields once ``/readyz``
answers 200. The process gets SIGTERM on exit, SIGKILL if it lingers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "e2e-test-key"
#: Ambient settings that would change what the tests expect.
_SCRUB = ("WS_", "ECHO_", "CHAT_", "DEPLOY_", "HISTORY_", "SESSION_", "TOOL_", "INFERENCE_", "MAX_CONC")


@dataclasses.dataclass(frozen=True, slots=True)
class RunningServer:
    """A started server: where to reach it and how to read its log."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=1.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(engine: str, env: Mapping[str, str], log_dir: Path, ready_timeout: float = 30.0,
          ) -> Iterator[RunningServer]:
    """Run ``cadence serve --engine ENGINE`` until the block exits.

    Raises:
        RuntimeError: the server exited or was not ready in ``ready_timeout``
            (the message holds the end of its log).
    """
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUB)}
    full_env |= {"TEXT_API_KEY": API_KEY, "LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT / "src"), **env}
    log_path = log_dir / f"server-{engine}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cadence", "serve", "--engine", engine, "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )
    server = RunningServer(port, process, log_path)
    try:
        deadline = time.monotonic() + ready_timeout
        while not _ready(server.http_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready; log:\n{server.log()[-3000:]}")
            time.sleep(0.1)
        yield server
    finally:
        _stop(process)


def stats(server_url: str, api_key: str) -> dict[str, object]:
    """``GET /stats`` as a dict."""
    import orjson

    request = urllib.request.Request(f"{server_url}/stats", headers={"X-API-Key": api_key})
    with urllib.request.urlopen(request, timeout=5.0) as response:
        data: dict[str, object] = orjson.loads(response.read())
        return data


__all__ = ["API_KEY", "RunningServer", "free_port", "serve", "stats"]
