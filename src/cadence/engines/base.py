"""The ``ChatEngine`` interface every backend implements.

An engine turns a rendered prompt into a stream of text deltas. It owns its
model, its tokenizer and its worker threads or processes. The server owns
each request: it consumes :meth:`ChatEngine.generate` from one task and calls
:meth:`ChatEngine.abort` on every exit path (cancel, barge-in, timeout,
disconnect). Backend exceptions are translated into :class:`EngineError` at
this boundary.

The value types the pure layers share with the engines (prompts, sampling
settings, deltas, errors) live in :mod:`cadence.generation` and are
re-exported here for the backends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import NamedTuple, Protocol, runtime_checkable

from cadence.generation import (
    ChatMessage,
    Delta,
    EngineError,
    FinishReason,
    InvalidRequestError,
    PromptTokenizer,
    SamplingParams,
    Usage,
    join_same_role,
)


class GenerationRequest(NamedTuple):
    """One generation: a prompt already rendered by :meth:`PromptTokenizer.render`."""

    request_id: str
    prompt: str
    sampling: SamplingParams


class ChatEngine(Protocol):
    """A streaming chat backend.

    Lifecycle: :meth:`start` once (loads and warms the model), then any number
    of concurrent :meth:`generate` calls, then :meth:`aclose` once.
    """

    name: str

    @property
    def tokenizer(self) -> PromptTokenizer:
        """The tokenizer matching the model; usable after :meth:`start`."""
        ...

    async def start(self) -> None:
        """Load and warm the model. Raises :class:`EngineError` on failure."""
        ...

    def generate(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        """Stream the reply to ``request``.

        Safe to cancel: closing or cancelling the iterator aborts the engine
        request. Request ids must be unique among running requests.

        Raises:
            InvalidRequestError: the prompt is empty or unusable.
            EngineError: the backend failed.
        """
        ...

    async def abort(self, request_id: str) -> None:
        """Stop ``request_id`` and free its resources.

        Idempotent; a no-op for unknown or finished ids. After it returns,
        :meth:`running_requests` no longer counts the request.
        """
        ...

    def running_requests(self) -> int:
        """The number of requests the engine is working on now."""
        ...

    async def aclose(self) -> None:
        """Abort everything and release the model. Idempotent."""
        ...


@runtime_checkable
class WarmsPrompts(Protocol):
    """An engine that can prefill a prompt ahead of the turn that needs it."""

    def warm(self, prompt: str) -> None:
        """Start prefilling ``prompt`` into the engine's prefix cache and
        return at once; later prompts sharing its tokens start from it.
        Best effort: never blocks, and real requests go first."""
        ...


@runtime_checkable
class ReportsCache(Protocol):
    """An engine that keeps a prompt cache and reports it in ``/stats``."""

    def cache_stats(self) -> Mapping[str, int]:
        """Counters of the engine's prompt cache (entries, bytes, hits, evictions...)."""
        ...


__all__ = [
    "ChatEngine",
    "ChatMessage",
    "Delta",
    "EngineError",
    "FinishReason",
    "GenerationRequest",
    "InvalidRequestError",
    "PromptTokenizer",
    "ReportsCache",
    "SamplingParams",
    "Usage",
    "WarmsPrompts",
    "join_same_role",
]
