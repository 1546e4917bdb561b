"""Exceptions of the client library; every one derives from :class:`ClientError`."""

from __future__ import annotations


class ClientError(Exception):
    """Base class of every error this package raises."""


class FrameError(ClientError):
    """The server sent a frame that breaks PROTOCOL.md (a server bug)."""


class HandshakeRejected(ClientError):
    """The server refused the WebSocket handshake with an HTTP status.

    ``code`` is the ``error`` envelope's code from the body when there is one
    (``authentication_failed``, ``rate_limited``, ``server_at_capacity``,
    ``server_shutting_down``); ``retry_after`` is the ``Retry-After`` header
    in seconds, when sent.
    """

    def __init__(self, status: int, code: str, message: str, retry_after: float | None) -> None:
        super().__init__(f"handshake rejected: HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Whether trying again later can succeed (not a bad key)."""
        return self.status in (429, 503)


class AuthenticationError(HandshakeRejected):
    """HTTP 401: the API key is missing or wrong. Never retried."""


class ConnectionLost(ClientError):
    """The connection closed while the client still needed it.

    ``code`` and ``reason`` are the WebSocket close code and reason
    (1006 and ``""`` when the connection dropped without a close frame).
    """

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"connection closed: {code} {reason}".rstrip())
        self.code = code
        self.reason = reason


class SessionClosed(ClientError):
    """The client was ended (``end()``/``close()``) or its session was taken
    over (close 4001); no frame can be sent any more."""


class TurnTimeout(ClientError, TimeoutError):
    """No frame of a turn arrived within the receive timeout."""


__all__ = [
    "AuthenticationError",
    "ClientError",
    "ConnectionLost",
    "FrameError",
    "HandshakeRejected",
    "SessionClosed",
    "TurnTimeout",
]
