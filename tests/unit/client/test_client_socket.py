"""The client over a real socket, against the in-process echo server.

Covers what the pure-core tests cannot: reconnect and resume, takeover,
``end``, ``ping``, an idle ``cancel`` and handshake failures.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "server"))

from harness import API_KEY, make_settings, running_server
from scale import UNIT

from cadence.client import (
    AuthenticationError,
    CadenceClient,
    CancelledFrame,
    Outcome,
    ReconnectPolicy,
    SessionClosed,
    SessionEndFrame,
    TokenFrame,
)
from cadence.server.app import CadenceServer

PROMPT = "You are a {personality} {gender} assistant."


@asynccontextmanager
async def server(tokens_per_second: float = 0.0) -> AsyncIterator[CadenceServer]:
    async with running_server(make_settings(echo={"tokens_per_second": tokens_per_second})) as srv:
        yield srv


def client(srv: CadenceServer, **kwargs: Any) -> CadenceClient:
    kwargs.setdefault("recv_timeout", 5.0 * UNIT)
    kwargs.setdefault("reconnect", ReconnectPolicy(base_delay_s=0.01, max_attempts=3))
    return CadenceClient(f"ws://127.0.0.1:{srv.port}", api_key=API_KEY, **kwargs)


async def test_turns_ping_and_end() -> None:
    async with server() as srv, client(srv, auth="query") as c:
        turn = await c.start(PROMPT, personality="calm", gender="male", user_utterance="one two three. four")
        frames = [f async for f in turn]
        result = await turn.result()
        assert result.outcome is Outcome.DONE
        assert "".join(f.text for f in frames if isinstance(f, TokenFrame)) == result.text
        t = result.timings
        assert t.ttft_ms is not None and t.first_3_words_ms is not None and t.first_sentence_ms is not None
        assert t.ttft_ms <= t.first_3_words_ms <= t.total_ms  # type: ignore[operator]
        assert await c.ping() > 0
        assert isinstance(await c.end(), SessionEndFrame)
        assert c.close_code == 1000
        with pytest.raises(SessionClosed):
            await c.message("hello")


async def test_reconnect_resumes_the_session_without_resending_the_persona() -> None:
    async with server() as srv, client(srv) as c:
        first = await (await c.start(PROMPT, personality="calm", gender="male", user_utterance="alpha")).result()
        assert c._ws is not None
        c._ws.transport.abort()  # the network drops
        await c.wait_closed()
        later = await (await c.message("beta")).result()
        assert later.outcome is Outcome.DONE and c.reconnects == 1
        assert later.usage is not None and first.usage is not None
        # history (alpha + its reply) and the persona prompt are still on the server
        assert later.usage.prompt_tokens > first.usage.prompt_tokens + first.usage.completion_tokens


async def test_running_turn_ends_disconnected_when_the_connection_drops() -> None:
    async with server(tokens_per_second=100) as srv, client(srv) as c:
        turn = await c.start(PROMPT, personality="calm", gender="male", user_utterance="long reply please")
        async for frame in turn:
            if isinstance(frame, TokenFrame):
                assert c._ws is not None
                c._ws.transport.abort()
        result = await turn.result()
        assert result.outcome is Outcome.DISCONNECTED and result.close is not None


async def test_takeover_closes_the_old_client_for_good() -> None:
    async with server() as srv, client(srv) as old:
        await (await old.start(PROMPT, personality="calm", gender="male")).result()
        async with client(srv, session_id=old.session_id) as new:
            assert (await (await new.message("mine now")).result()).ok
            assert await old.wait_closed() == (4001, "session_taken_over")
            with pytest.raises(SessionClosed):
                await old.message("still mine?")


async def test_cancel_with_nothing_running_returns_the_inactive_cancelled() -> None:
    async with server() as srv, client(srv) as c:
        answer = await c.cancel()
        assert isinstance(answer, CancelledFrame) and answer.active is False


async def test_bad_key_is_not_retried() -> None:
    async with server() as srv:
        bad = CadenceClient(f"ws://127.0.0.1:{srv.port}/ws", api_key="wrong")
        with pytest.raises(AuthenticationError):
            await bad.connect()
