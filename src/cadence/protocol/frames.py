"""Typed client frames, produced by :mod:`cadence.protocol.validate`.

Every class here is immutable and already validated: holding one means
the frame obeyed every envelope and payload rule of PROTOCOL.md. What is
built for every turn is a named tuple, the rest a frozen dataclass: on
CPython 3.11 each field of a frozen dataclass costs about 2,000
instructions to set, a whole nine-field named tuple about 4,000.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Literal, NamedTuple


class FrameType(enum.StrEnum):
    """The ``type`` of a client frame."""

    START = "start"
    MESSAGE = "message"
    FOLLOWUP = "followup"
    CANCEL = "cancel"
    END = "end"
    PING = "ping"
    PONG = "pong"


#: Frame types that start a turn (and barge in on a running one).
TURN_STARTING = frozenset({FrameType.START, FrameType.MESSAGE, FrameType.FOLLOWUP})

#: Frame types that touch session state (and take a session over).
SESSION_TOUCHING = frozenset(
    {FrameType.START, FrameType.MESSAGE, FrameType.FOLLOWUP, FrameType.CANCEL, FrameType.END}
)

Role = Literal["user", "assistant"]


@dataclasses.dataclass(frozen=True, slots=True)
class HistoryMessage:
    """One message of a client-supplied history."""

    role: Role
    content: str


class Sampling(NamedTuple):
    """Sampling settings; ``None`` means "not given here, fall back"."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repetition_penalty: float | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    max_tokens: int | None = None
    sanitize_output: bool | None = None

    @property
    def is_empty(self) -> bool:
        """Whether no field is set (every one falls back)."""
        return self.count(None) == len(self)

    def over(self, base: Sampling) -> Sampling:
        """Return these settings with every unset field taken from ``base``.

        The result equals ``base`` when nothing is set here (and is ``base``
        itself then: it runs once per turn, and the instances are immutable).
        """
        if self.is_empty:
            return base
        pairs = zip(self, base, strict=True)
        return Sampling._make(mine if mine is not None else theirs for mine, theirs in pairs)


class Envelope(NamedTuple):
    """A frame whose envelope is valid; ``payload`` is still raw JSON."""

    type: FrameType
    session_id: str
    request_id: str
    payload: dict[str, object]


class StartPayload(NamedTuple):
    """Payload of ``start``; ``user_utterance`` is "" when none was given."""

    chat_prompt: str | None = None
    personality: str | None = None
    gender: Literal["female", "male"] | None = None
    history: tuple[HistoryMessage, ...] = ()
    user_utterance: str = ""
    sampling: Sampling = Sampling()


class MessagePayload(NamedTuple):
    """Payload of ``message``: a non-blank utterance and per-turn sampling."""

    user_utterance: str
    sampling: Sampling = Sampling()


class FollowupPayload(NamedTuple):
    """Payload of ``followup``: the client's non-blank screen analysis."""

    analysis_text: str


@dataclasses.dataclass(frozen=True, slots=True)
class CancelPayload:
    """Payload of ``cancel``; the reason is only logged."""

    reason: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class EmptyPayload:
    """Payload of ``end``, ``ping`` and ``pong``."""


Payload = StartPayload | MessagePayload | FollowupPayload | CancelPayload | EmptyPayload


class ClientFrame(NamedTuple):
    """A fully validated client frame."""

    type: FrameType
    session_id: str
    request_id: str
    payload: Payload


__all__ = [
    "SESSION_TOUCHING",
    "TURN_STARTING",
    "CancelPayload",
    "ClientFrame",
    "EmptyPayload",
    "Envelope",
    "FollowupPayload",
    "FrameType",
    "HistoryMessage",
    "MessagePayload",
    "Payload",
    "Role",
    "Sampling",
    "StartPayload",
]
