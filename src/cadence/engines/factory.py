"""Building the configured chat engine.

Backends import their heavy libraries (torch, vllm, tensorrt_llm) only when
selected, inside the builder functions below.
"""

from __future__ import annotations

from pathlib import Path

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
    if settings.chat.model:
        return settings.chat.model
    folder = Path(settings.models_dir) / DEFAULT_CHAT_DIR
    if not (folder / "config.json").is_file():
        raise EngineUnavailableError(
            f"the default chat model is not prepared at {folder}: run "
            "`python -m cadence models prepare` (or `bash scripts/main.sh`), or set CHAT_MODEL"
        )
    return str(folder)


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
        )
        return HFEngine(config)
    raise EngineUnavailableError(f"the {chat.engine} engine is not available in this build")


__all__ = ["EngineUnavailableError", "build_chat_engine", "default_chat_model"]
