"""The ``echo`` engine: deterministic replies for protocol tests and load.

PROTOCOL.md section 9: the tokenizer splits on whitespace; the reply is the
current user content's words cycled to ``reply_tokens`` tokens (``"echo"``
when there are none), the first without a leading space and the rest as
``" word"``; token i is released at (i+1)/``tokens_per_second`` seconds after
the start (0 = as fast as possible). It is a named benchmark engine, never a
fallback for a missing model.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import types
from collections.abc import AsyncIterator, Generator, Sequence
from typing import NamedTuple

import orjson

from cadence.engines.base import (
    ChatMessage,
    Delta,
    EngineError,
    FinishReason,
    GenerationRequest,
    InvalidRequestError,
    Usage,
)


@dataclasses.dataclass(frozen=True, slots=True)
class EchoConfig:
    """Speed and length of echo replies."""

    tokens_per_second: float = 50.0
    reply_tokens: int = 40


class _Rendered(NamedTuple):
    """The last prompt :meth:`EchoTokenizer.render` produced, read back cheaply."""

    text: str
    words: int
    user: str


class EchoTokenizer:
    """Whitespace tokenizer; prompts render as a JSON list of messages.

    The last rendered prompt is remembered (one immutable tuple, replaced
    atomically, so sharing the tokenizer across threads is safe): counting
    it or reading its user message again costs nothing.
    """

    def __init__(self) -> None:
        self._last = _Rendered("", 0, "")

    def count(self, text: str) -> int:
        """Number of whitespace-separated words."""
        return len(text.split())

    def tail(self, text: str, max_tokens: int) -> str:
        """The last ``max_tokens`` words, joined by single spaces."""
        return " ".join(text.split()[-max_tokens:]) if max_tokens > 0 else ""

    def render(self, messages: Sequence[ChatMessage]) -> str:
        """Serialise messages; :meth:`count_rendered` and the engine read it back."""
        text = orjson.dumps([[m.role, m.content] for m in messages]).decode()
        words = sum([len(m.content.split()) for m in messages])
        user = next((m.content for m in reversed(messages) if m.role == "user"), "")
        self._last = _Rendered(text, words, user)
        return text

    def count_rendered(self, prompt: str) -> int:
        """Words of every message content (system, history, user)."""
        return self.read_rendered(prompt)[0]

    def read_rendered(self, prompt: str) -> tuple[int, str]:
        """Words of every message of ``prompt`` and its last user message."""
        last = self._last
        if prompt is last.text or prompt == last.text:
            return last.words, last.user
        messages = _messages(prompt)
        user = next((c for r, c in reversed(messages) if r == "user"), "")
        return sum(self.count(content) for _, content in messages), user


def _messages(prompt: str) -> list[tuple[str, str]]:
    try:
        data = orjson.loads(prompt)
        return [(str(role), str(content)) for role, content in data]
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return [("user", prompt)]


def reply_words(user_content: str, reply_tokens: int) -> list[str]:
    """The echo reply's tokens for ``user_content`` (uncapped by max_tokens)."""
    words = user_content.split() or ["echo"]
    cycled = list(itertools.islice(itertools.cycle(words), reply_tokens))
    return [cycled[0], *(" " + word for word in cycled[1:])] if cycled else []


class EchoEngine:
    """A :class:`~cadence.engines.base.ChatEngine` with no model."""

    name = "echo"

    def __init__(self, config: EchoConfig = EchoConfig()) -> None:
        self._config = config
        self._tokenizer = EchoTokenizer()
        # The last user content and its reply as deltas (immutable, so shared
        # by every request that echoes the same content).
        self._last_reply: tuple[str, list[Delta]] = ("", _deltas(reply_words("", config.reply_tokens)))
        self._running: dict[str, object] = {}
        self._closed = False

    @property
    def tokenizer(self) -> EchoTokenizer:
        """The whitespace tokenizer."""
        return self._tokenizer

    async def start(self) -> None:
        """Nothing to load."""

    def running_requests(self) -> int:
        """Requests not yet finished or aborted."""
        return len(self._running)

    async def abort(self, request_id: str) -> None:
        """Stop ``request_id`` at its next token; idempotent."""
        self._running.pop(request_id, None)  # its generator sees it gone

    async def aclose(self) -> None:
        """Abort every request."""
        self._closed = True
        for request_id in list(self._running):
            await self.abort(request_id)

    def _reply_deltas(self, user: str) -> list[Delta]:
        cached = self._last_reply
        if cached[0] != user:
            cached = self._last_reply = (user, _deltas(reply_words(user, self._config.reply_tokens)))
        return cached[1]

    def _reply(self, request: GenerationRequest) -> tuple[list[Delta], FinishReason, int]:
        """Check ``request``; return its reply tokens (as deltas without a
        finish), its finish reason and its prompt tokens."""
        if self._closed:
            raise EngineError("the echo engine is closed")
        if not request.prompt.strip():
            raise InvalidRequestError("the prompt is empty")
        if request.request_id in self._running:
            raise InvalidRequestError("request_id is already running")
        prompt_tokens, user = self._tokenizer.read_rendered(request.prompt)
        deltas = self._reply_deltas(user)
        limit = request.sampling.max_tokens
        return deltas[:limit], "length" if len(deltas) > limit else "stop", prompt_tokens

    async def generate(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        """Stream the echo reply; see the module docstring for its timing.

        One generator, no nested one: at unlimited speed this loop is the
        whole per-token cost of the engine (one event-loop step per token).

        Raises:
            InvalidRequestError: blank prompt or duplicate running id.
            EngineError: the engine is closed.
        """
        deltas, finish, prompt_tokens = self._reply(request)
        rid = request.request_id
        running = self._running
        marker = running[rid] = object()  # removed (or replaced) once aborted
        try:
            rate = self._config.tokens_per_second
            loop = asyncio.get_running_loop()
            start = loop.time()
            last = len(deltas) - 1
            for index, delta in enumerate(deltas):
                if rate > 0:
                    await asyncio.sleep(max(0.0, start + (index + 1) / rate - loop.time()))
                else:
                    await _next_loop_step()
                if running.get(rid) is not marker:
                    return
                if index == last:
                    yield Delta(delta.text, finish, Usage(prompt_tokens, len(deltas)))
                    return
                yield delta
            if running.get(rid) is marker:
                yield Delta("", "stop", Usage(prompt_tokens, 0))
        finally:
            if running.get(rid) is marker:
                del running[rid]


def _deltas(words: list[str]) -> list[Delta]:
    return [Delta(word) for word in words]


@types.coroutine
def _next_loop_step() -> Generator[None, None, None]:
    """Let the event loop run once, as ``asyncio.sleep(0)`` does (same bare
    ``yield``), without its extra call: at unlimited speed this is per token."""
    yield


__all__ = ["EchoConfig", "EchoEngine", "EchoTokenizer", "reply_words"]
