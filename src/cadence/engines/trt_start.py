"""Importing TensorRT-LLM, loading the tokenizer and creating the ``LLM``.

Helpers of :mod:`cadence.engines.trt`. TensorRT-LLM is imported inside
:func:`import_backend` only, so every ``trt`` module imports on a machine
without it (the factory checks for it first).

Which LLM class (TensorRT-LLM 1.x, ``tensorrt_llm/llmapi/llm.py``):
``tensorrt_llm.LLM`` is the PyTorch backend (``_TorchLLM``), which loads a
Hugging Face or ModelOpt checkpoint with no engine build;
``tensorrt_llm._tensorrt_engine.LLM`` (``_TrtLLM``) is the TensorRT backend,
which serves a prebuilt engine directory. The ``backend=`` argument is
deprecated there, and the PyTorch class refuses TensorRT-only arguments and
points to ``_tensorrt_engine``, so the adapter picks the class.

Python 3.10 compatible.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from cadence.engines.base import EngineError
from cadence.engines.checks import summary
from cadence.engines.hf_tokenizer import HFPromptTokenizer
from cadence.engines.trt_config import TRTEngineConfig
from cadence.engines.trt_params import field_names, missing_sampling_fields

#: The TensorRT backend's LLM class lives here (TensorRT-LLM 1.x).
ENGINE_MODULE = "tensorrt_llm._tensorrt_engine"


class Backend(NamedTuple):
    """The pieces of TensorRT-LLM's LLM API the engine uses."""

    llm_cls: Any
    sampling_cls: Any
    kv_cache_cls: Any
    llm_fields: frozenset[str]
    version: str


def _llm_fields(engine: bool) -> frozenset[str]:
    """The ``LLM(...)`` arguments this TensorRT-LLM accepts (empty: unknown)."""
    try:
        from tensorrt_llm.llmapi.llm_args import TorchLlmArgs, TrtLlmArgs
    except ImportError:
        return frozenset()
    return field_names(TrtLlmArgs if engine else TorchLlmArgs)


def import_backend(*, engine: bool) -> Backend:
    """Import the LLM class for a prebuilt engine (``engine``) or the PyTorch backend.

    Raises:
        EngineError: TensorRT-LLM is not importable or too old, or its
            ``SamplingParams`` lacks a field Cadence's sampling needs.
    """
    try:
        import tensorrt_llm
        from tensorrt_llm import SamplingParams
        from tensorrt_llm.llmapi import KvCacheConfig

        llm_cls = importlib.import_module(ENGINE_MODULE if engine else "tensorrt_llm").LLM
    except (ImportError, AttributeError) as exc:
        raise EngineError(
            f"cannot import TensorRT-LLM's LLM API ({summary(exc)}): the trt engine needs "
            "TensorRT-LLM 1.x on an NVIDIA GPU host (see docker/trt)"
        ) from exc
    version = str(getattr(tensorrt_llm, "__version__", "unknown"))
    missing = missing_sampling_fields(SamplingParams)
    if missing:
        raise EngineError(
            f"TensorRT-LLM {version}'s SamplingParams has no {', '.join(missing)}: the trt engine "
            "cannot honour the protocol's sampling settings with it"
        )
    return Backend(llm_cls, SamplingParams, KvCacheConfig, _llm_fields(engine), version)


def load_tokenizer(config: TRTEngineConfig, source: str) -> HFPromptTokenizer:
    """The model's Hugging Face tokenizer from ``source``, rendering prompts
    the way the ``hf`` and ``vllm`` engines do (a blocking call)."""
    from transformers import AutoTokenizer

    local = Path(source).expanduser().is_dir()
    path = str(Path(source).expanduser()) if local else source
    hf_tokenizer = AutoTokenizer.from_pretrained(
        path, local_files_only=local, trust_remote_code=config.trust_remote_code
    )
    return HFPromptTokenizer(hf_tokenizer, config.chat_template)


async def create_llm(llm_cls: Any, kwargs: Mapping[str, Any]) -> Any:
    """Build the ``LLM`` in a worker thread (it blocks until the model is loaded).

    If the caller is cancelled meanwhile, the LLM still being built is shut
    down as soon as it exists, so no TensorRT-LLM worker outlives a
    cancelled start.

    Raises:
        Exception: whatever the constructor raised (the engine translates it).
    """
    creating = asyncio.ensure_future(asyncio.to_thread(llm_cls, **kwargs))
    try:
        return await asyncio.shield(creating)
    except asyncio.CancelledError:
        creating.add_done_callback(_shutdown_orphan)
        raise


def _shutdown_orphan(creating: asyncio.Future[Any]) -> None:
    if not creating.cancelled() and creating.exception() is None:
        creating.result().shutdown()


__all__ = ["ENGINE_MODULE", "Backend", "create_llm", "import_backend", "load_tokenizer"]
