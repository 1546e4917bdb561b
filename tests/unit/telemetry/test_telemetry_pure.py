"""Telemetry without any exporter: settings, the local registry, /metrics text, scrubbing."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from cadence.config.env import ConfigError
from cadence.config.load import load_settings
from cadence.telemetry.recorder import Telemetry
from cadence.telemetry.sentry import RATE_LIMIT_S, scrub
from cadence.turns.effects import TurnEnded

BASE = {"TEXT_API_KEY": "k"}


def telemetry_settings(**env: str) -> Any:
    return load_settings({**BASE, **env}).telemetry


def test_nothing_configured_means_no_exporter() -> None:
    settings = telemetry_settings()
    assert (settings.traces_endpoint, settings.metrics_endpoint, settings.sentry_dsn) == ("", "", "")
    assert not settings.metrics_public


def test_the_standard_otlp_variables_resolve_per_signal() -> None:
    settings = telemetry_settings(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318/",
                                  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT="http://metrics:9000/m",
                                  OTEL_EXPORTER_OTLP_HEADERS="x-team=voice,api-key=a%3Db")
    assert settings.traces_endpoint == "http://collector:4318/v1/traces"
    assert settings.metrics_endpoint == "http://metrics:9000/m"
    assert dict(settings.otlp_headers) == {"x-team": "voice", "api-key": "a=b"}


def test_axiom_is_a_shortcut_for_its_endpoint_and_headers() -> None:
    settings = telemetry_settings(AXIOM_API_TOKEN="xaat-1", AXIOM_DATASET="calls", AXIOM_ENVIRONMENT="staging")
    assert settings.traces_endpoint == "https://api.axiom.co/v1/traces"
    assert dict(settings.otlp_headers) == {"Authorization": "Bearer xaat-1", "X-Axiom-Dataset": "calls"}
    assert settings.environment == "staging"


@pytest.mark.parametrize("env", [
    {"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"},
    {"OTEL_EXPORTER_OTLP_HEADERS": "novalue"},
    {"SENTRY_DSN": "not a dsn"},
    {"SENTRY_SAMPLE_RATE": "2"},
    {"OTEL_METRICS_EXPORT_INTERVAL_MS": "5"},
])
def test_bad_values_are_refused_at_start(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings({**BASE, **env})


def ended(outcome: str = "done", ttft_ms: float | None = 40.0, tokens: int = 11, tool_ms: float | None = None) -> TurnEnded:
    return TurnEnded("s", "r", outcome, 240.0, ttft_ms, tool_ms, 30, tokens, 50)


def test_turns_become_prometheus_metrics() -> None:
    telemetry = Telemetry(active=lambda: (3, 1), cache_resets=lambda: 2)
    record = telemetry.connection_opened("c1", 0.004)
    telemetry.turn_ended(ended(), record)
    telemetry.turn_ended(ended("cancelled:barge_in", tokens=2, tool_ms=12.0), record)
    telemetry.turn_ended(ended("error:engine_error", ttft_ms=None, tokens=0), record)
    telemetry.frame_rejected("rate_limited")
    telemetry.frame_rejected("invalid_message")
    telemetry.handshake_rejected("server_at_capacity")
    telemetry.connection_closed(record, idle_timeout=True)
    families = {f.name: f for f in text_string_to_metric_families(telemetry.metrics_text())}

    def samples(name: str) -> dict[tuple[str, ...], float]:
        return {(s.name, *sorted(f"{k}={v}" for k, v in s.labels.items())): s.value
                for s in families[name].samples}

    assert samples("text_inference_requests") == {
        ("text_inference_requests_total", "status=done"): 1,
        ("text_inference_requests_total", "status=cancelled"): 1,
        ("text_inference_requests_total", "status=error"): 1,
    }
    assert samples("text_inference_errors") == {("text_inference_errors_total", "error_type=engine_error"): 1}
    assert samples("text_inference_rate_limit_violations") == {("text_inference_rate_limit_violations_total",): 1}
    assert samples("text_inference_timeout_disconnects") == {("text_inference_timeout_disconnects_total",): 1}
    assert samples("text_inference_tokens_generated")[("text_inference_tokens_generated_total",)] == 13
    ttft = samples("text_inference_ttft_seconds")
    assert ttft[("text_inference_ttft_seconds_count",)] == 2
    assert ttft[("text_inference_ttft_seconds_bucket", "le=0.05")] == 2  # 40 ms, in seconds
    assert ttft[("text_inference_ttft_seconds_bucket", "le=0.025")] == 0
    token = samples("text_inference_token_latency_seconds")  # (240 - 40) / 10 per turn
    assert token[("text_inference_token_latency_seconds_sum",)] == pytest.approx(0.02 + 0.2)
    assert samples("text_inference_active_connections") == {("text_inference_active_connections",): 3}
    assert samples("text_inference_cache_resets") == {("text_inference_cache_resets_total",): 2}
    assert samples("text_inference_generations_per_session")[("text_inference_generations_per_session_sum",)] == 3
    assert families["text_inference_gpu_memory_used_bytes"].samples == []  # no GPU here


def test_scrub_keeps_no_conversation_text_or_key() -> None:
    event: dict[str, Any] = {
        "message": "turn ended with engine_error",
        "request": {"data": "the prompt"},
        "extra": {"utterance": "hello"},
        "breadcrumbs": {"values": [{"message": "user said hi"}]},
        "contexts": {"runtime": {"name": "CPython"}, "locals": {"x": "reply"}},
        "logentry": {"message": "turn %s failed", "params": ["the reply"]},
        "exception": {"values": [
            {"type": "ValueError", "module": "transformers.x", "value": "bad input: my secret prompt",
             "stacktrace": {"frames": [{"function": "f", "vars": {"prompt": "p"}}]}},
            {"type": "EngineError", "module": "cadence.engines.base", "value": "hf decode step failed with key k-123"},
        ]},
    }
    out = scrub(event, ("k-123",))
    text = str(out)
    for secret in ("the prompt", "hello", "user said hi", "the reply", "my secret prompt", "'p'", "k-123"):
        assert secret not in text
    assert out["contexts"] == {"runtime": {"name": "CPython"}}
    assert out["exception"]["values"][1]["value"] == "hf decode step failed with key [key]"
    assert RATE_LIMIT_S == 10.0


def test_a_session_span_closed_at_shutdown_is_not_ended_again() -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from cadence.telemetry.spans import SpanRecorder

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    spans = SpanRecorder(provider.get_tracer("test"), {})
    session = spans.session_started("c1")
    spans.close()  # shutdown flush while the connection is still open
    spans.session_ended(session, turns=2)  # the connection closes afterwards
    assert [span.name for span in exporter.get_finished_spans()] == ["session"]
