"""Typed client frames, produced by :mod:`cadence.protocol.validate`.

Every dataclass here is immutable and already validated: holding one means
the frame obeyed every envelope and payload rule of PROTOCOL.md.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Literal


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


@dataclasses.dataclass(frozen=True, slots=True)
class Sampling:
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

    def over(self, base: Sampling) -> Sampling:
        """Return these settings with every unset field taken from ``base``."""
        merged = {
            field.name: (
                value if (value := getattr(self, field.name)) is not None else getattr(base, field.name)
            )
            for field in dataclasses.fields(self)
        }
        return Sampling(**merged)


@dataclasses.dataclass(frozen=True, slots=True)
class Envelope:
    """A frame whose envelope is valid; ``payload`` is still raw JSON."""

    type: FrameType
    session_id: str
    request_id: str
    payload: dict[str, object]


@dataclasses.dataclass(frozen=True, slots=True)
class StartPayload:
    """Payload of ``start``; ``user_utterance`` is "" when none was given."""

    chat_prompt: str | None = None
    personality: str | None = None
    gender: Literal["female", "male"] | None = None
    history: tuple[HistoryMessage, ...] = ()
    user_utterance: str = ""
    sampling: Sampling = Sampling()


@dataclasses.dataclass(frozen=True, slots=True)
class MessagePayload:
    """Payload of ``message``: a non-blank utterance and per-turn sampling."""

    user_utterance: str
    sampling: Sampling = Sampling()


@dataclasses.dataclass(frozen=True, slots=True)
class FollowupPayload:
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


@dataclasses.dataclass(frozen=True, slots=True)
class ClientFrame:
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
