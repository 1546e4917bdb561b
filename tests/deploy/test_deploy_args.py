"""Argument parsing of scripts/main.sh, restart.sh, stop.sh and activate.sh."""

from __future__ import annotations

import pytest
from deploy_sandbox import Sandbox


@pytest.mark.parametrize("script", ["main.sh", "restart.sh", "stop.sh", "activate.sh"])
def test_help_prints_usage(sandbox: Sandbox, script: str) -> None:
    result = sandbox.run(script, "--help")
    assert result.returncode == 0, result.stdout
    assert f"scripts/{script}" in result.stdout


@pytest.mark.parametrize(
    ("script", "args", "message"),
    [
        ("main.sh", ["--bogus"], "unknown flag --bogus"),
        ("main.sh", ["a", "b", "c"], "too many arguments"),
        ("main.sh", ["--push-quant", "--push-engine"], "mutually exclusive"),
        ("main.sh", ["--trt", "--push-engine", "--push-quant"], "mutually exclusive"),
        ("main.sh", ["--vllm", "--push-engine", "m"], "--push-engine uploads a TensorRT-LLM engine"),
        ("main.sh", ["--vllm", "tool", "--push-quant"], "there is none in tool mode"),
        ("restart.sh", ["--push-quant", "--push-engine"], "mutually exclusive"),
        ("restart.sh", ["--chat-model"], "--chat-model needs a value"),
        ("restart.sh", ["--chat-quant", "3bit"], "unknown quantization '3bit'"),
        ("restart.sh", ["somemodel"], "unknown argument somemodel"),
        ("stop.sh", ["--wipe-everything"], "unknown argument --wipe-everything"),
    ],
)
def test_bad_arguments_fail_clearly(sandbox: Sandbox, script: str, args: list[str], message: str) -> None:
    before = sandbox.tree()
    result = sandbox.run(script, *args, "--dry-run")
    assert result.returncode != 0
    assert message in result.stdout
    assert sandbox.tree() == before


def test_engine_and_mode_from_the_environment(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--dry-run", INFERENCE_ENGINE="echo", DEPLOY_MODE="chat")
    assert result.returncode == 0, result.stdout
    assert "engine=echo mode=chat" in result.stdout


def test_flags_win_over_the_environment_and_positionals_name_the_models(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--dry-run", "--vllm", "tool", "none", "org/chat", "org/tool",
                         INFERENCE_ENGINE="echo", DEPLOY_MODE="chat", CHAT_QUANTIZATION="4bit")
    assert result.returncode == 0, result.stdout
    assert "engine=vllm mode=tool chat=org/chat tool=org/tool quantization=none" in result.stdout


def test_serve_arguments_after_double_dash(sandbox: Sandbox) -> None:
    result = sandbox.run("main.sh", "--dry-run", "--", "--log-level", "debug", CADENCE_SERVER_CMD="")
    assert "start: python -m cadence serve --log-level debug in the foreground" in result.stdout
