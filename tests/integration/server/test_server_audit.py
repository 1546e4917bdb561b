"""The reliability audit's findings (issue 17), each over a real socket.

Every test here failed before its fix.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from harness import (
    API_KEY,
    UNIT,
    check_turn_frames,
    client,
    http_get,
    make_settings,
    running_server,
)

from cadence.engines.echo import EchoConfig, EchoEngine
from cadence.server.app import CadenceServer
from cadence.turns.config import CoreConfig


class SlowLoadingEcho(EchoEngine):
    """An echo engine whose ``start`` waits until the test lets it finish."""

    def __init__(self, loaded: asyncio.Event) -> None:
        super().__init__(EchoConfig(tokens_per_second=0, reply_tokens=4))
        self._loaded = loaded

    async def start(self) -> None:
        await self._loaded.wait()
        await super().start()


async def test_ws_during_loading_is_refused_with_503_then_works_once_ready() -> None:
    settings = make_settings()
    loaded = asyncio.Event()
    server = CadenceServer(settings, CoreConfig(sessions=settings.sessions), SlowLoadingEcho(loaded))
    starting = asyncio.create_task(server.start())
    try:
        while server._server is None:  # the socket opens before the engine loads  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        reply = await http_get(server, f"/ws?api_key={API_KEY}", upgrade=True)
        assert reply.status == 503 and float(reply.headers["Retry-After"]) > 0
        payload = reply.json()["payload"]
        assert payload["code"] == "server_not_ready"
        assert payload["details"]["not_ready"] == {"chat": "loading the echo engine"}
        loaded.set()
        await starting
        async with client(server) as c:
            await c.ready()
            frames = await c.turn("hello there")
            assert frames[-1]["type"] == "done" and frames[-1]["payload"]["text"] == "hello there hello there"
    finally:
        loaded.set()
        await asyncio.gather(starting, return_exceptions=True)
        await server.aclose()


async def test_echo_replies_to_the_current_user_content_only() -> None:
    slow = make_settings(echo={"tokens_per_second": 2, "reply_tokens": 4})  # first token at 0.5 s
    async with running_server(slow) as server, client(server) as c:
        await c.ready()
        alpha = await c.send("message", {"user_utterance": "alpha"})
        await c.send("cancel")  # before its first token: history ends with a user message
        frames = await c.until_terminal(alpha)
        assert frames[-1]["type"] == "cancelled" and frames[-1]["payload"]["text"] == ""
        frames = await c.turn("beta", sampling={"max_tokens": 2})
        assert frames[-1]["payload"]["text"] == "beta beta"
    fast = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 4})
    async with running_server(fast) as server, client(server) as c:
        await c.ready(history=[{"role": "user", "content": "alpha"}])
        frames = await c.turn("beta")
        assert frames[-1]["payload"]["text"] == "beta beta beta beta"


async def test_the_cancel_reason_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(echo={"tokens_per_second": 20})
    async with running_server(settings) as server, client(server) as c:
        caplog.set_level(logging.INFO, logger="cadence.turns")
        rid = await c.start("keep talking")
        await c.recv()
        cancel = await c.send("cancel", {"reason": "user hung up\nnow"})
        await c.until_terminal(rid)
        idle = await c.send("cancel", {})
        await c.recv()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("cancel ")]
    assert f"request={cancel} turn={rid} reason='user hung up\\nnow'" in lines[0]
    assert f"request={idle} turn=None reason=-" in lines[1]


async def test_an_abuse_close_cancels_the_turn_with_its_own_reason() -> None:
    settings = make_settings(echo={"tokens_per_second": 10}, limits={"max_invalid": 2})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("keep talking for a while")
        for _ in range(3):
            await c.send_raw("not json")
        frames, code, _ = await c.until_closed()
        check_turn_frames(frames, {rid})
        cancelled = next(f for f in frames if f["type"] == "cancelled")
        assert cancelled["request_id"] == rid
        assert cancelled["payload"]["reason"] == "policy_violation"
        assert code == 1008


async def test_a_detached_session_lives_ttl_from_its_last_activity() -> None:
    ttl = 0.4 * UNIT
    settings = make_settings(sessions={"ttl_s": ttl})
    async with running_server(settings) as server:
        async with client(server, "quiet") as c:
            await c.ready()
            await asyncio.sleep(ttl * 1.5)  # attached: never expires, but no activity either
        async with client(server, "quiet") as c:
            await c.send("message", {"user_utterance": "still there?"})
            assert (await c.recv())["payload"]["code"] == "no_session"
        async with client(server, "busy") as c:
            await c.ready()
            await asyncio.sleep(ttl * 0.6)
            await c.turn("one more")  # activity just before the disconnect
        await asyncio.sleep(ttl * 0.6)
        async with client(server, "busy") as c:
            frames = await c.turn("still there?")
            assert frames[-1]["type"] == "done"


async def test_followup_in_tool_mode_is_a_mode_error_before_a_session_error() -> None:
    async with running_server(make_settings(mode="tool")) as server, client(server) as c:
        await c.send("followup", {"analysis_text": "a screen"})  # no session either
        assert (await c.recv())["payload"]["code"] == "mode_unsupported"
