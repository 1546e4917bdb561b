"""Starting vLLM and translating its errors (imports vLLM).

Helpers of :mod:`cadence.engines.vllm`, which is their only importer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vllm.v1.engine.async_llm import AsyncLLM

from cadence.engines.base import EngineError, InvalidRequestError
from cadence.engines.checks import summary
from cadence.engines.hf_tokenizer import HFPromptTokenizer
from cadence.engines.vllm_config import VLLMEngineConfig


@contextlib.contextmanager
def translated(action: str) -> Iterator[None]:
    """Turn vLLM's exceptions raised inside into Cadence's error types."""
    try:
        yield
    except EngineError:
        raise
    except ValueError as exc:  # vLLM's validation errors are ValueErrors
        raise InvalidRequestError(f"vLLM rejected the request: {summary(exc)}") from exc
    except Exception as exc:
        raise EngineError(f"vLLM failed to {action}: {summary(exc)}") from exc


def load_tokenizer(config: VLLMEngineConfig) -> HFPromptTokenizer:
    """Our own copy of the model's tokenizer (vLLM's is used by its threads)."""
    from transformers import AutoTokenizer

    local = Path(config.model).expanduser().is_dir()
    source = str(Path(config.model).expanduser()) if local else config.model
    hf_tokenizer = AutoTokenizer.from_pretrained(
        source, local_files_only=local, trust_remote_code=config.trust_remote_code
    )
    return HFPromptTokenizer(hf_tokenizer, config.chat_template)


async def create_llm(args: Any) -> AsyncLLM:
    """Build the ``AsyncLLM`` in a worker thread (it blocks until vLLM is up).

    If the caller is cancelled meanwhile, the engine still being built is
    shut down as soon as it exists, so no vLLM process outlives a cancelled
    start.
    """
    creating = asyncio.ensure_future(asyncio.to_thread(AsyncLLM.from_engine_args, args))
    try:
        return await asyncio.shield(creating)
    except asyncio.CancelledError:
        creating.add_done_callback(_shutdown_orphan)
        raise


def _shutdown_orphan(creating: asyncio.Future[AsyncLLM]) -> None:
    if not creating.cancelled() and creating.exception() is None:
        creating.result().shutdown()


def on_gpu() -> bool:
    from vllm.platforms import current_platform

    return not current_platform.is_cpu()


__all__ = ["create_llm", "load_tokenizer", "on_gpu", "translated"]
