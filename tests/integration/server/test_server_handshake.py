"""PROTOCOL.md section 1: routes, authentication, throttle, capacity."""

from __future__ import annotations

import orjson
import pytest
from harness import API_KEY, client, http_get, make_settings, running_server, stats, ws_url
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from cadence.server.app import CadenceServer

pytestmark = pytest.mark.asyncio


async def _rejected(server: CadenceServer, key: str | None = API_KEY,
                    headers: dict[str, str] | None = None) -> InvalidStatus:
    with pytest.raises(InvalidStatus) as info:
        async with connect(ws_url(server, key), additional_headers=headers, compression=None):
            pass
    return info.value


def _error_body(exc: InvalidStatus) -> dict[str, object]:
    body: dict[str, object] = orjson.loads(exc.response.body)
    assert body["session_id"] == "unknown" and body["request_id"] == "unknown"
    assert body["type"] == "error"
    payload = body["payload"]
    assert isinstance(payload, dict)
    return payload


async def _accepted(server: CadenceServer, key: str | None, headers: dict[str, str]) -> None:
    async with connect(ws_url(server, key), additional_headers=headers, compression=None) as ws:
        await ws.send('{"type":"ping","session_id":"s","request_id":"p"}')
        assert '"pong"' in str(await ws.recv())


@pytest.mark.parametrize(
    ("key", "headers"),
    [
        (API_KEY, {}),
        (None, {"X-API-Key": API_KEY}),
        (None, {"Authorization": f"Bearer {API_KEY}"}),
        (API_KEY, {"X-API-Key": API_KEY, "Authorization": f"Bearer {API_KEY}"}),
    ],
    ids=["query", "x-api-key", "bearer", "all-three"],
)
async def test_each_key_source_is_accepted(key: str | None, headers: dict[str, str]) -> None:
    async with running_server() as server:
        await _accepted(server, key, headers)


@pytest.mark.parametrize(
    ("key", "headers"),
    [
        (None, {}),
        ("wrong", {}),
        (None, {"X-API-Key": "wrong"}),
        (None, {"Authorization": "Bearer wrong"}),
        (None, {"Authorization": f"Basic {API_KEY}"}),
        (API_KEY, {"X-API-Key": "wrong"}),
        (API_KEY, {"Authorization": "Bearer wrong"}),
        ("wrong", {"X-API-Key": API_KEY}),
    ],
    ids=["missing", "bad-query", "bad-header", "bad-bearer", "basic", "query+bad-header",
         "query+bad-bearer", "bad-query+header"],
)
async def test_missing_or_any_wrong_key_is_401(key: str | None, headers: dict[str, str]) -> None:
    async with running_server() as server:
        exc = await _rejected(server, key, headers)
        assert exc.response.status_code == 401
        assert _error_body(exc)["code"] == "authentication_failed"


async def test_auth_failures_throttle_even_a_correct_key() -> None:
    settings = make_settings(server={"max_auth_failures": 3, "auth_window_s": 60})
    async with running_server(settings) as server:
        for _ in range(3):
            assert (await _rejected(server, "wrong")).response.status_code == 401
        for key in (API_KEY, "wrong"):
            exc = await _rejected(server, key)
            assert exc.response.status_code == 429
            assert 1 <= int(exc.response.headers["Retry-After"]) <= 60
            assert _error_body(exc)["code"] == "rate_limited"
        assert (await http_get(server, "/stats", {"X-API-Key": API_KEY})).status == 429


async def test_a_successful_handshake_clears_the_failures() -> None:
    settings = make_settings(server={"max_auth_failures": 3, "auth_window_s": 60})
    async with running_server(settings) as server:
        for _ in range(3):
            for _ in range(2):
                assert (await _rejected(server, "wrong")).response.status_code == 401
            await _accepted(server, API_KEY, {})  # without the clearing, the 3rd round is 429


async def test_capacity_is_503_with_retry_after_1() -> None:
    settings = make_settings(server={"max_connections": 2})
    async with running_server(settings) as server, client(server), client(server):
        exc = await _rejected(server, API_KEY)
        assert exc.response.status_code == 503
        assert exc.response.headers["Retry-After"] == "1"
        assert _error_body(exc)["code"] == "server_at_capacity"


async def test_capacity_frees_a_slot_when_a_connection_closes() -> None:
    settings = make_settings(server={"max_connections": 1})
    async with running_server(settings) as server:
        async with client(server):
            assert (await _rejected(server)).response.status_code == 503
        for _ in range(3):
            async with client(server) as c:
                await c.send("ping")
                assert (await c.recv())["type"] == "pong"


async def test_a_bad_key_is_401_before_capacity_is_checked() -> None:
    settings = make_settings(server={"max_connections": 1})
    async with running_server(settings) as server, client(server):
        assert (await _rejected(server, "wrong")).response.status_code == 401


async def test_healthz_readyz_and_stats() -> None:
    async with running_server() as server:
        health = await http_get(server, "/healthz")
        assert (health.status, health.json()) == (200, {"status": "ok"})
        assert health.headers["Content-Type"] == "application/json"
        ready = await http_get(server, "/readyz")
        assert ready.status == 200
        assert (await http_get(server, "/stats")).status == 401
        assert (await http_get(server, "/stats?api_key=wrong")).status == 401
        async with client(server) as c:
            await c.ready()
            body = await stats(server)
            assert body["connections"] == 1
            assert body["sessions"] == {"attached": 1, "detached": 0}
            assert body["running_turns"] == 0
            assert body["engines"]["chat"] == {"engine": "echo", "running_requests": 0}
        bearer = await http_get(server, "/stats", {"Authorization": f"Bearer {API_KEY}"})
        assert bearer.status == 200


async def test_readyz_is_503_while_draining() -> None:
    async with running_server() as server:
        await server.drain()
        ready = await http_get(server, "/readyz")
        assert ready.status == 503
        assert "server" in ready.json()["not_ready"]
        exc = await _rejected(server)
        assert exc.response.status_code == 503
        assert "Retry-After" in exc.response.headers
        assert _error_body(exc)["code"] == "server_shutting_down"
        assert (await http_get(server, "/healthz")).status == 200
