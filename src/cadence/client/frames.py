"""Typed server frames, parsed from the JSON text the server sends.

The parser is lenient in one direction only: payload fields it does not know
are ignored (a newer server may add some), but a frame that breaks the shape
PROTOCOL.md section 4 promises raises :class:`FrameError`. A frame whose
``type`` is unknown becomes an :class:`UnknownFrame` rather than an error.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from cadence.client.errors import FrameError

#: Error codes that end a running turn (PROTOCOL.md section 7).
TURN_ENDING_CODES = frozenset({"generation_timeout", "engine_error", "internal_error"})


@dataclasses.dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of a finished turn."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    total_tokens: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ServerTimings:
    """The server's own view of a turn, in milliseconds (``None``: not measured)."""

    tool_ms: float | None = None
    ttft_ms: float | None = None
    total_ms: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ToolDecision:
    """One entry of ``toolcall.payload.raw``."""

    name: str
    score: float


@dataclasses.dataclass(frozen=True, slots=True)
class Frame:
    """Fields every server frame has."""

    session_id: str
    request_id: str

    @property
    def type(self) -> str:
        """The wire ``type`` of this frame."""
        return _TYPE_OF[type(self)]


@dataclasses.dataclass(frozen=True, slots=True)
class ToolcallFrame(Frame):
    status: str
    score: float
    raw: tuple[ToolDecision, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class TokenFrame(Frame):
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class DoneFrame(Frame):
    text: str
    finish_reason: str
    usage: Usage
    timings: ServerTimings
    truncated: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class CancelledFrame(Frame):
    reason: str
    text: str = ""
    active: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorFrame(Frame):
    code: str
    message: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def ends_turn(self) -> bool:
        """Whether this error ends a turn that was already running."""
        return self.code in TURN_ENDING_CODES


@dataclasses.dataclass(frozen=True, slots=True)
class AckFrame(Frame):
    personality: str | None = None
    gender: str | None = None
    history_messages: int = 0
    history_tokens: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class PongFrame(Frame):
    pass


@dataclasses.dataclass(frozen=True, slots=True)
class SessionEndFrame(Frame):
    reason: str = "client_request"


@dataclasses.dataclass(frozen=True, slots=True)
class PingFrame(Frame):
    pass


@dataclasses.dataclass(frozen=True, slots=True)
class UnknownFrame(Frame):
    """A frame of a type this client does not know (kept, never an error)."""

    kind: str = ""
    payload: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def type(self) -> str:
        """The wire ``type`` as the server sent it."""
        return self.kind


ServerFrame = (
    ToolcallFrame | TokenFrame | DoneFrame | CancelledFrame | ErrorFrame | AckFrame
    | PongFrame | SessionEndFrame | PingFrame | UnknownFrame
)

#: Frames that end a turn (an ``ack`` ends only a ``start`` with no utterance).
TERMINAL_TYPES = (DoneFrame, CancelledFrame, ErrorFrame)


def _str(payload: dict[str, Any], key: str, default: str | None = None) -> str:
    value = payload.get(key, default)
    if not isinstance(value, str):
        raise FrameError(f"payload.{key} must be a string, got {value!r}")
    return value


def _num(payload: dict[str, Any], key: str) -> float | None:
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FrameError(f"{key} must be a number, got {value!r}")
    return float(value)


def _int(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FrameError(f"{key} must be an integer, got {value!r}")
    return value


def _obj(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key) or {}
    if not isinstance(value, dict):
        raise FrameError(f"payload.{key} must be an object")
    return value


def _toolcall(sid: str, rid: str, p: dict[str, Any]) -> ToolcallFrame:
    raw = p.get("raw") or []
    if not isinstance(raw, list):
        raise FrameError("payload.raw must be a list")
    if not all(isinstance(item, dict) for item in raw):
        raise FrameError("payload.raw entries must be objects")
    decisions = tuple(ToolDecision(_str(item, "name"), _num(item, "score") or 0.0) for item in raw)
    return ToolcallFrame(sid, rid, _str(p, "status"), _num(p, "score") or 0.0, decisions)


def _done(sid: str, rid: str, p: dict[str, Any]) -> DoneFrame:
    u, t = _obj(p, "usage"), _obj(p, "timings")
    usage = Usage(_int(u, "prompt_tokens"), _int(u, "completion_tokens"),
                  _int(u, "cached_prompt_tokens"), _int(u, "total_tokens"))
    timings = ServerTimings(_num(t, "tool_ms"), _num(t, "ttft_ms"), _num(t, "total_ms"))
    return DoneFrame(sid, rid, _str(p, "text", ""), _str(p, "finish_reason", "stop"), usage, timings,
                     bool(p.get("truncated", False)))


def _payload_frame(kind: str, sid: str, rid: str, p: dict[str, Any]) -> ServerFrame:
    if kind == "token":
        return TokenFrame(sid, rid, _str(p, "text"))
    if kind == "toolcall":
        return _toolcall(sid, rid, p)
    if kind == "done":
        return _done(sid, rid, p)
    if kind == "cancelled":
        return CancelledFrame(sid, rid, _str(p, "reason", "client_request"), _str(p, "text", ""),
                              bool(p.get("active", True)))
    if kind == "error":
        return ErrorFrame(sid, rid, _str(p, "code"), _str(p, "message", ""), _obj(p, "details"))
    if kind == "ack":
        return AckFrame(sid, rid, p.get("personality"), p.get("gender"),
                        _int(p, "history_messages"), _int(p, "history_tokens"))
    if kind == "pong":
        return PongFrame(sid, rid)
    if kind == "ping":
        return PingFrame(sid, rid)
    if kind == "session_end":
        return SessionEndFrame(sid, rid, _str(p, "reason", "client_request"))
    return UnknownFrame(sid, rid, kind, p)


def parse_frame(data: str | bytes) -> ServerFrame:
    """Parse one server text frame.

    Raises:
        FrameError: the text is not JSON or not an envelope PROTOCOL.md allows.
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FrameError(f"server frame is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise FrameError("server frame is not a JSON object")
    kind, payload = obj.get("type"), obj.get("payload") or {}
    if not isinstance(kind, str) or not isinstance(payload, dict):
        raise FrameError("server frame has no string type or a non-object payload")
    sid, rid = obj.get("session_id", "unknown"), obj.get("request_id", "unknown")
    if not isinstance(sid, str) or not isinstance(rid, str):
        raise FrameError("server frame ids must be strings")
    return _payload_frame(kind, sid, rid, payload)


_TYPE_OF: dict[type[Frame], str] = {
    ToolcallFrame: "toolcall", TokenFrame: "token", DoneFrame: "done", CancelledFrame: "cancelled",
    ErrorFrame: "error", AckFrame: "ack", PongFrame: "pong", PingFrame: "ping",
    SessionEndFrame: "session_end", UnknownFrame: "unknown",
}

__all__ = [
    "TERMINAL_TYPES",
    "TURN_ENDING_CODES",
    "AckFrame",
    "CancelledFrame",
    "DoneFrame",
    "ErrorFrame",
    "Frame",
    "PingFrame",
    "PongFrame",
    "ServerFrame",
    "ServerTimings",
    "SessionEndFrame",
    "TokenFrame",
    "ToolDecision",
    "ToolcallFrame",
    "UnknownFrame",
    "Usage",
    "parse_frame",
]
