"""A stand-in for ``python -m cadence serve`` in the deploy script tests.

scripts/main.sh runs it through the ``CADENCE_SERVER_CMD`` test hook. It
listens on ``PORT`` and answers ``/healthz`` (200) and ``/readyz`` (503, then
200 after ``FAKE_READY_AFTER_S``), prints what it was started with, and on
SIGTERM says so and exits after ``FAKE_DRAIN_S``. Knobs (environment):

- ``FAKE_READY_AFTER_S`` (default 0.2): when ``/readyz`` turns 200;
- ``FAKE_DIE_AFTER_S``: exit with status 3 after that many seconds;
- ``FAKE_SPAM_BYTES``: print that many bytes of numbered lines at start;
- ``FAKE_IGNORE_TERM=1``: ignore SIGTERM (the SIGKILL path of stop.sh);
- ``FAKE_CHILD_PIDFILE``: start a ``sleep`` child and write its pid there.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

STARTED = time.monotonic()


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw else default


class Handler(http.server.BaseHTTPRequestHandler):
    """``/healthz`` and ``/readyz`` only."""

    def do_GET(self) -> None:
        ready = time.monotonic() - STARTED >= _env_float("FAKE_READY_AFTER_S", 0.2)
        if self.path == "/healthz":
            status = 200
        elif self.path == "/readyz":
            status = 200 if ready else 503
        else:
            status = 404
        body = b"ok\n" if status == 200 else b"no\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the log for the fake's own lines."""


def _on_term(signum: int, frame: FrameType | None) -> None:
    print("fake: SIGTERM, draining", flush=True)
    time.sleep(_env_float("FAKE_DRAIN_S", 0.1))
    print("fake: drained, bye", flush=True)
    os._exit(0)


def _spam(total: int) -> None:
    written, n = 0, 0
    while written < total:
        line = f"fake: spam line {n:08d} " + "x" * 80 + "\n"
        sys.stdout.write(line)
        written += len(line)
        n += 1
    sys.stdout.flush()


def _die_later(seconds: float) -> None:
    time.sleep(seconds)
    print("fake: dying on purpose (FAKE_DIE_AFTER_S)", flush=True)
    os._exit(3)


def main() -> int:
    """Serve until SIGTERM (or FAKE_DIE_AFTER_S)."""
    env = os.environ
    signal.signal(signal.SIGTERM, signal.SIG_IGN if env.get("FAKE_IGNORE_TERM") == "1" else _on_term)
    print(f"fake: engine={env.get('INFERENCE_ENGINE')} mode={env.get('DEPLOY_MODE')} "
          f"chat={env.get('CHAT_MODEL', '')} tool={env.get('TOOL_MODEL', '')} "
          f"quant={env.get('CHAT_QUANTIZATION', '')} key={'set' if env.get('TEXT_API_KEY') else 'unset'} "
          f"args={' '.join(sys.argv[1:])} pid={os.getpid()}", flush=True)
    if env.get("FAKE_SPAM_BYTES"):
        _spam(int(env["FAKE_SPAM_BYTES"]))
    if env.get("FAKE_CHILD_PIDFILE"):
        child = subprocess.Popen(["sleep", "300"])
        with open(env["FAKE_CHILD_PIDFILE"], "w", encoding="utf-8") as handle:
            handle.write(str(child.pid))
    if env.get("FAKE_DIE_AFTER_S"):
        threading.Thread(target=_die_later, args=(float(env["FAKE_DIE_AFTER_S"]),), daemon=True).start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(env.get("PORT", "8000"))), Handler)
    print(f"fake: listening on {server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
