"""A throw-away copy of the deploy scripts, driven from pytest.

The scripts find the project from their own location (``CADENCE_ROOT``), so
a copy of ``scripts/`` in a temporary folder deploys, restarts, stops and
wipes there, never in the real checkout. The server is
``tests/deploy/fake_server.py`` (the ``CADENCE_SERVER_CMD`` test hook), and
the package and model steps are skipped (``CADENCE_SKIP_INSTALL`` and
``CADENCE_SKIP_PREPARE``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).resolve().parent / "fake_server.py"
SCRIPTS = ("main.sh", "restart.sh", "stop.sh", "activate.sh", "deploy_helper.py")
#: Ambient settings that would change what the scripts do.
SCRUB = ("WS_", "ECHO_", "CHAT_", "DEPLOY_", "TOOL_", "INFERENCE_", "CADENCE_", "HF_", "LOG_", "TRT_",
         "AWQ_", "VLLM_", "FAKE_", "READY_", "DRAIN_", "STOP_", "MODELS_DIR", "TEXT_API_KEY", "PORT",
         "HOST", "SERVER_WS_URL", "_CADENCE")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the settings the scripts read, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUB)}
    return env | extra


def alive(pid: int) -> bool:
    """``pid`` runs and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def wait_for(check: object, timeout: float = 10.0) -> bool:
    """Poll ``check()`` until true or ``timeout``; its last answer."""
    assert callable(check)
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return bool(check())
        time.sleep(0.05)
    return True


@dataclasses.dataclass
class Sandbox:
    """A project folder holding a copy of the deploy scripts."""

    root: Path
    port: int
    env: dict[str, str]
    fronts: list[subprocess.Popen[str]] = dataclasses.field(default_factory=list)

    @classmethod
    def create(cls, base: Path, **settings: str) -> Sandbox:
        root = base / "repo"
        (root / "scripts").mkdir(parents=True)
        for name in SCRIPTS:
            shutil.copy2(ROOT / "scripts" / name, root / "scripts" / name)
        shutil.copytree(ROOT / "scripts" / "lib", root / "scripts" / "lib")
        port = free_port()
        env = clean_env(
            CADENCE_SERVER_CMD=f"{sys.executable} {FAKE}", CADENCE_SKIP_INSTALL="1",
            CADENCE_SKIP_PREPARE="1", PORT=str(port), HOST="127.0.0.1", TEXT_API_KEY="sandbox-key",
            DRAIN_TIMEOUT_S="1", STOP_MARGIN_S="5", STOP_GRACE_S="1", READY_TIMEOUT_S="30", HF_HOME=str(base / "hf"),
            PYTHON=sys.executable,
        )
        return cls(root, port, env | settings)

    def run(self, script: str, *args: str, timeout: float = 60.0, **env: str,
            ) -> subprocess.CompletedProcess[str]:
        """Run ``scripts/SCRIPT ARGS`` to its end; stdout and stderr together.

        On ``timeout`` its whole process group (a tail it started included) is killed.
        """
        command = ["bash", str(self.root / "scripts" / script), *args]
        with subprocess.Popen(command, cwd=self.root, env=self.env | env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True) as process:
            try:
                out, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                raise
        return subprocess.CompletedProcess(command, process.returncode, out, None)

    def start(self, script: str, *args: str, **env: str) -> subprocess.Popen[str]:
        """Start ``scripts/SCRIPT ARGS`` in its own process group (a terminal's job)."""
        front = subprocess.Popen(
            ["bash", str(self.root / "scripts" / script), *args], cwd=self.root, env=self.env | env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.fronts.append(front)
        return front

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def pid(self) -> int | None:
        """The pid recorded in .run/server.pid, if any."""
        path = self.root / ".run" / "server.pid"
        return int(path.read_text().split()[0]) if path.exists() else None

    def deploy_env(self) -> dict[str, str]:
        """The saved deploy (``D_KEY=value`` lines), unquoted naively."""
        text = (self.root / ".run" / "deploy.env").read_text()
        pairs = (line.split("=", 1) for line in text.splitlines() if line.startswith("D_"))
        return {key: value.strip("'") for key, value in pairs}

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def tree(self) -> dict[str, float]:
        """Every path under the sandbox with its mtime (to show a dry run changed nothing)."""
        return {str(p.relative_to(self.root)): p.stat().st_mtime for p in sorted(self.root.rglob("*"))}

    def make_dirs(self, *names: str) -> None:
        for name in names:
            (self.root / name).mkdir(parents=True, exist_ok=True)
            (self.root / name / "marker").write_text("x")

    def cleanup(self) -> None:
        """Stop whatever the test left running (stop.sh, then SIGKILL by pid)."""
        for front in self.fronts:
            if front.poll() is None:
                os.killpg(front.pid, signal.SIGKILL)
                front.communicate(timeout=10)
        pid = self.pid()
        if pid is not None and alive(pid):
            self.run("stop.sh", timeout=60)
        pid = self.pid()
        if pid is not None and alive(pid):
            os.kill(pid, signal.SIGKILL)


def make_venv(path: Path) -> None:
    """A stand-in virtualenv: bin/python (this interpreter) and bin/activate."""
    (path / "bin").mkdir(parents=True, exist_ok=True)
    (path / "bin" / "python").symlink_to(sys.executable)
    (path / "bin" / "activate").write_text(f'export VIRTUAL_ENV="{path}"\n')


def fake_nvidia_smi(base: Path) -> Mapping[str, str]:
    """A PATH with an ``nvidia-smi`` that prints nothing (a GPU host, for dry runs)."""
    bin_dir = base / "fakebin"
    bin_dir.mkdir(exist_ok=True)
    tool = bin_dir / "nvidia-smi"
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}


__all__ = ["FAKE", "ROOT", "Sandbox", "alive", "clean_env", "fake_nvidia_smi", "free_port", "make_venv",
           "wait_for"]
