"""Cadence's telemetry events, recorded once per turn, connection or start-up.

:class:`Telemetry` always keeps the local registry behind ``GET /metrics``
(a few dictionary updates per turn); it also exports to OpenTelemetry and
Sentry when they are configured, and does nothing more when they are not.
Nothing here runs per token: a turn's token timing arrives aggregated in
its :class:`~cadence.turns.effects.TurnEnded`. Event loop thread only.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from cadence.telemetry.catalog import GPU_METRICS, METRICS, PREFIX
from cadence.telemetry.gpu import GpuReader
from cadence.telemetry.prometheus import render
from cadence.telemetry.registry import Attributes, MetricSpec, Registry, series_key
from cadence.telemetry.spans import SpanRecorder, TurnTiming
from cadence.turns.effects import TurnEnded

if TYPE_CHECKING:  # the SDKs load only when configured (cadence.telemetry.build)
    from cadence.telemetry.otel import OtelExport
    from cadence.telemetry.sentry import SentryReporter

#: Reads (active connections, active generations).
ActiveCounts = Callable[[], tuple[int, int]]
_FAILED = ("error:engine_error", "error:internal_error")


def _split_outcome(outcome: str) -> tuple[str, str]:
    """``cancelled:barge_in`` -> (``cancelled``, ``barge_in``); ``done`` -> (``done``, "")."""
    status, _, detail = outcome.partition(":")
    return status, detail


@dataclasses.dataclass(eq=False, slots=True)
class ConnectionRecord:
    """What telemetry keeps of one open connection."""

    connection_id: str
    opened_at: float
    span: Any = None
    turns: int = 0


class Telemetry:
    """The one place the server reports to; see the module doc."""

    def __init__(
        self,
        model: str = "",
        otel: OtelExport | None = None,
        sentry: SentryReporter | None = None,
        active: ActiveCounts = lambda: (0, 0),
        cache_resets: Callable[[], int] = lambda: 0,
        gpus: GpuReader | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = Registry(METRICS)
        #: Local metrics by their name without the prefix (one lookup per update).
        self._local = {name.removeprefix(PREFIX + "."): metric for name, metric in self.registry.metrics.items()}
        self._otel = otel
        self._sentry = sentry
        self._active = active
        self._cache_resets = cache_resets
        self._gpus = gpus or GpuReader()
        self._clock = clock
        self._model_attributes: dict[str, str] = (
            {"gen_ai.operation.name": "chat", "gen_ai.request.model": model, "gen_ai.provider.name": "cadence"}
            if model else {}
        )
        self._spans = SpanRecorder(otel.tracer if otel is not None else None, self._model_attributes)
        if otel is not None:
            for spec in METRICS:
                if spec.kind in ("counter", "histogram"):
                    otel.add_metric(spec)
            for spec, read in self._gauge_readers():
                otel.add_gauge(spec, read)

    # -- events ---------------------------------------------------------------

    def startup_finished(self, seconds: float) -> None:
        """The engines are loaded and warm."""
        self._record("startup_duration", seconds)

    def handshake_rejected(self, reason: str) -> None:
        """A WebSocket handshake was refused (``reason``: the error code)."""
        self._add("connections_rejected_total", 1, {"reason": reason})

    def connection_opened(self, connection_id: str, handshake_s: float) -> ConnectionRecord:
        """A WebSocket connection is served, ``handshake_s`` after its request."""
        self._record("connection_semaphore_wait", handshake_s)
        now = self._clock()
        return ConnectionRecord(connection_id, now, self._spans.session_started(connection_id))

    def connection_closed(self, record: ConnectionRecord, idle_timeout: bool) -> None:
        """The connection ended (``idle_timeout``: closed by the idle watchdog)."""
        self._record("connection_duration", self._clock() - record.opened_at)
        self._record("generations_per_session", record.turns)
        self._add("session_churn_total", 1)
        if idle_timeout:
            self._add("timeout_disconnects_total", 1)
        self._spans.session_ended(record.span, record.turns)

    def frame_rejected(self, code: str) -> None:
        """A client frame was refused with ``code``."""
        if code == "rate_limited":
            self._add("rate_limit_violations_total", 1)

    def turn_ended(self, ended: TurnEnded, record: ConnectionRecord | None, client_id: str = "") -> None:
        """A turn ended: its latencies, tokens, outcome and spans."""
        status, detail = _split_outcome(ended.outcome)
        self._add("requests_total", 1, {"status": status})
        if record is not None:
            record.turns += 1
        if status == "cancelled":
            self._add("cancellation_total", 1, {"reason": detail})
        elif status == "error":
            self._add("errors_total", 1, {"error.type": detail})
        if ended.ttft_ms is not None:
            self._record("ttft", ended.ttft_ms / 1000)
            if ended.completion_tokens > 1:
                per_token = (ended.total_ms - ended.ttft_ms) / (ended.completion_tokens - 1) / 1000
                self._record("token_latency", max(0.0, per_token))
        self._record("request_latency", ended.total_ms / 1000)
        if ended.tool_ms is not None:
            self._record("tool_classification_latency", ended.tool_ms / 1000)
            self._add("tool_classifications_total", 1)
        self._record("prompt_tokens", ended.prompt_tokens)
        self._record("completion_tokens", ended.completion_tokens)
        self._add("prompt_tokens_total", ended.prompt_tokens)
        self._add("tokens_generated_total", ended.completion_tokens)
        if self._spans.enabled:
            self._spans.turn(TurnTiming.of(ended), record.span if record is not None else None)
        if self._sentry is not None and ended.outcome in _FAILED:
            self._sentry.turn_failed(detail, ended.session_id, ended.request_id, client_id)

    # -- reading and shutting down ----------------------------------------------

    def metrics_text(self) -> str:
        """The ``/metrics`` body (Prometheus text format)."""
        gauges = [(spec, [(series_key(a), v) for a, v in read()]) for spec, read in self._gauge_readers()]
        recorded = [m for m in self.registry.metrics.values() if m.spec.kind in ("counter", "histogram")]
        return render(recorded, gauges)

    def shutdown(self, timeout_s: float) -> None:
        """Flush spans, metrics and error events, each within ``timeout_s``.
        Blocking: call it off the event loop."""
        if self._otel is not None:
            self._spans.close()
            self._otel.shutdown(timeout_s)
        if self._sentry is not None:
            self._sentry.shutdown(timeout_s)

    # -- helpers -------------------------------------------------------------------

    def _add(self, name: str, amount: float, attributes: Attributes | None = None) -> None:
        self._local[name].add(amount, attributes)
        if self._otel is not None:
            self._otel.add(PREFIX + "." + name, amount, attributes)

    def _record(self, name: str, value: float, attributes: Attributes | None = None) -> None:
        self._local[name].record(value, attributes)
        if self._otel is not None:
            self._otel.record(PREFIX + "." + name, value, attributes)

    def _gauge_readers(self) -> list[tuple[MetricSpec, Callable[[], Iterable[tuple[Attributes, float]]]]]:
        observed = {spec.name: spec for spec in METRICS if spec.kind in ("gauge", "observed_counter")}
        gpu = {spec.name.rsplit(".", 1)[1]: spec for spec in GPU_METRICS}

        def reading(field: str) -> Callable[[], list[tuple[Attributes, float]]]:
            def read() -> list[tuple[Attributes, float]]:
                return [({"gpu.device.id": g.device}, float(value)) for g in self._gpus.read()
                        if (value := getattr(g, "utilization" if field == "utilization" else field)) is not None]
            return read

        return [
            (observed[f"{PREFIX}.active_connections"], lambda: [({}, float(self._active()[0]))]),
            (observed[f"{PREFIX}.active_generations"], lambda: [({}, float(self._active()[1]))]),
            (observed[f"{PREFIX}.cache_resets_total"], lambda: [({}, float(self._cache_resets()))]),
            (gpu["memory_used"], reading("used")),
            (gpu["memory_free"], reading("free")),
            (gpu["memory_total"], reading("total")),
            (gpu["utilization"], reading("utilization")),
        ]


__all__ = ["ActiveCounts", "ConnectionRecord", "Telemetry"]
