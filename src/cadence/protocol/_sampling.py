"""Validation of the ``sampling`` object (PROTOCOL.md section 3), pure."""

from __future__ import annotations

from collections.abc import Mapping

from cadence.protocol._fields import (
    PayloadLimits,
    invalid,
    is_int,
    is_number,
    reject_unknown,
)
from cadence.protocol.codes import ErrorCode
from cadence.protocol.frames import Sampling

_CODE = ErrorCode.INVALID_SAMPLING
_KEYS = frozenset(
    {
        "temperature",
        "top_p",
        "top_k",
        "min_p",
        "repetition_penalty",
        "presence_penalty",
        "frequency_penalty",
        "max_tokens",
        "sanitize_output",
    }
)


def parse_sampling(raw: object, limits: PayloadLimits) -> Sampling:
    """Validate a client ``sampling`` object; omitted keys stay ``None``.

    Ranges: ``temperature`` [0, 2], ``top_p`` (0, 1], ``top_k`` integer >= 0
    (0 = off), ``min_p`` [0, 1], ``repetition_penalty`` (0, 2],
    ``presence_penalty`` and ``frequency_penalty`` [-2, 2], ``max_tokens``
    integer in [1, ``limits.chat_max_out``], ``sanitize_output`` bool.
    Booleans are never numbers, integer fields reject ``5.0``, NaN and
    infinities are rejected. Unknown keys are checked first (document
    order), then the keys in the order above.

    Raises:
        ProtocolError: ``invalid_sampling`` with ``details.field`` set to
            ``"sampling"`` (not an object) or ``"sampling.<key>"``; its ids
            are ``"unknown"`` (callers re-raise with the frame's ids).
    """
    if not isinstance(raw, dict):
        raise invalid("sampling", "sampling must be an object", _CODE)
    reject_unknown(raw, _KEYS, "sampling.", _CODE)
    # Absent keys skip their check: a frame sets few of them, if any.
    return Sampling(
        _number(raw, "temperature", 0.0, 2.0) if "temperature" in raw else None,
        _number(raw, "top_p", 0.0, 1.0, low_open=True) if "top_p" in raw else None,
        _integer(raw, "top_k", 0, None) if "top_k" in raw else None,
        _number(raw, "min_p", 0.0, 1.0) if "min_p" in raw else None,
        (
            _number(raw, "repetition_penalty", 0.0, 2.0, low_open=True)
            if "repetition_penalty" in raw else None
        ),
        _number(raw, "presence_penalty", -2.0, 2.0) if "presence_penalty" in raw else None,
        _number(raw, "frequency_penalty", -2.0, 2.0) if "frequency_penalty" in raw else None,
        _integer(raw, "max_tokens", 1, limits.chat_max_out) if "max_tokens" in raw else None,
        _boolean(raw, "sanitize_output") if "sanitize_output" in raw else None,
    )


def _number(
    raw: Mapping[str, object],
    key: str,
    low: float,
    high: float,
    *,
    low_open: bool = False,
) -> float | None:
    """Return ``raw[key]`` as a float in the range, ``None`` when absent."""
    if key not in raw:
        return None
    value = raw[key]
    if (
        not is_number(value)
        or (value <= low if low_open else value < low)
        or value > high
    ):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}]"
        raise invalid(
            f"sampling.{key}", f"sampling.{key} must be a number in {interval}", _CODE
        )
    return float(value)


def _integer(
    raw: Mapping[str, object], key: str, low: int, high: int | None
) -> int | None:
    """Return ``raw[key]`` as an int in [low, high], ``None`` when absent."""
    if key not in raw:
        return None
    value = raw[key]
    if not is_int(value) or value < low or (high is not None and value > high):
        bound = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise invalid(
            f"sampling.{key}", f"sampling.{key} must be an integer {bound}", _CODE
        )
    return value


def _boolean(raw: Mapping[str, object], key: str) -> bool | None:
    """Return ``raw[key]`` if it is a JSON boolean, ``None`` when absent."""
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, bool):
        raise invalid(f"sampling.{key}", f"sampling.{key} must be true or false", _CODE)
    return value


__all__ = ["parse_sampling"]
