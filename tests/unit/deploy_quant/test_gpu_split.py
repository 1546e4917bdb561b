"""CHAT_GPU_FRAC / TOOL_GPU_FRAC: the brief's defaults, validation at start, and who uses them."""

from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any

import pytest

from cadence.config.env import ConfigError
from cadence.config.load import load_settings
from cadence.config.settings import Settings
from cadence.engines.factory import build_chat_engine

BASE = {"TEXT_API_KEY": "k"}


def _settings(**env: str) -> Settings:
    return load_settings({**BASE, **env})


@pytest.mark.parametrize(("env", "chat", "tool", "shared"), [
    ({}, 0.9, 0.9, False),
    ({"DEPLOY_MODE": "tool"}, 0.9, 0.9, False),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "vllm"}, 0.7, 0.2, True),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "trt"}, 0.7, 0.2, True),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "vllm", "TOOL_DEVICE": "cpu"}, 0.9, 0.9, False),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "echo"}, 0.9, 0.9, False),
    ({"DEPLOY_MODE": "both", "CHAT_DEVICE": "cpu"}, 0.9, 0.9, False),
    ({"DEPLOY_MODE": "both", "CHAT_DEVICE": "cuda:0", "TOOL_DEVICE": "cuda:1"}, 0.9, 0.9, False),
    ({"DEPLOY_MODE": "both", "CHAT_GPU_FRAC": "0.6", "TOOL_GPU_FRAC": "0.25"}, 0.6, 0.25, True),
])
def test_defaults_follow_the_brief(env: dict[str, str], chat: float, tool: float, shared: bool) -> None:
    gpu = _settings(**env).gpu
    assert (gpu.chat_frac, gpu.tool_frac, gpu.shared) == (chat, tool, shared)


def test_each_fraction_must_be_in_0_1_and_every_problem_is_listed() -> None:
    with pytest.raises(ConfigError) as caught:
        _settings(CHAT_GPU_FRAC="0", TOOL_GPU_FRAC="1.5")
    text = str(caught.value)
    assert "CHAT_GPU_FRAC=0: must be within (0, 1]" in text and "TOOL_GPU_FRAC=1.5: must be within (0, 1]" in text
    with pytest.raises(ConfigError, match="CHAT_GPU_FRAC='most': expected a number"):
        _settings(CHAT_GPU_FRAC="most")


def test_a_shared_gpu_cannot_be_overcommitted() -> None:
    with pytest.raises(ConfigError) as caught:
        _settings(DEPLOY_MODE="both", INFERENCE_ENGINE="vllm", CHAT_GPU_FRAC="0.9")
    text = str(caught.value)
    assert "CHAT_GPU_FRAC=0.9 + TOOL_GPU_FRAC=0.2 (default) = 1.1 exceeds 1" in text
    assert "TOOL_DEVICE=cpu" in text
    assert _settings(DEPLOY_MODE="both", CHAT_GPU_FRAC="0.5", TOOL_GPU_FRAC="0.5").gpu.shared
    assert _settings(DEPLOY_MODE="both", TOOL_DEVICE="cpu", CHAT_GPU_FRAC="1").gpu.chat_frac == 1.0


@pytest.mark.parametrize(("env", "cap"), [
    ({}, None),
    ({"DEPLOY_MODE": "tool"}, 0.9),
    ({"DEPLOY_MODE": "tool", "TOOL_DEVICE": "cpu"}, None),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "vllm"}, 0.2),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "hf"}, pytest.approx(0.9)),
    ({"DEPLOY_MODE": "both", "INFERENCE_ENGINE": "hf", "CHAT_DEVICE": "cpu"}, 0.9),
    ({"DEPLOY_MODE": "both", "CHAT_DEVICE": "cuda:0", "TOOL_DEVICE": "cuda:1"}, None),
])
def test_the_tool_process_cap_counts_what_shares_the_process(env: dict[str, str], cap: object) -> None:
    assert _settings(**env).tool_process_gpu_frac == cap


class _Engine:
    def __init__(self, config: Any) -> None:
        self.config = config


def test_the_vllm_engine_gets_the_validated_chat_fraction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cadence.engines.vllm", types.SimpleNamespace(VLLMEngine=_Engine))
    monkeypatch.setenv("CHAT_GPU_FRAC", "")
    settings = _settings(DEPLOY_MODE="both", INFERENCE_ENGINE="vllm", CHAT_MODEL="org/m")
    engine = build_chat_engine(settings)
    assert isinstance(engine, _Engine) and engine.config.gpu_memory_utilization == 0.7


def test_trt_kv_fraction_defaults_to_the_validated_chat_fraction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cadence.engines.trt", types.SimpleNamespace(TRTEngine=_Engine))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "tensorrt_llm" else None)
    for name in ("CHAT_GPU_FRAC", "TRT_KV_FREE_GPU_FRAC"):
        monkeypatch.delenv(name, raising=False)
    settings = _settings(DEPLOY_MODE="both", INFERENCE_ENGINE="trt", CHAT_MODEL="org/m")
    engine = build_chat_engine(settings)
    assert isinstance(engine, _Engine) and engine.config.kv_free_gpu_frac == 0.7
    monkeypatch.setenv("TRT_KV_FREE_GPU_FRAC", "0.5")
    again = build_chat_engine(settings)
    assert isinstance(again, _Engine) and again.config.kv_free_gpu_frac == 0.5
