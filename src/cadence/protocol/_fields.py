"""Helpers shared by the payload validators (internal, pure).

Every helper raises :class:`ProtocolError` with ``"unknown"`` ids; the
public entry points in :mod:`cadence.protocol.validate` re-raise it with
the frame's ids.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection
from typing import TypeGuard

from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError

#: Longest client-chosen key name echoed in an error; longer ones are clipped.
MAX_NAME_CHARS = 64


@dataclasses.dataclass(frozen=True, slots=True)
class PayloadLimits:
    """Deployment limits the payload rules depend on.

    ``chat_max_out`` is ``CHAT_MAX_OUT`` (the upper bound of
    ``sampling.max_tokens``); ``history_max_messages`` is
    ``HISTORY_MAX_MESSAGES``.

    Raises:
        ValueError: ``chat_max_out`` < 1 or ``history_max_messages`` < 0.
    """

    chat_max_out: int = 150
    history_max_messages: int = 256

    def __post_init__(self) -> None:
        if self.chat_max_out < 1:
            raise ValueError("chat_max_out must be at least 1")
        if self.history_max_messages < 0:
            raise ValueError("history_max_messages must not be negative")


def clip(name: str) -> str:
    """Return ``name`` cut to :data:`MAX_NAME_CHARS` for use in errors."""
    if len(name) <= MAX_NAME_CHARS:
        return name
    return name[: MAX_NAME_CHARS - 3] + "..."


def invalid(
    field: str, message: str, code: ErrorCode = ErrorCode.INVALID_MESSAGE
) -> ProtocolError:
    """Build (not raise) the error for a broken rule on ``field``."""
    return ProtocolError(code, message, field=field)


def reject_unknown(
    keys: Collection[object],
    allowed: frozenset[str],
    prefix: str = "",
    code: ErrorCode = ErrorCode.INVALID_MESSAGE,
) -> None:
    """Fail on the first key (in document order) not in ``allowed``.

    ``prefix`` is prepended to the key to form ``details.field``
    (``"sampling."``, ``"history[3]."``).

    Raises:
        ProtocolError: ``code``, naming the unknown key.
    """
    if allowed.issuperset(keys):  # the common case, checked in C
        return
    for key in keys:
        if key not in allowed:
            name = prefix + clip(str(key))
            raise invalid(name, f"unknown field '{name}'", code)


def is_int(value: object) -> TypeGuard[int]:
    """True for a JSON integer: ``int`` but never ``bool`` (nor ``5.0``)."""
    return type(value) is int


def is_number(value: object) -> TypeGuard[int | float]:
    """True for a finite JSON number; booleans are not numbers."""
    if type(value) is int:
        return True
    return type(value) is float and math.isfinite(value)


__all__ = [
    "MAX_NAME_CHARS",
    "PayloadLimits",
    "clip",
    "invalid",
    "is_int",
    "is_number",
    "reject_unknown",
]
