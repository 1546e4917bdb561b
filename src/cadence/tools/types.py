"""Value types and errors shared by the tool classifier modules.

Everything here is immutable and free of I/O. :class:`ToolDecision` is what
:meth:`cadence.tools.ToolClassifier.classify` returns; its
:meth:`ToolDecision.to_payload` is the ``toolcall`` frame payload of
PROTOCOL.md section 4.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

ToolStatus = Literal["yes", "no"]

#: Label names that mark the positive class in a model's ``id2label``.
POSITIVE_LABEL_NAMES = frozenset(
    {"take_screenshot", "screenshot", "yes", "positive", "pos", "true", "tool", "1"}
)


class ToolError(Exception):
    """Base class of the tool classifier's own errors."""


class ToolConfigError(ToolError, ValueError):
    """The tool configuration is invalid; the message lists every problem."""


class ToolModelLoadError(ToolError):
    """The tool model or its tokenizer could not be loaded or warmed up."""


class ToolClosedError(ToolError):
    """The classifier is not running (never started, failed, or closed)."""


class ToolInferenceError(ToolError):
    """A batched forward pass failed; every request of that batch gets it."""


@dataclasses.dataclass(frozen=True, slots=True)
class ToolInput:
    """One classification request: earlier user turns (oldest first) and the utterance.

    ``looked`` says, per earlier turn (same order), whether the assistant
    looked at the screen for it (a ``yes`` decision, or a ``followup`` with
    a screen description); missing entries count as ``False``.
    """

    user_turns: tuple[str, ...]
    utterance: str
    looked: tuple[bool, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class BatchLimits:
    """How the micro-batcher groups requests.

    ``max_batch_size`` requests at most per forward pass; the first request
    of a batch waits at most ``max_delay_ms`` for others to join it.
    """

    max_batch_size: int
    max_delay_ms: float


@dataclasses.dataclass(frozen=True, slots=True)
class ToolDecision:
    """The answer for one turn.

    ``score`` is the probability of the positive class (0.0 on a fallback).
    ``raw`` is ``[{"name": tool_name, "score": score}]`` when ``status`` is
    ``"yes"`` and ``[]`` otherwise. ``timed_out`` marks the ``TOOL_TIMEOUT_S``
    fallback and ``error`` a failed forward pass; both answer ``"no"``.
    ``latency_ms`` runs from the call to the answer, queueing included.
    """

    status: ToolStatus
    score: float
    raw: list[dict[str, str | float]]
    timed_out: bool
    latency_ms: float
    error: bool = False

    def to_payload(self) -> dict[str, object]:
        """Return the ``toolcall`` payload: ``status``, ``raw`` and ``score``."""
        return {
            "status": self.status,
            "raw": [dict(r) for r in self.raw],
            "score": self.score,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class ToolStats:
    """Counters since start, for metrics and tests (a snapshot, never updated)."""

    requests: int = 0
    yes: int = 0
    no: int = 0
    timeouts: int = 0
    errors: int = 0
    forward_passes: int = 0
    batched_requests: int = 0
    largest_batch: int = 0
    skipped_cancelled: int = 0


def decide(score: float, threshold: float, tool_name: str, latency_ms: float) -> ToolDecision:
    """Turn a positive-class probability into a decision (``yes`` iff ``score >= threshold``)."""
    if score >= threshold:
        raw: list[dict[str, str | float]] = [{"name": tool_name, "score": round(score, 4)}]
        return ToolDecision("yes", score, raw, timed_out=False, latency_ms=latency_ms)
    return ToolDecision("no", score, [], timed_out=False, latency_ms=latency_ms)


def fallback(latency_ms: float, *, timed_out: bool) -> ToolDecision:
    """Return the "no" answer used when the model could not answer in time or failed."""
    return ToolDecision("no", 0.0, [], timed_out=timed_out, latency_ms=latency_ms, error=not timed_out)


def positive_index(id2label: Mapping[int, str], num_labels: int) -> int:
    """Return which logit is the positive class.

    A label named like :data:`POSITIVE_LABEL_NAMES` wins; otherwise index 1
    (the ``LABEL_1`` convention of binary heads), or 0 for a one-logit head.
    """
    if num_labels <= 1:
        return 0
    for index, name in sorted(id2label.items()):
        if str(name).strip().lower() in POSITIVE_LABEL_NAMES and 0 <= int(index) < num_labels:
            return int(index)
    return 1


__all__ = [
    "POSITIVE_LABEL_NAMES",
    "BatchLimits",
    "ToolClosedError",
    "ToolConfigError",
    "ToolDecision",
    "ToolError",
    "ToolInferenceError",
    "ToolInput",
    "ToolModelLoadError",
    "ToolStats",
    "ToolStatus",
    "decide",
    "fallback",
    "positive_index",
]
