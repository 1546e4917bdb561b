"""What the connection core asks the I/O layer to do.

Effects are named tuples: immutable, and several times cheaper to build
than frozen dataclasses (several are made per turn, one per token).
"""

from __future__ import annotations

from typing import NamedTuple

from cadence.generation import SamplingParams
from cadence.protocol.codes import CloseCode


class TurnSpec(NamedTuple):
    """Everything the I/O layer needs to run a turn.

    ``prompt`` is ``None`` when no chat engine runs (tool-only mode);
    ``tool_utterance`` is ``None`` when no toolcall is wanted. ``deadline``
    is the monotonic time at which the turn times out. ``screen_prompt`` is
    the prompt to use instead when the tool says "yes" (``both`` mode).
    ``tool_looked`` flags the ``tool_history`` turns the assistant looked at
    the screen for.
    """

    session_id: str
    request_id: str
    prompt: str | None
    sampling: SamplingParams
    tool_history: tuple[str, ...]
    tool_utterance: str | None
    deadline: float
    screen_prompt: str | None = None
    tool_looked: tuple[bool, ...] = ()


class SendFrame(NamedTuple):
    """Send an encoded frame; ``rejected`` is the error code when it refuses
    a client frame (for telemetry)."""

    data: bytes
    rejected: str | None = None


class SendToken(NamedTuple):
    """Send a ``token`` frame; consecutive ones of a turn may be merged.

    A named tuple (immutable, half the cost of a frozen dataclass): one is
    made per token.
    """

    session_id: str
    request_id: str
    text: str


class StartTurn(NamedTuple):
    """Start running a turn (tool decision and/or chat generation)."""

    spec: TurnSpec


class AbortTurn(NamedTuple):
    """Stop the turn's work and abort its engine request (idempotent)."""

    request_id: str


class ClientCancelled(NamedTuple):
    """A valid ``cancel`` arrived: log it with the client's reason
    (``turn``: the id of the turn it ends, ``None`` when nothing ran)."""

    session_id: str
    request_id: str
    reason: str | None
    turn: str | None


class CloseConnection(NamedTuple):
    """Close the WebSocket after everything queued before it is sent."""

    code: CloseCode
    reason: str


class TurnEnded(NamedTuple):
    """A turn produced its terminal frame (for logs and metrics)."""

    session_id: str
    request_id: str
    outcome: str
    total_ms: float
    ttft_ms: float | None
    tool_ms: float | None
    prompt_tokens: int
    completion_tokens: int
    sent_chars: int


class WarmPrompt(NamedTuple):
    """Prefill ``prompt`` (a started session's persona and history) so its
    first turn reuses it; best effort, nothing is sent."""

    prompt: str


Effect = (SendFrame | SendToken | StartTurn | AbortTurn | ClientCancelled | CloseConnection | TurnEnded
          | WarmPrompt)

__all__ = [
    "AbortTurn",
    "ClientCancelled",
    "CloseConnection",
    "Effect",
    "SendFrame",
    "SendToken",
    "StartTurn",
    "TurnEnded",
    "TurnSpec",
    "WarmPrompt",
]
