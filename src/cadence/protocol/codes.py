"""Error codes, close codes and cancel reasons of the wire protocol."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """The ``payload.code`` of an ``error`` frame (PROTOCOL.md section 7)."""

    AUTHENTICATION_FAILED = "authentication_failed"
    RATE_LIMITED = "rate_limited"
    SERVER_AT_CAPACITY = "server_at_capacity"
    SERVER_SHUTTING_DOWN = "server_shutting_down"
    SERVER_NOT_READY = "server_not_ready"
    INVALID_MESSAGE = "invalid_message"
    NO_SESSION = "no_session"
    INVALID_SAMPLING = "invalid_sampling"
    PROMPT_TOO_LONG = "prompt_too_long"
    MODE_UNSUPPORTED = "mode_unsupported"
    DUPLICATE_REQUEST_ID = "duplicate_request_id"
    GENERATION_TIMEOUT = "generation_timeout"
    ENGINE_ERROR = "engine_error"
    INTERNAL_ERROR = "internal_error"


#: Errors that end a running turn; every other error answers a rejected frame.
TURN_ENDING_ERRORS = frozenset(
    {ErrorCode.GENERATION_TIMEOUT, ErrorCode.ENGINE_ERROR, ErrorCode.INTERNAL_ERROR}
)

#: Errors that count towards the per-connection abuse limit.
ABUSE_ERRORS = frozenset(
    {ErrorCode.INVALID_MESSAGE, ErrorCode.INVALID_SAMPLING, ErrorCode.PROMPT_TOO_LONG}
)


class CloseCode(enum.IntEnum):
    """WebSocket close codes the server uses (PROTOCOL.md section 8)."""

    NORMAL = 1000
    GOING_AWAY = 1001
    #: Sent by the WebSocket layer, not the core: a frame that breaks RFC 6455.
    PROTOCOL_ERROR = 1002
    #: Sent by the WebSocket layer: a text frame that is not UTF-8.
    INVALID_DATA = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    IDLE_TIMEOUT = 4000
    SESSION_TAKEN_OVER = 4001


class CancelReason(enum.StrEnum):
    """The ``payload.reason`` of a ``cancelled`` frame."""

    CLIENT_REQUEST = "client_request"
    BARGE_IN = "barge_in"
    SESSION_END = "session_end"
    SESSION_TAKEN_OVER = "session_taken_over"
    SHUTDOWN = "shutdown"
    POLICY_VIOLATION = "policy_violation"


__all__ = [
    "ABUSE_ERRORS",
    "TURN_ENDING_ERRORS",
    "CancelReason",
    "CloseCode",
    "ErrorCode",
]
