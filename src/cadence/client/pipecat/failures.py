"""Cadence failures in Pipecat's terms: an ``ErrorCategory`` and a short text.

The category decides what Pipecat does: ``AUTHENTICATION`` and
``INVALID_REQUEST`` are permanent (the service is marked unusable until its
settings change), the others are reported and the next turn tries again.
"""

from __future__ import annotations

from pipecat.utils.errors import ErrorCategory

from cadence.client.errors import (
    AuthenticationError,
    ConnectionLost,
    HandshakeRejected,
    TurnTimeout,
)
from cadence.client.frames import ErrorFrame

#: Protocol error codes by category; codes not listed are ``SERVER``.
_CATEGORY_OF_CODE = {
    "authentication_failed": ErrorCategory.AUTHENTICATION,
    "rate_limited": ErrorCategory.RATE_LIMIT,
    "invalid_message": ErrorCategory.INVALID_REQUEST,
    "invalid_sampling": ErrorCategory.INVALID_REQUEST,
    "prompt_too_long": ErrorCategory.INVALID_REQUEST,
    "mode_unsupported": ErrorCategory.INVALID_REQUEST,
}


def category_of(failure: BaseException | ErrorFrame) -> ErrorCategory:
    """Pipecat's category for a client exception or a server ``error`` frame."""
    if isinstance(failure, ErrorFrame):
        return _CATEGORY_OF_CODE.get(failure.code, ErrorCategory.SERVER)
    if isinstance(failure, AuthenticationError):
        return ErrorCategory.AUTHENTICATION
    if isinstance(failure, HandshakeRejected):
        return _CATEGORY_OF_CODE.get(failure.code, ErrorCategory.SERVER)
    if isinstance(failure, ConnectionLost | OSError | TurnTimeout):
        return ErrorCategory.CONNECTIVITY
    return ErrorCategory.SERVER


def describe(failure: BaseException) -> str:
    """One line for logs and ``ErrorFrame.error`` (never the API key)."""
    text = str(failure) or type(failure).__name__
    return f"{type(failure).__name__}: {text}"


__all__ = ["category_of", "describe"]
