"""Envelope and payload validation of client frames (pure: no I/O, no clock).

Two steps, matching the check order of PROTOCOL.md section 3: the server
calls :func:`parse_envelope` on every text frame, checks session binding
and duplicate ids itself, then calls :func:`parse_payload`. Neither step
knows about sessions, tokenizers or deployment modes: "session exists",
token budgets and "``chat_prompt`` required when a chat engine is deployed"
are checked by the layers above.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeGuard

import orjson

from cadence.protocol._fields import PayloadLimits, invalid, is_int, reject_unknown
from cadence.protocol._payloads import parse_fields
from cadence.protocol._sampling import parse_sampling
from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import UNKNOWN_ID, ProtocolError
from cadence.protocol.frames import ClientFrame, Envelope, FrameType

_ID_CHARS = frozenset(string.ascii_letters + string.digits + "._:-")
_FRAME_TYPE_NAMES = tuple(kind.value for kind in FrameType)
_FRAME_TYPES = MappingProxyType({kind.value: kind for kind in FrameType})
_ENVELOPE_KEYS = frozenset({"type", "session_id", "request_id", "payload", "v"})
_ID_RULE = f"1 to 128 characters of [A-Za-z0-9._:-], not {UNKNOWN_ID!r} (reserved for unreadable ids)"


def parse_envelope(data: str | bytes) -> Envelope:
    """Check the JSON and envelope rules of one client frame (section 2).

    ``bytes`` means the frame arrived as a binary WebSocket frame. Checks, in
    order: text frame, JSON, JSON object, unknown top-level keys (document
    order), ``type``, ``session_id``, ``request_id``, ``v`` (the integer 1
    only), ``payload`` (an object; ``{}`` when omitted). The payload itself
    is not looked at.

    Raises:
        ProtocolError: ``invalid_message``; it carries the frame's
            ``session_id``/``request_id`` when they are valid, ``"unknown"``
            for each one that is not.
    """
    if not isinstance(data, str):
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE,
            "binary frames are not accepted; send JSON text frames",
        )
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, "frame is not valid JSON"
        ) from None
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "frame must be a JSON object")
    try:
        return _check_envelope(obj)
    except ProtocolError as exc:
        session_id, request_id = obj.get("session_id"), obj.get("request_id")
        raise _with_ids(
            exc,
            session_id if _valid_id(session_id) else UNKNOWN_ID,
            request_id if _valid_id(request_id) else UNKNOWN_ID,
        ) from None


def parse_payload(envelope: Envelope, limits: PayloadLimits) -> ClientFrame:
    """Check the payload rules of section 3 for ``envelope.type``.

    Unknown payload keys are reported first (document order), then each
    field in the order of the protocol table. Strings are kept as sent,
    except ``personality`` (case-folded) and a whitespace-only ``start``
    utterance (stored as ``""``: no turn).

    Raises:
        ProtocolError: ``invalid_message`` or ``invalid_sampling``, with
            ``details.field`` naming the field and the envelope's ids.
    """
    try:
        payload = parse_fields(envelope.type, envelope.payload, limits)
    except ProtocolError as exc:
        raise _with_ids(exc, envelope.session_id, envelope.request_id) from None
    return ClientFrame(envelope.type, envelope.session_id, envelope.request_id, payload)


def _valid_id(value: object) -> TypeGuard[str]:
    """True for a string of 1 to 128 characters of ``[A-Za-z0-9._:-]`` other
    than ``unknown``, which server frames use for ids they could not read."""
    return (isinstance(value, str) and 0 < len(value) <= 128 and _ID_CHARS.issuperset(value)
            and value != UNKNOWN_ID)


def _with_ids(exc: ProtocolError, session_id: str, request_id: str) -> ProtocolError:
    """Return a copy of ``exc`` that carries the given ids."""
    return ProtocolError(
        exc.code,
        exc.message,
        field=exc.field,
        session_id=session_id,
        request_id=request_id,
        details=exc.details,
    )


def _check_envelope(obj: Mapping[str, object]) -> Envelope:
    """Check every envelope rule on the decoded object ``obj``."""
    reject_unknown(obj, _ENVELOPE_KEYS)
    frame_type = obj.get("type")
    if not isinstance(frame_type, str) or frame_type not in _FRAME_TYPES:
        raise invalid("type", f"type must be one of: {', '.join(_FRAME_TYPE_NAMES)}")
    session_id, request_id = obj.get("session_id"), obj.get("request_id")
    if not _valid_id(session_id):
        raise invalid("session_id", f"session_id must be {_ID_RULE}")
    if not _valid_id(request_id):
        raise invalid("request_id", f"request_id must be {_ID_RULE}")
    if "v" in obj and not (is_int(obj["v"]) and obj["v"] == 1):
        raise invalid("v", "v must be the integer 1")
    payload = obj.get("payload", {})
    if not isinstance(payload, dict):
        raise invalid("payload", "payload must be an object")
    return Envelope(_FRAME_TYPES[frame_type], session_id, request_id, payload)


__all__ = [
    "PayloadLimits",
    "parse_envelope",
    "parse_payload",
    "parse_sampling",
]
