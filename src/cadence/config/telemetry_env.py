"""Reading the telemetry variables: Sentry, OTLP (standard or Axiom), Prometheus.

The OTLP endpoints resolve as the OpenTelemetry specification says: a
per-signal ``OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT`` is used as is;
the base ``OTEL_EXPORTER_OTLP_ENDPOINT`` gets ``/v1/traces`` and
``/v1/metrics`` appended. Without either, ``AXIOM_API_TOKEN`` points both
at Axiom (``https://api.axiom.co``) with its bearer token and dataset
headers. ``OTEL_EXPORTER_OTLP_HEADERS`` (``key=value,key=value``, values
URL-encoded) is added to every request.
"""

from __future__ import annotations

from urllib.parse import unquote

from cadence.config.env import EnvReader
from cadence.config.settings import TelemetrySettings

AXIOM_URL = "https://api.axiom.co"


def _headers(env: EnvReader) -> dict[str, str]:
    raw = env.text("OTEL_EXPORTER_OTLP_HEADERS", "")
    headers: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            env.problem("OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas")
            return {}
        headers[name.strip()] = unquote(value.strip())
    return headers


def _endpoint(env: EnvReader, signal: str, base: str) -> str:
    explicit = env.text(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT", "")
    url = explicit or (f"{base.rstrip('/')}/v1/{signal}" if base else "")
    if url and not url.startswith(("http://", "https://")):
        env.problem(f"the OTLP {signal} endpoint must be an http:// or https:// URL (OTLP/HTTP)")
        return ""
    return url


def load_telemetry(env: EnvReader) -> TelemetrySettings:
    """Telemetry settings; problems are reported through ``env``."""
    headers = _headers(env)
    base = env.text("OTEL_EXPORTER_OTLP_ENDPOINT", "")
    axiom_token = env.text("AXIOM_API_TOKEN", "")
    environment = env.text("AXIOM_ENVIRONMENT", "production")
    if not base and axiom_token:
        base = AXIOM_URL
        headers = {"Authorization": f"Bearer {axiom_token}",
                   "X-Axiom-Dataset": env.text("AXIOM_DATASET", "text-inference-api"), **headers}
    dsn = env.text("SENTRY_DSN", "")
    if dsn and not dsn.startswith(("http://", "https://")):
        env.problem("SENTRY_DSN must be a Sentry DSN URL (https://key@host/project)")
    return TelemetrySettings(
        sentry_dsn=dsn,
        sentry_environment=env.text("SENTRY_ENVIRONMENT", "production"),
        sentry_release=env.text("SENTRY_RELEASE", ""),
        sentry_sample_rate=env.number("SENTRY_SAMPLE_RATE", 1.0, 0.0, 1.0),
        traces_endpoint=_endpoint(env, "traces", base),
        metrics_endpoint=_endpoint(env, "metrics", base),
        otlp_headers=tuple(sorted(headers.items())),
        service_name=env.text("OTEL_SERVICE_NAME", "cadence"),
        environment=environment,
        cloud_platform=env.text("CLOUD_PLATFORM", ""),
        traces_export_interval_ms=env.integer("OTEL_TRACES_EXPORT_INTERVAL_MS", 5000, 100, 600_000),
        metrics_export_interval_ms=env.integer("OTEL_METRICS_EXPORT_INTERVAL_MS", 15000, 100, 3_600_000),
        traces_batch_size=env.integer("OTEL_TRACES_BATCH_SIZE", 512, 1, 65536),
        traces_sample_rate=env.number("OTEL_TRACES_SAMPLER_ARG", 1.0, 0.0, 1.0),
        export_timeout_s=env.number("OTEL_EXPORTER_OTLP_TIMEOUT_S", 5.0, 0.1, 60.0),
        metrics_public=env.flag("METRICS_PUBLIC", False),
    )


__all__ = ["AXIOM_URL", "load_telemetry"]
