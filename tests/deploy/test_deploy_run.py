"""main.sh with the fake server: detach, pid file, log, readiness, Ctrl+C, one at a time."""

from __future__ import annotations

import gzip
import os
import re
import signal
import stat
import threading

from deploy_sandbox import Sandbox, alive, wait_for


def test_detach_records_the_pid_and_logs_to_server_log(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--detach", "--no-tail", "org/chat", TEXT_API_KEY="")
    assert result.returncode == 0, result.stdout
    assert "ready: http://127.0.0.1:" in result.stdout
    pid = sandbox.pid()
    assert pid is not None and alive(pid) and sandbox.ready()
    with open(f"/proc/{pid}/stat") as handle:  # its own session: closing SSH does not reach it
        assert handle.read().rsplit(")", 1)[1].split()[3] == str(pid)  # session id
    log = sandbox.log_text()
    assert "[cadence] deploy started" in log and "\x1b[" not in log
    assert f"fake: engine=hf mode=both chat=org/chat tool= quant= key=set args= pid={pid}" in log
    saved = sandbox.deploy_env()
    assert saved["D_ENGINE"] == "hf" and saved["D_CHAT_MODEL"] == "org/chat"
    key = re.search(r"TEXT_API_KEY=(\w{32})", result.stdout)
    assert key is not None and saved["D_TEXT_API_KEY"] == key.group(1)  # generated, printed, saved
    assert stat.S_IMODE((sandbox.root / ".run" / "deploy.env").stat().st_mode) == 0o600


def test_a_second_main_says_so_instead_of_starting_two(sandbox: Sandbox) -> None:
    assert sandbox.run("main.sh", "--detach", "--no-tail").returncode == 0
    first = sandbox.pid()
    again = sandbox.run("main.sh", "--detach", "--no-tail")
    assert again.returncode != 0
    assert f"Cadence is already running (pid {first}, engine hf, mode both" in again.stdout
    foreground = sandbox.run("main.sh")
    assert foreground.returncode != 0 and "already running" in foreground.stdout
    assert sandbox.pid() == first and first is not None and alive(first)


def test_a_stale_pid_file_does_not_block_a_start(sandbox: Sandbox) -> None:
    (sandbox.root / ".run").mkdir()
    (sandbox.root / ".run" / "server.pid").write_text("999999 123\n")
    result = sandbox.run("main.sh", "--detach", "--no-tail")
    assert result.returncode == 0, result.stdout
    assert sandbox.pid() != 999999


def test_foreground_keeps_todays_behaviour(sandbox: Sandbox) -> None:
    front = sandbox.start("main.sh")
    assert wait_for(sandbox.ready, 20), "the foreground server never became ready"
    assert sandbox.pid() == front.pid  # main.sh execs the server: same process
    assert not sandbox.log.exists()  # output stays on the terminal
    front.send_signal(signal.SIGTERM)
    out, _ = front.communicate(timeout=20)
    assert "in the foreground" in out and "fake: SIGTERM, draining" in out


def test_log_rotation_keeps_a_few_gzip_generations(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--detach", "--no-tail", FAKE_SPAM_BYTES="200000",
                         LOG_MAX_BYTES="20000", LOG_KEEP="3")
    assert result.returncode == 0, result.stdout
    aside = sandbox.root / "server.log.1"
    assert wait_for(lambda: not aside.exists(), 20), "the last rotation was never compressed"
    names = sorted(p.name for p in sandbox.root.glob("server.log*"))
    assert names == ["server.log", "server.log.1.gz", "server.log.2.gz", "server.log.3.gz"]
    assert sandbox.log.stat().st_size < 20000 + 200
    numbers: list[int] = []
    for name in ("server.log.3.gz", "server.log.2.gz", "server.log.1.gz"):
        text = gzip.decompress((sandbox.root / name).read_bytes()).decode()
        assert 20000 <= len(text) < 20000 + 200
        numbers += [int(n) for n in re.findall(r"spam line (\d+)", text)]
    numbers += [int(n) for n in re.findall(r"spam line (\d+)", sandbox.log_text())]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # no line lost across rotations
    assert "fake: listening" in sandbox.log_text()


def test_readiness_failure_shows_the_log_tail(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--detach", FAKE_READY_AFTER_S="100", FAKE_DIE_AFTER_S="0.5")
    assert result.returncode == 1
    assert "the deploy stopped before the server was ready" in result.stdout
    assert "fake: dying on purpose" in result.stdout.split("Last lines of")[1]
    assert not (sandbox.root / ".run" / "server.pid").exists()


def test_readiness_timeout_leaves_the_deploy_running(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--detach", FAKE_READY_AFTER_S="100", READY_TIMEOUT_S="1")
    assert result.returncode == 1
    assert "did not answer within 1s; the deploy keeps going in the background" in result.stdout
    pid = sandbox.pid()
    assert pid is not None and alive(pid)


def test_ctrl_c_stops_following_not_the_server(sandbox: Sandbox) -> None:
    front = sandbox.start("main.sh", "--detach")
    assert front.stdout is not None
    lines: list[str] = []
    watchdog = threading.Timer(30, lambda: os.killpg(front.pid, signal.SIGKILL))
    watchdog.start()
    try:
        for line in front.stdout:  # until main.sh follows the log
            lines.append(line)
            if "Ctrl+C stops following" in line:
                break
    finally:
        watchdog.cancel()
    assert any("ready:" in line for line in lines), "".join(lines)
    os.killpg(front.pid, signal.SIGINT)  # what a terminal's Ctrl+C does
    out, _ = front.communicate(timeout=15)
    assert front.returncode == 0
    assert "Cadence keeps running in the background" in out
    pid = sandbox.pid()
    assert pid is not None and alive(pid) and sandbox.ready()
    assert wait_for(lambda: f"-F {sandbox.log}" not in _commands(), 5), "tail was left running"


def _commands() -> str:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    found.append(handle.read().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
    return "\n".join(found)
