"""Checks and error wording every engine backend shares."""

from __future__ import annotations

from cadence.engines.base import InvalidRequestError, SamplingParams


def check_sampling(params: SamplingParams) -> None:
    """Reject settings no sampler can honour, before any work is queued, with
    the same wording on every engine.

    Raises:
        InvalidRequestError: naming every bad field.
    """
    checks = (
        (params.temperature < 0, "temperature must be >= 0"),
        (not 0 < params.top_p <= 1, "top_p must be in (0, 1]"),
        (params.top_k < 0, "top_k must be >= 0"),
        (not 0 <= params.min_p <= 1, "min_p must be in [0, 1]"),
        (params.repetition_penalty <= 0, "repetition_penalty must be > 0"),
        (not -2 <= params.presence_penalty <= 2, "presence_penalty must be in [-2, 2]"),
        (not -2 <= params.frequency_penalty <= 2, "frequency_penalty must be in [-2, 2]"),
        (params.max_tokens < 1, "max_tokens must be >= 1"),
        (any(not stop for stop in params.stop), "stop strings must not be empty"),
    )
    problems = [message for bad, message in checks if bad]
    if problems:
        raise InvalidRequestError("invalid sampling parameters: " + "; ".join(problems))


def summary(exc: BaseException) -> str:
    """The exception's type and first message line, safe to log (no prompt)."""
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


__all__ = ["check_sampling", "summary"]
