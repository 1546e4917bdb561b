"""Value types shared by the chat engines and the pure layers.

The protocol, session, turn and configuration layers speak of prompts,
sampling settings and streamed deltas without depending on any engine: the
types live here, in a leaf module that imports nothing of Cadence, and
``cadence.engines.base`` re-exports them for the backends. Named tuples
(immutable and cheap to build: the server makes several per turn and a
:class:`Delta` per engine step).
"""

from __future__ import annotations

from collections.abc import Sequence
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


__all__ = [
    "ChatMessage",
    "Delta",
    "EngineError",
    "FinishReason",
    "InvalidRequestError",
    "PromptTokenizer",
    "SamplingParams",
    "Usage",
    "join_same_role",
]
