"""Traces: a session span per connection, and per turn a turn span with a
tool-decision child and a generation child.

Turn spans are written when the turn ends, with the start times its
:class:`~cadence.turns.effects.TurnEnded` implies, so a running turn costs
the tracer nothing; only the session span lives for the whole connection.
Without a tracer every method returns at once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from cadence.turns.effects import TurnEnded


@dataclasses.dataclass(frozen=True, slots=True)
class TurnTiming:
    """A finished turn, in wall-clock nanoseconds."""

    ended: TurnEnded
    start_ns: int
    end_ns: int

    @classmethod
    def of(cls, ended: TurnEnded) -> TurnTiming:
        """Place ``ended`` on the wall clock: it ended now."""
        end = time.time_ns()
        return cls(ended, end - int(ended.total_ms * 1e6), end)


class SpanRecorder:
    """Writes session and turn spans to ``tracer`` (``None``: off)."""

    def __init__(self, tracer: Tracer | None, model_attributes: Mapping[str, str]) -> None:
        self._tracer = tracer
        #: Whether spans are written at all.
        self.enabled = tracer is not None
        self._model_attributes = dict(model_attributes)
        self._open: set[Any] = set()

    def session_started(self, connection_id: str) -> Any:
        """Open the span of a connection; returns it (``None`` when off)."""
        if self._tracer is None:
            return None
        span = self._tracer.start_span("session", kind=SpanKind.SERVER,
                                       attributes={"cadence.connection_id": connection_id})
        self._open.add(span)
        return span

    def session_ended(self, span: Any, turns: int) -> None:
        """Close a connection's span (already closed by :meth:`close`: nothing)."""
        if span is None or span not in self._open:
            return
        span.set_attribute("cadence.turns", turns)
        span.end()
        self._open.discard(span)

    def turn(self, timing: TurnTiming, session_span: Any) -> None:
        """Write a finished turn's spans under ``session_span``."""
        tracer = self._tracer
        if tracer is None:
            return
        ended = timing.ended
        status, _, detail = ended.outcome.partition(":")
        context = trace.set_span_in_context(session_span) if session_span is not None else None
        attributes: dict[str, Any] = {
            "cadence.session_id": ended.session_id, "cadence.request_id": ended.request_id,
            "cadence.outcome": ended.outcome, "gen_ai.usage.input_tokens": ended.prompt_tokens,
            "gen_ai.usage.output_tokens": ended.completion_tokens,
        }
        if ended.ttft_ms is not None:
            attributes["cadence.ttft_ms"] = ended.ttft_ms
        span = tracer.start_span("turn", context=context, start_time=timing.start_ns, attributes=attributes)
        if status == "error":
            span.set_status(Status(StatusCode.ERROR, detail))
        child = trace.set_span_in_context(span)
        generation_start = timing.start_ns
        if ended.tool_ms is not None:
            generation_start += int(ended.tool_ms * 1e6)
            tool = tracer.start_span("tool_decision", context=child, start_time=timing.start_ns,
                                     attributes={"cadence.tool_ms": ended.tool_ms})
            tool.end(end_time=min(generation_start, timing.end_ns))
        if ended.ttft_ms is not None or ended.completion_tokens:
            generation = tracer.start_span(
                "generation", context=child, kind=SpanKind.CLIENT, start_time=min(generation_start, timing.end_ns),
                attributes={**self._model_attributes, "gen_ai.usage.input_tokens": ended.prompt_tokens,
                            "gen_ai.usage.output_tokens": ended.completion_tokens})
            generation.end(end_time=timing.end_ns)
        span.end(end_time=timing.end_ns)

    def close(self) -> None:
        """End every session span still open (at shutdown)."""
        for span in list(self._open):
            span.end()
        self._open.clear()


__all__ = ["SpanRecorder", "TurnTiming"]
