"""restart.sh, stop.sh (each wipe mode) and activate.sh, with the fake server."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
from deploy_sandbox import Sandbox, alive, make_venv, wait_for

CACHES = (".venv", ".venv-vllm", ".venv-awq", ".venv-trt", ".awq", ".cache/vllm", ".trtllm-repo", ".modelopt-repo",
          "models/x", "models/trt")


def present(sandbox: Sandbox) -> set[str]:
    return {name for name in CACHES if (sandbox.root / name).exists()}


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_restart_same_engine_keeps_caches_and_the_api_key(sandbox: Sandbox) -> None:
    sandbox.make_dirs(*CACHES)
    first = sandbox.run("main.sh", "--vllm", "4bit", "org/a", "--no-tail", TEXT_API_KEY="")
    assert first.returncode == 0, first.stdout
    old_pid, key = sandbox.pid(), sandbox.deploy_env()["D_TEXT_API_KEY"]
    result = sandbox.run("restart.sh", "chat", "--chat-model", "org/b", "--no-tail", TEXT_API_KEY="")
    assert result.returncode == 0, result.stdout
    assert f"draining pid {old_pid}" in result.stdout and "keeping installed packages" in result.stdout
    assert present(sandbox) == set(CACHES)
    assert old_pid is not None and not alive(old_pid)
    new_pid = sandbox.pid()
    assert new_pid != old_pid and new_pid is not None and alive(new_pid) and sandbox.ready()
    assert f"fake: engine=vllm mode=chat chat=org/b tool= quant=4bit key=set args= pid={new_pid}" in sandbox.log_text()
    assert "fake: SIGTERM, draining" in sandbox.log_text()  # the old one drained
    assert sandbox.deploy_env()["D_TEXT_API_KEY"] == key


def test_restart_with_another_engine_wipes_the_previous_engine(sandbox: Sandbox) -> None:
    sandbox.make_dirs(*CACHES)
    assert sandbox.run("main.sh", "--vllm", "org/a", "--no-tail").returncode == 0
    result = sandbox.run("restart.sh", "--trt", "--no-tail")
    assert result.returncode == 0, result.stdout
    assert present(sandbox) == set(CACHES) - {".venv-vllm", ".venv-awq", ".awq", ".cache/vllm"}
    assert f"removed {sandbox.root}/.venv-vllm" in result.stdout
    assert "fake: engine=trt mode=both chat=org/a" in sandbox.log_text()
    result = sandbox.run("restart.sh", "--hf", "--no-tail")
    assert result.returncode == 0, result.stdout
    assert present(sandbox) == {".venv", "models/x"}


def test_restart_without_a_previous_deploy_starts_one(sandbox: Sandbox) -> None:
    result = sandbox.run("restart.sh", "--echo", "chat", "--no-tail")
    assert result.returncode == 0, result.stdout
    assert "no previous deploy recorded" in result.stdout and "no Cadence server is running" in result.stdout
    assert sandbox.ready()


@pytest.mark.parametrize(("mode", "left"), [
    ([], set(CACHES)),
    (["--keep"], set(CACHES)),
    (["--wipe-models"], set(CACHES) - {"models/x", "models/trt", ".awq"}),
    (["--wipe-all"], set()),
])
def test_stop_drains_frees_and_wipes(sandbox: Sandbox, mode: list[str], left: set[str]) -> None:
    sandbox.make_dirs(*CACHES)
    hub = Path(sandbox.env["HF_HOME"]) / "hub" / "models--org--chat"
    hub.mkdir(parents=True)
    child_file = sandbox.root / "child.pid"
    assert sandbox.run("main.sh", "--detach", "--no-tail", "org/chat",
                       FAKE_CHILD_PIDFILE=str(child_file)).returncode == 0
    pid, child = sandbox.pid(), int(child_file.read_text())
    result = sandbox.run("stop.sh", *mode)
    assert result.returncode == 0, result.stdout
    assert pid is not None and not alive(pid) and wait_for(lambda: not alive(child), 5)
    assert port_closed(sandbox.port)
    assert "fake: SIGTERM, draining" in sandbox.log_text()
    assert not (sandbox.root / ".run" / "server.pid").exists()
    assert present(sandbox) == left
    assert hub.exists() == (left == set(CACHES))
    assert (sandbox.root / "server.log").exists() and (sandbox.root / "scripts" / "main.sh").exists()
    if left != set(CACHES):
        assert f"removed {sandbox.root}/models" in result.stdout


def test_stop_kills_a_server_that_ignores_sigterm(sandbox: Sandbox) -> None:
    started = sandbox.run("main.sh", "--detach", "--no-tail", FAKE_IGNORE_TERM="1", DRAIN_TIMEOUT_S="0")
    assert started.returncode == 0, started.stdout
    pid = sandbox.pid()
    result = sandbox.run("stop.sh", DRAIN_TIMEOUT_S="100", STOP_MARGIN_S="1")  # the server's own 0 s wins
    assert result.returncode == 0, result.stdout
    assert "still runs after 1s: SIGKILL" in result.stdout
    assert pid is not None and not alive(pid)


def test_stop_when_nothing_runs(sandbox: Sandbox) -> None:
    result = sandbox.run("stop.sh")
    assert result.returncode == 0 and "no Cadence server is running" in result.stdout


def test_activate_runs_a_command_in_the_deploys_environment(sandbox: Sandbox) -> None:
    show = ["sh", "-c", 'echo "venv=$VIRTUAL_ENV key=$TEXT_API_KEY url=$SERVER_WS_URL"']
    missing = sandbox.run("activate.sh", *show)
    assert missing.returncode != 0 and "run bash scripts/main.sh first" in missing.stdout
    make_venv(sandbox.root / ".venv")
    make_venv(sandbox.root / ".venv-vllm")
    assert f"venv={sandbox.root}/.venv key=sandbox-key" in sandbox.run("activate.sh", *show).stdout
    assert sandbox.run("main.sh", "--vllm", "--no-tail", TEXT_API_KEY="saved-key").returncode == 0
    out = sandbox.run("activate.sh", *show, TEXT_API_KEY="").stdout
    assert f"venv={sandbox.root}/.venv-vllm key=saved-key url=ws://127.0.0.1:{sandbox.port}/ws" in out


def test_activate_without_arguments_is_an_interactive_shell(sandbox: Sandbox) -> None:
    make_venv(sandbox.root / ".venv")
    result = subprocess.run(
        ["bash", str(sandbox.root / "scripts" / "activate.sh")], input='echo "inside=$VIRTUAL_ENV"\nexit\n',
        cwd=sandbox.root, env=sandbox.env | {"HOME": str(sandbox.root)}, capture_output=True, text=True,
        timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"inside={sandbox.root}/.venv" in result.stdout
