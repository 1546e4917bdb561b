"""Telemetry against real receivers on loopback: OTLP/HTTP, Sentry, ``/metrics``."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from harness import API_KEY, UNIT, client, http_get, make_settings, running_server, ws_url
from prometheus_client.parser import text_string_to_metric_families
from receivers import OtlpReceiver, SentryReceiver, blackhole
from test_server_failures import FailingEngine
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from cadence.config.settings import TelemetrySettings
from cadence.engines.base import EngineError

SECRET_UTTERANCE = "my card number is 4111 1111"


def _settings(telemetry: TelemetrySettings, **limits: Any) -> Any:
    return make_settings(telemetry=telemetry, limits=limits or {},
                         echo={"tokens_per_second": 50, "reply_tokens": 6})


def _otlp(url: str, **extra: Any) -> TelemetrySettings:
    defaults: dict[str, Any] = {"metrics_export_interval_ms": 60_000, "traces_export_interval_ms": 60_000,
                                "export_timeout_s": 2.0}
    return TelemetrySettings(traces_endpoint=f"{url}/v1/traces", metrics_endpoint=f"{url}/v1/metrics",
                             **{**defaults, **extra})


async def _a_few_turns(server: Any) -> None:
    """Two done turns, a cancelled one, a rate-limited frame, a refused handshake."""
    async with client(server) as c:
        await c.ready()
        assert (await c.turn("hello there"))[-1]["type"] == "done"
        rid = await c.send("message", {"user_utterance": "a long one " * 30})
        await c.send("cancel", {})
        frames = await c.until_terminal(rid)
        assert frames[-1]["type"] in ("cancelled", "done")
        assert (await c.turn("again"))[-1]["type"] == "done"
        await c.send("message", {"user_utterance": "one too many"})
        assert (await c.recv())["payload"]["code"] == "rate_limited"
    with pytest.raises(InvalidStatus):
        async with connect(ws_url(server, key="wrong")):
            pass


def _value(receiver: OtlpReceiver, name: str, **attributes: Any) -> Any:
    for key, point in receiver.latest(name).items():
        if all(dict(key).get(k) == v for k, v in attributes.items()):
            return point
    raise AssertionError(f"{name} {attributes}: not exported; got {list(receiver.latest(name))}")


async def test_otlp_receiver_gets_the_metrics_and_the_session_turn_generation_trace() -> None:
    with OtlpReceiver() as receiver:
        settings = _settings(_otlp(receiver.url, service_name="cadence-test"), max_messages=4)
        async with running_server(settings) as server:
            await _a_few_turns(server)
            await server.flush_telemetry(5.0)
    requests = _value(receiver, "text_inference.requests_total", status="done")
    assert requests.as_int == 2
    assert _value(receiver, "text_inference.requests_total", status="cancelled").as_int == 1
    assert _value(receiver, "text_inference.cancellation_total", reason="client_request").as_int == 1
    assert _value(receiver, "text_inference.rate_limit_violations_total").as_int == 1
    rejected = _value(receiver, "text_inference.connections_rejected_total", reason="authentication_failed")
    assert rejected.as_int == 1
    ttft = _value(receiver, "text_inference.ttft")
    assert ttft.count >= 2 and 0 < ttft.sum < 5 and list(ttft.explicit_bounds)[:3] == [0.005, 0.01, 0.025]
    generated = _value(receiver, "text_inference.tokens_generated_total").as_int
    completions = _value(receiver, "text_inference.completion_tokens")
    assert generated == completions.sum and generated >= 12  # two 6-token replies, and the cancelled one's
    assert _value(receiver, "text_inference.session_churn_total").as_int == 1
    assert _value(receiver, "text_inference.active_connections").as_double == 0
    assert receiver.latest("text_inference.gpu.memory_used") == {}  # a CPU machine: empty, no error
    spans = receiver.spans()
    by_id = {span.span_id: span for span in spans}
    generations = [s for s in spans if s.name == "generation"]
    assert len(generations) >= 2
    turn = by_id[generations[0].parent_span_id]
    session = by_id[turn.parent_span_id]
    assert (turn.name, session.name) == ("turn", "session")
    turn_attributes = {kv.key: kv.value for kv in turn.attributes}
    assert turn_attributes["cadence.outcome"].string_value == "done"
    assert turn_attributes["cadence.request_id"].string_value
    assert turn.start_time_unix_nano <= generations[0].start_time_unix_nano <= generations[0].end_time_unix_nano
    assert receiver.resource_attributes()["service.name"] == "cadence-test"


async def test_metrics_endpoint_is_prometheus_text_and_key_protected() -> None:
    async with running_server(_settings(TelemetrySettings(), max_messages=4)) as server:
        await _a_few_turns(server)
        assert (await http_get(server, "/metrics")).status == 401
        reply = await http_get(server, "/metrics", {"X-API-Key": API_KEY})
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(reply.body.decode())}
    requests = {tuple(sorted(s.labels.items())): s.value for s in families["text_inference_requests"].samples}
    assert requests[(("status", "done"),)] == 2
    ttft = families["text_inference_ttft_seconds"]
    assert ttft.type == "histogram"
    count = next(s.value for s in ttft.samples if s.name.endswith("_count"))
    assert count >= 2
    assert families["text_inference_active_connections"].samples[0].value == 0
    public = dataclasses.replace(TelemetrySettings(), metrics_public=True)
    async with running_server(_settings(public)) as server:
        assert (await http_get(server, "/metrics")).status == 200


async def test_sentry_gets_one_tagged_scrubbed_event_for_a_failing_engine() -> None:
    engine = FailingEngine(EngineError(f"device lost while saying {SECRET_UTTERANCE}"))
    with SentryReceiver() as receiver:
        settings = _settings(TelemetrySettings(sentry_dsn=receiver.dsn()))
        async with running_server(settings, engine=engine) as server, client(server) as c:
            rids = []
            for _ in range(3):  # the same error class three times: one event (10 s limit)
                rids.append(await c.start(SECRET_UTTERANCE))
                assert (await c.until_terminal(rids[-1]))[-1]["payload"]["code"] == "engine_error"
            await server.flush_telemetry(5.0)
        events = [e for e in receiver.events() if e.get("tags", {}).get("outcome") == "engine_error"]
        raw = b"".join(receiver.raw())
    assert len(events) == 1
    tags = events[0]["tags"]
    assert tags["session_id"] == c.session_id and tags["request_id"] == rids[0]
    assert tags["client_id"]
    assert SECRET_UTTERANCE.encode() not in raw and API_KEY.encode() not in raw
    assert b"device lost" not in raw  # the engine's own message may quote its input


async def _ten_turns(settings: Any) -> tuple[float, Any]:
    """Seconds for ten turns on a fresh server, and the server (closed)."""
    async with running_server(settings) as server, client(server) as c:
        await c.ready()
        began = time.perf_counter()
        for index in range(10):
            assert (await c.turn(f"turn {index}"))[-1]["type"] == "done"
        elapsed = time.perf_counter() - began
        flushed = time.perf_counter()
        await server.flush_telemetry(1.0)
        return elapsed, time.perf_counter() - flushed


async def test_a_collector_that_never_answers_never_slows_a_turn() -> None:
    plain, _ = await _ten_turns(_settings(TelemetrySettings(), max_messages=50))
    with blackhole() as port:
        down = _otlp(f"http://127.0.0.1:{port}", traces_export_interval_ms=100, metrics_export_interval_ms=100)
        stuck, flush_s = await _ten_turns(_settings(down, max_messages=50))
    assert stuck < plain * 1.5 + 0.2 * UNIT  # ten 6-token turns at 50 tokens/s: ~1.2 s either way
    assert flush_s < 3.0  # flush_telemetry(1.0): bounded, never hung on the collector
