"""OpenTelemetry over OTLP/HTTP: the SDK's providers, built only when configured.

Exports run on the SDK's own background threads (a periodic metric reader,
a batch span processor), never on the event loop, so a slow or unreachable
collector costs a turn nothing; each export gives up after
``export_timeout_s``. :meth:`OtelExport.shutdown` flushes what is pending.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Tracer

from cadence.config.settings import TelemetrySettings
from cadence.telemetry.registry import Attributes, MetricSpec

log = logging.getLogger("cadence.telemetry")

#: Reads an observed gauge: (attributes, value) pairs.
GaugeReader = Callable[[], Iterable[tuple[Attributes, float]]]


def resource(settings: TelemetrySettings, version: str) -> Resource:
    """Service name, version, environment and cloud platform of every signal."""
    attributes: dict[str, str] = {
        "service.name": settings.service_name,
        "service.version": version,
        "deployment.environment.name": settings.environment,
    }
    if settings.cloud_platform:
        attributes["cloud.platform"] = settings.cloud_platform
    return Resource.create(attributes)


class OtelExport:
    """The meter and tracer providers, and one OTel instrument per metric."""

    def __init__(self, settings: TelemetrySettings, version: str) -> None:
        self._settings = settings
        headers = dict(settings.otlp_headers)
        res = resource(settings, version)
        self.meter_provider: MeterProvider | None = None
        self.tracer_provider: TracerProvider | None = None
        self.tracer: Tracer | None = None
        if settings.metrics_endpoint:
            exporter = OTLPMetricExporter(endpoint=settings.metrics_endpoint, headers=headers,
                                          timeout=settings.export_timeout_s)
            reader = PeriodicExportingMetricReader(
                exporter, export_interval_millis=settings.metrics_export_interval_ms,
                export_timeout_millis=settings.export_timeout_s * 1000)
            self.meter_provider = MeterProvider(resource=res, metric_readers=[reader])
        if settings.traces_endpoint:
            span_exporter = OTLPSpanExporter(endpoint=settings.traces_endpoint, headers=headers,
                                             timeout=settings.export_timeout_s)
            self.tracer_provider = TracerProvider(
                resource=res, sampler=ParentBased(TraceIdRatioBased(settings.traces_sample_rate)))
            self.tracer_provider.add_span_processor(BatchSpanProcessor(
                span_exporter, schedule_delay_millis=settings.traces_export_interval_ms,
                max_export_batch_size=settings.traces_batch_size,
                export_timeout_millis=settings.export_timeout_s * 1000))
            self.tracer = self.tracer_provider.get_tracer("cadence")
        self._meter = self.meter_provider.get_meter("cadence", version) if self.meter_provider else None
        self.instruments: dict[str, Any] = {}

    def add_metric(self, spec: MetricSpec) -> None:
        """Create the OTel instrument of a recorded metric (no-op without metrics)."""
        meter = self._meter
        if meter is None:
            return
        if spec.kind == "histogram":
            self.instruments[spec.name] = meter.create_histogram(
                spec.name, unit=spec.unit, description=spec.description,
                explicit_bucket_boundaries_advisory=list(spec.bounds))
        elif spec.kind == "counter":
            self.instruments[spec.name] = meter.create_counter(spec.name, unit=spec.unit,
                                                               description=spec.description)

    def add_gauge(self, spec: MetricSpec, read: GaugeReader) -> None:
        """Create an observed gauge or counter that calls ``read`` at each export."""
        if self._meter is None:
            return

        def observe(options: CallbackOptions) -> Iterable[Observation]:
            return [Observation(value, dict(attributes)) for attributes, value in read()]

        create = (self._meter.create_observable_counter if spec.kind == "observed_counter"
                  else self._meter.create_observable_gauge)
        create(spec.name, callbacks=[observe], unit=spec.unit, description=spec.description)

    def add(self, name: str, amount: float, attributes: Mapping[str, Any] | None) -> None:
        """Add to a counter."""
        instrument = self.instruments.get(name)
        if instrument is not None:
            instrument.add(amount, attributes)

    def record(self, name: str, value: float, attributes: Mapping[str, Any] | None) -> None:
        """Record into a histogram."""
        instrument = self.instruments.get(name)
        if instrument is not None:
            instrument.record(value, attributes)

    def shutdown(self, timeout_s: float) -> None:
        """Flush pending spans and metrics, then stop the exporters; gives up
        after ``timeout_s`` in all (a collector that does not answer is left
        behind). Blocking: call it off the event loop."""
        millis = int(timeout_s * 1000)

        def flush_and_stop() -> None:
            for provider in (self.tracer_provider, self.meter_provider):
                if provider is None:
                    continue
                try:
                    provider.force_flush(millis)
                    provider.shutdown()
                except Exception:  # a collector that is down must not fail the shutdown
                    log.warning("telemetry: flushing %s failed", type(provider).__name__, exc_info=True)

        worker = threading.Thread(target=flush_and_stop, name="cadence-telemetry-flush", daemon=True)
        worker.start()
        worker.join(timeout_s)
        if worker.is_alive():
            log.warning("telemetry: the collector took no final export within %.1f s; not waiting", timeout_s)


__all__ = ["GaugeReader", "OtelExport", "resource"]
