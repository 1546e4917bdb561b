"""Encoding of server frames (PROTOCOL.md section 4) to JSON bytes, pure.

Every function returns one complete UTF-8 JSON text frame whose top-level
keys come in the order ``type``, ``session_id``, ``request_id``,
``payload``. Callers pass ids they already hold (``"unknown"`` where the
client's could not be read); nothing here validates them.

Texts may contain any Unicode, including control characters (escaped by
orjson). A lone surrogate, which UTF-8 cannot carry, is replaced by U+FFFD
instead of failing the frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Literal

import orjson

from cadence.protocol.codes import CancelReason, ErrorCode
from cadence.protocol.errors import ProtocolError

_dumps = orjson.dumps


def token_frame(session_id: str, request_id: str, text: str) -> bytes:
    """Encode a ``token`` frame; ``text`` must be non-empty (not checked)."""
    try:
        return _dumps(
            {
                "type": "token",
                "session_id": session_id,
                "request_id": request_id,
                "payload": {"text": text},
            }
        )
    except TypeError:
        return _frame("token", session_id, request_id, {"text": text})


def token_encoder(session_id: str, request_id: str) -> Callable[[str], bytes]:
    """Return a fast encoder of ``token`` frames for one turn.

    The envelope is serialized once; each call only escapes ``text``
    (about 0.3 us against 0.5 us for :func:`token_frame`). The output is
    byte-identical to ``token_frame(session_id, request_id, text)``.
    """
    prefix = (
        b'{"type":"token","session_id":'
        + _dumps(_scrub(session_id))
        + b',"request_id":'
        + _dumps(_scrub(request_id))
        + b',"payload":{"text":'
    )

    def encode(text: str) -> bytes:
        try:
            return prefix + _dumps(text) + b"}}"
        except TypeError:
            return prefix + _dumps(_scrub(text)) + b"}}"

    return encode


def toolcall_frame(
    session_id: str,
    request_id: str,
    status: Literal["yes", "no"],
    raw: Iterable[tuple[str, float]],
    score: float,
) -> bytes:
    """Encode a ``toolcall`` frame; ``raw`` holds ``(name, score)`` pairs."""
    hits = [{"name": name, "score": hit_score} for name, hit_score in raw]
    return _frame(
        "toolcall",
        session_id,
        request_id,
        {"status": status, "raw": hits, "score": score},
    )


def done_frame(
    session_id: str,
    request_id: str,
    *,
    text: str,
    finish_reason: Literal["stop", "length"],
    prompt_tokens: int,
    completion_tokens: int,
    cached_prompt_tokens: int,
    tool_ms: float | None,
    ttft_ms: float | None,
    total_ms: float,
    truncated: bool,
) -> bytes:
    """Encode a ``done`` frame.

    ``total_tokens`` is ``prompt_tokens + completion_tokens``. ``tool_ms`` is
    ``None`` without a tool model, ``ttft_ms`` ``None`` when no token was sent.
    """
    frame = {
        "type": "done",
        "session_id": session_id,
        "request_id": request_id,
        "payload": {
            "text": text,
            "finish_reason": finish_reason,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "cached_prompt_tokens": cached_prompt_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "timings": {"tool_ms": tool_ms, "ttft_ms": ttft_ms, "total_ms": total_ms},
            "truncated": truncated,
        },
    }
    try:  # _frame() inlined: once per turn
        return _dumps(frame)
    except TypeError:
        return _dumps(_scrub_tree(frame))


def cancelled_frame(
    session_id: str, request_id: str, reason: CancelReason, text: str, active: bool
) -> bytes:
    """Encode a ``cancelled`` frame (``text`` is ``""`` when ``active`` is false)."""
    payload = {"reason": reason.value, "text": text, "active": active}
    return _frame("cancelled", session_id, request_id, payload)


def error_frame(
    session_id: str,
    request_id: str,
    code: ErrorCode,
    message: str,
    details: Mapping[str, object] | None = None,
) -> bytes:
    """Encode an ``error`` frame; ``details`` values must be JSON-serializable.

    Raises:
        TypeError: a ``details`` value orjson cannot serialize.
    """
    payload = {"code": code.value, "message": message, "details": dict(details or {})}
    return _frame("error", session_id, request_id, payload)


def error_from(exc: ProtocolError) -> bytes:
    """Encode the ``error`` frame answering ``exc``, with the ids it carries."""
    return error_frame(
        exc.session_id, exc.request_id, exc.code, exc.message, exc.details
    )


def ack_frame(
    session_id: str,
    request_id: str,
    *,
    personality: str | None,
    gender: str | None,
    history_messages: int,
    history_tokens: int,
) -> bytes:
    """Encode the ``ack`` of a ``start`` without an utterance.

    ``personality``/``gender`` are the session's values (``null`` when not
    given); the history counts are after trimming.
    """
    payload = {
        "for": "start",
        "personality": personality,
        "gender": gender,
        "history_messages": history_messages,
        "history_tokens": history_tokens,
    }
    return _frame("ack", session_id, request_id, payload)


def pong_frame(session_id: str, request_id: str) -> bytes:
    """Encode the ``pong`` answering a ``ping`` (same ``request_id``)."""
    return _frame("pong", session_id, request_id, {})


def session_end_frame(session_id: str, request_id: str) -> bytes:
    """Encode the ``session_end`` answering an ``end`` (reason ``client_request``)."""
    return _frame("session_end", session_id, request_id, {"reason": "client_request"})


def _frame(kind: str, session_id: str, request_id: str, payload: object) -> bytes:
    """Serialize one envelope, scrubbing lone surrogates if orjson rejects them.

    Raises:
        TypeError: ``payload`` holds a value orjson cannot serialize.
    """
    frame = {
        "type": kind,
        "session_id": session_id,
        "request_id": request_id,
        "payload": payload,
    }
    try:
        return _dumps(frame)
    except TypeError:
        return _dumps(_scrub_tree(frame))


def _scrub(text: str) -> str:
    """Replace every lone surrogate of ``text`` by U+FFFD."""
    if text.isascii():
        return text
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


def _scrub_tree(value: object) -> object:
    """Return ``value`` with :func:`_scrub` applied to every string in it."""
    if isinstance(value, str):
        return _scrub(value)
    if isinstance(value, dict):
        return {_scrub_tree(key): _scrub_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_tree(item) for item in value]
    return value


__all__ = [
    "ack_frame",
    "cancelled_frame",
    "done_frame",
    "error_frame",
    "error_from",
    "pong_frame",
    "session_end_frame",
    "token_encoder",
    "token_frame",
    "toolcall_frame",
]
