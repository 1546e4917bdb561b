"""The ``ChatEngine`` interface every backend implements.

An engine turns a rendered prompt into a stream of text deltas. It owns its
model, its tokenizer and its worker threads or processes. The server owns
each request: it consumes :meth:`ChatEngine.generate` from one task and calls
:meth:`ChatEngine.abort` on every exit path (cancel, barge-in, timeout,
disconnect). Backend exceptions are translated into :class:`EngineError` at
this boundary.

The value types here are named tuples (immutable and cheap to build: the
server makes several per turn and a :class:`Delta` per engine step).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Literal, NamedTuple, Protocol, runtime_checkable

FinishReason = Literal["stop", "length"]


class EngineError(Exception):
    """The engine failed this request (PROTOCOL.md ``engine_error``).

    The message is safe to log; it never contains the prompt.
    """


class InvalidRequestError(EngineError):
    """The request itself is unusable (empty prompt, bad parameters)."""


class ChatMessage(NamedTuple):
    """One message of a prompt to render with the chat template."""

    role: Literal["system", "user", "assistant"]
    content: str


def join_same_role(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    """Join each run of consecutive messages of one role with a blank line,
    for chat templates that need the roles to alternate."""
    joined: list[ChatMessage] = []
    for message in messages:
        if joined and joined[-1].role == message.role:
            joined[-1] = ChatMessage(message.role, joined[-1].content + "\n\n" + message.content)
        else:
            joined.append(message)
    return joined


class SamplingParams(NamedTuple):
    """Fully resolved sampling settings for one request (no ``None``s).

    ``top_k`` 0 means off; ``stop`` holds extra stop strings on top of the
    model's own end-of-turn markers; ``seed`` makes sampling reproducible.
    """

    temperature: float = 0.7
    top_p: float = 1.0
    top_k: int = 0
    min_p: float = 0.0
    repetition_penalty: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    max_tokens: int = 150
    stop: tuple[str, ...] = ()
    seed: int | None = None


class GenerationRequest(NamedTuple):
    """One generation: a prompt already rendered by :meth:`PromptTokenizer.render`."""

    request_id: str
    prompt: str
    sampling: SamplingParams


class Usage(NamedTuple):
    """Token counts of a finished request."""

    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = 0


class Delta(NamedTuple):
    """A piece of a streamed reply.

    ``text`` may be empty (a final delta that only carries the finish). The
    last delta of a request has ``finish_reason`` and ``usage`` set; no delta
    follows it. An engine step that produced several tokens yields them as
    one delta. A named tuple, not a frozen dataclass: one is built per
    token, and this is half the cost while staying immutable.
    """

    text: str
    finish_reason: FinishReason | None = None
    usage: Usage | None = None


@runtime_checkable
class PromptTokenizer(Protocol):
    """Tokenizer access the session layer needs (pure and thread-safe)."""

    def count(self, text: str) -> int:
        """Return the number of tokens ``text`` encodes to (no special tokens)."""
        ...

    def tail(self, text: str, max_tokens: int) -> str:
        """Return the end of ``text`` that fits in ``max_tokens`` tokens."""
        ...

    def render(self, messages: Sequence[ChatMessage]) -> str:
        """Render messages with the chat template, ready for generation.

        ``messages`` may hold runs of one role (the user message of a turn
        that was cancelled before any reply, then the current one); the
        last ``user`` message is the current user content. A template that
        needs alternating roles joins each run (:func:`join_same_role`).
        """
        ...

    def count_rendered(self, prompt: str) -> int:
        """Return the token count of a prompt produced by :meth:`render`."""
        ...


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
