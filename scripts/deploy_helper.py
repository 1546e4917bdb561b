#!/usr/bin/env python3
"""Helpers of the deploy scripts (scripts/lib/deploy*.sh); standard library only.

    python3 scripts/deploy_helper.py log PATH [--max-bytes N] [--keep K]
        Copy stdin to PATH line by line; when PATH reaches N bytes, rename it to
        PATH.1 and gzip it in the background into PATH.1.gz, shifting older
        generations (PATH.2.gz ...) and keeping K of them. The server's output
        is piped in here, so rotation happens while the server runs. Terminal
        colour codes are dropped.
    python3 scripts/deploy_helper.py ready URL [--pid PID] [--timeout S]
        Poll URL (/readyz) until it answers 200 (exit 0), PID is gone (exit 3)
        or S seconds passed (exit 4).
    python3 scripts/deploy_helper.py has MODULE
        Exit 0 when MODULE can be imported by this Python (without importing it).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import os
import re
import shutil
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

READY, GONE, TIMED_OUT = 0, 3, 4
#: Terminal colours (the scripts' log lines) are left out of the file.
ANSI = re.compile(rb"\x1b\[[0-9;]*m")
#: Longest line kept whole; longer output is split (a runaway line cannot eat memory).
MAX_LINE = 1 << 16


def _compress(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    with source.open("rb") as raw, gzip.open(partial, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(raw, packed, 1 << 20)
    partial.replace(target)
    source.unlink()


class RotatingLog:
    """An append-only file that rotates itself at ``max_bytes``."""

    def __init__(self, path: Path, max_bytes: int, keep: int) -> None:
        self.path, self.max_bytes, self.keep = path, max(1, max_bytes), max(1, keep)
        self._packer: threading.Thread | None = None
        self._out = self.path.open("ab")
        self._size = self._out.tell()

    def _generation(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{n}.gz")

    def rotate(self) -> None:
        """Shift PATH.n.gz to PATH.n+1.gz, move PATH aside and gzip it off-thread."""
        self._out.close()
        if self._packer is not None:
            self._packer.join()
        self._generation(self.keep).unlink(missing_ok=True)
        for n in range(self.keep - 1, 0, -1):
            if self._generation(n).exists():
                self._generation(n).replace(self._generation(n + 1))
        aside = self.path.with_name(self.path.name + ".1")
        self.path.replace(aside)
        self._packer = threading.Thread(target=_compress, args=(aside, self._generation(1)))
        self._packer.start()
        self._out = self.path.open("ab")
        self._size = 0

    def write(self, data: bytes) -> None:
        """Append ``data``; rotate first when the file is already full."""
        if self._size >= self.max_bytes:
            self.rotate()
        self._out.write(data)
        self._out.flush()
        self._size += len(data)

    def close(self) -> None:
        """Flush, close, and wait for a compression still running."""
        self._out.close()
        if self._packer is not None:
            self._packer.join()


def run_log(path: Path, max_bytes: int, keep: int) -> int:
    """Copy stdin into a :class:`RotatingLog` until end of input."""
    for name in ("SIGINT", "SIGHUP"):  # Ctrl+C on a terminal or a closed SSH: keep logging
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    log = RotatingLog(path, max_bytes, keep)
    try:
        while line := sys.stdin.buffer.readline(MAX_LINE):
            log.write(ANSI.sub(b"", line))
    finally:
        log.close()
    return 0


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not Path("/proc").is_dir() or Path(f"/proc/{pid}").exists()
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def run_ready(url: str, pid: int | None, timeout: float) -> int:
    """Wait for ``url`` to answer 200 while ``pid`` lives."""
    deadline = time.monotonic() + timeout
    while True:
        if _answers(url):
            return READY
        if pid is not None and not _alive(pid):
            return GONE
        if time.monotonic() >= deadline:
            return TIMED_OUT
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Run one helper command; return its exit status."""
    parser = argparse.ArgumentParser(prog="deploy_helper.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="copy stdin to a rotating log file")
    log.add_argument("path", type=Path)
    log.add_argument("--max-bytes", type=int, default=100 * 1024 * 1024)
    log.add_argument("--keep", type=int, default=3)
    ready = commands.add_parser("ready", help="wait for a URL to answer 200")
    ready.add_argument("url")
    ready.add_argument("--pid", type=int)
    ready.add_argument("--timeout", type=float, default=3600.0)
    has = commands.add_parser("has", help="is a module importable here")
    has.add_argument("module")
    args = parser.parse_args(argv)
    if args.command == "log":
        return run_log(args.path, args.max_bytes, args.keep)
    if args.command == "ready":
        try:
            return run_ready(args.url, args.pid, args.timeout)
        except KeyboardInterrupt:
            return 130
    return 0 if importlib.util.find_spec(args.module) is not None else 1


if __name__ == "__main__":
    sys.exit(main())
