"""Telemetry: Sentry errors, OpenTelemetry traces and metrics, ``/metrics``.

:func:`build_telemetry` is called once at start with validated settings. With
nothing configured it returns a :class:`Telemetry` that only keeps the local
counters behind ``GET /metrics``: no SDK is imported, no exporter thread
starts, and no event is ever recorded per token. See docs/TELEMETRY.md.
"""

from __future__ import annotations

from collections.abc import Callable

from cadence import __version__
from cadence.config.settings import Settings
from cadence.telemetry.recorder import ActiveCounts, ConnectionRecord, Telemetry


def build_telemetry(
    settings: Settings, active: ActiveCounts, cache_resets: Callable[[], int] = lambda: 0, model: str = ""
) -> Telemetry:
    """The server's telemetry; exporters only for what ``settings`` enable.

    ``active`` reads (open connections, running turns) for the gauges,
    ``cache_resets`` the chat engine's prefix cache resets so far; ``model``
    names the chat model in the GenAI attributes.
    """
    config = settings.telemetry
    otel = None
    if config.traces_endpoint or config.metrics_endpoint:
        from cadence.telemetry.otel import OtelExport

        otel = OtelExport(config, __version__)
    sentry = None
    if config.sentry_dsn:
        from cadence.telemetry.sentry import SentryReporter

        sentry = SentryReporter(config, f"cadence@{__version__}", (settings.server.api_key,))
    return Telemetry(model=model, otel=otel, sentry=sentry, active=active, cache_resets=cache_resets)


__all__ = ["ConnectionRecord", "Telemetry", "build_telemetry"]
