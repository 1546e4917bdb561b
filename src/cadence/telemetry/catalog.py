"""Every metric Cadence exports: names, units and buckets (the product brief's).

Latencies are in seconds, as the brief names them, with buckets chosen for
voice: a reply's first token matters at tens of milliseconds, so the
latency buckets are dense from 5 ms to 1 s, where the SDK's default buckets
(0, 5, 10, 25... 10000) would put every turn in one or two of them.
"""

from __future__ import annotations

from cadence.telemetry.registry import MetricSpec

PREFIX = "text_inference"

#: Turn-level latencies, seconds.
LATENCY_BOUNDS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75,
                  1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
#: Per-token and tool latencies, seconds.
FAST_BOUNDS = (0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.25,
               0.5, 1.0)
#: Connection lifetimes and start-up, seconds.
LONG_BOUNDS = (0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
TOKEN_BOUNDS = (1.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0, 8192.0)
COUNT_BOUNDS = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 500.0)


def _h(name: str, unit: str, description: str, bounds: tuple[float, ...]) -> MetricSpec:
    return MetricSpec(f"{PREFIX}.{name}", "histogram", unit, description, bounds)


def _c(name: str, unit: str, description: str) -> MetricSpec:
    return MetricSpec(f"{PREFIX}.{name}", "counter", unit, description)


def _g(name: str, unit: str, description: str) -> MetricSpec:
    return MetricSpec(f"{PREFIX}.{name}", "gauge", unit, description)


METRICS: tuple[MetricSpec, ...] = (
    _h("ttft", "s", "Time to first token of a turn (server side)", LATENCY_BOUNDS),
    _h("request_latency", "s", "End-to-end latency of a turn, from its frame to its terminal frame",
       LATENCY_BOUNDS),
    _h("token_latency", "s", "Mean inter-token time of a turn's reply (one value per turn)", FAST_BOUNDS),
    _h("connection_duration", "s", "WebSocket connection duration", LONG_BOUNDS),
    _h("connection_semaphore_wait", "s", "Opening handshake: from the HTTP request to the WebSocket "
       "connection being served (admission checks and upgrade)", FAST_BOUNDS),
    _h("prompt_tokens", "{token}", "Prompt tokens of a turn", TOKEN_BOUNDS),
    _h("completion_tokens", "{token}", "Completion tokens of a turn", TOKEN_BOUNDS),
    _h("generations_per_session", "{request}", "Turns run on one connection", COUNT_BOUNDS),
    _h("startup_duration", "s", "Server start-up: engines loaded and warmed", LONG_BOUNDS),
    _h("tool_classification_latency", "s", "Screenshot classifier time of a turn", FAST_BOUNDS),
    _c("requests_total", "{request}", "Turns ended, by status (the turn's outcome)"),
    _c("tokens_generated_total", "{token}", "Completion tokens generated"),
    _c("prompt_tokens_total", "{token}", "Prompt tokens processed"),
    _c("connections_rejected_total", "{connection}", "WebSocket handshakes refused, by reason"),
    _c("session_churn_total", "{session}", "Connections that ended"),
    _c("cancellation_total", "{request}", "Turns cancelled (client cancel, barge-in, disconnect)"),
    _c("errors_total", "{error}", "Turns that failed and unhandled errors, by error.type"),
    _c("timeout_disconnects_total", "{connection}", "Connections closed by the idle watchdog"),
    _c("rate_limit_violations_total", "{violation}", "Frames refused by a rate limit"),
    _c("tool_classifications_total", "{classification}", "Screenshot classifier decisions"),
    MetricSpec(f"{PREFIX}.cache_resets_total", "observed_counter", "{reset}",
               "Engine prefix cache resets (vLLM's idle resets)"),
    _g("active_connections", "{connection}", "WebSocket connections open now"),
    _g("active_generations", "{generation}", "Turns running now"),
)

#: GPU observables, read at collection time, per ``gpu.device.id``.
GPU_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(f"{PREFIX}.gpu.memory_used", "gauge", "By", "GPU memory in use"),
    MetricSpec(f"{PREFIX}.gpu.memory_free", "gauge", "By", "GPU memory available"),
    MetricSpec(f"{PREFIX}.gpu.memory_total", "gauge", "By", "Total GPU memory"),
    MetricSpec(f"{PREFIX}.gpu.utilization", "gauge", "%", "GPU compute utilization"),
)


__all__ = ["GPU_METRICS", "LATENCY_BOUNDS", "METRICS", "PREFIX"]
