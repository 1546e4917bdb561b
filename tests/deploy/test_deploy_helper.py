"""scripts/deploy_helper.py in-process: the rotating log writer and the readiness wait."""

from __future__ import annotations

import gzip
import importlib.util
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from deploy_sandbox import ROOT, free_port


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_helper", ROOT / "scripts" / "deploy_helper.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helper = _load()


def test_rotation_shifts_generations_and_keeps_k(tmp_path: Path) -> None:
    path = tmp_path / "server.log"
    log = helper.RotatingLog(path, max_bytes=100, keep=2)
    for n in range(10):
        log.write(f"line {n:02d} ".encode() + b"x" * 40 + b"\n")  # 49 bytes: a rotation every 3 lines
    log.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.log", "server.log.1.gz", "server.log.2.gz"]
    older = gzip.decompress((tmp_path / "server.log.2.gz").read_bytes()).decode()
    newer = gzip.decompress((tmp_path / "server.log.1.gz").read_bytes()).decode()
    assert [line[:7] for line in older.splitlines()] == ["line 03", "line 04", "line 05"]
    assert [line[:7] for line in newer.splitlines()] == ["line 06", "line 07", "line 08"]
    assert path.read_text().startswith("line 09")


def test_an_existing_full_log_rotates_on_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "server.log"
    path.write_text("old\n" * 50)
    log = helper.RotatingLog(path, max_bytes=100, keep=3)
    log.write(b"new\n")
    log.close()
    assert path.read_text() == "new\n"
    assert gzip.decompress((tmp_path / "server.log.1.gz").read_bytes()) == b"old\n" * 50


def test_run_log_copies_stdin_without_colours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\x1b[1;34m[cadence]\x1b[0m hello\nplain\npartial"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    # run_log ignores SIGINT and SIGHUP: not in pytest's process (its children would inherit it).
    monkeypatch.setattr(helper.signal, "signal", lambda *args: None)
    assert helper.run_log(tmp_path / "out.log", 1000, 3) == 0
    assert (tmp_path / "out.log").read_bytes() == b"[cadence] hello\nplain\npartial"


def test_ready_reports_a_dead_pid_and_a_timeout() -> None:
    url = f"http://127.0.0.1:{free_port()}/readyz"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert helper.run_ready(url, dead.pid, timeout=5) == helper.GONE
    assert helper.run_ready(url, None, timeout=0.3) == helper.TIMED_OUT


def test_has_module() -> None:
    assert helper.main(["has", "json"]) == 0
    assert helper.main(["has", "surely_not_a_module_xyz"]) == 1
