"""PROTOCOL.md section 6 over a socket: takeover, resumption, TTL."""

from __future__ import annotations

import asyncio

import pytest
from harness import (
    PROMPT,
    UNIT,
    chat_running,
    check_turn_frames,
    client,
    make_settings,
    running_server,
    stats,
)

SLOW = make_settings(echo={"tokens_per_second": 50, "reply_tokens": 20})
SYSTEM_WORDS = len(PROMPT.split())


@pytest.mark.parametrize("kind", ["message", "followup", "start", "cancel", "end"])
async def test_takeover_moves_the_session_and_closes_the_old_connection_4001(kind: str) -> None:
    async with running_server(SLOW) as server, client(server) as old:
        rid = await old.start("first words", personality="calm")
        frames = [await old.recv()]
        async with client(server, session_id=old.session_id) as new:
            await new.send("ping")  # binds but does not touch the session
            assert (await new.recv())["type"] == "pong"
            frames.append(await old.recv())
            assert frames[-1]["type"] == "token"
            payload = {"message": {"user_utterance": "second"}, "followup": {"analysis_text": "s"},
                       "start": {"chat_prompt": PROMPT}, "cancel": {}, "end": {}}[kind]
            new_rid = await new.send(kind, payload)
            more, code, reason = await old.until_closed()
            frames += more
            check_turn_frames(frames, {rid})
            assert frames[-1]["type"] == "cancelled" and frames[-1]["request_id"] == rid
            assert frames[-1]["payload"]["reason"] == "session_taken_over"
            assert (code, reason) == (4001, "session_taken_over")
            answer = await new.recv()
            assert answer["request_id"] == new_rid
            if kind == "cancel":
                assert answer["payload"]["active"] is False
            if kind in ("message", "followup"):
                rest = [answer, *await new.until_terminal(new_rid)]
                check_turn_frames(rest, {new_rid})
                prompt = rest[-1]["payload"]["usage"]["prompt_tokens"]
                partial = frames[-1]["payload"]["text"]
                assert prompt > SYSTEM_WORDS + 2 + len(partial.split())  # old turn is in history
                session = server.store.get(new.session_id, asyncio.get_running_loop().time())
                assert session is not None and session.persona.personality == "calm"
        await asyncio.sleep(0.02)
        assert await chat_running(server) == 0


async def test_resumption_within_ttl_and_expiry_after() -> None:
    settings = make_settings(sessions={"ttl_s": 0.4 * UNIT}, echo={"tokens_per_second": 0, "reply_tokens": 3})
    async with running_server(settings) as server:
        async with client(server, session_id="keep") as c:
            await c.ready(personality="warm", gender="male")
            await c.turn("one two")
        await asyncio.sleep(0.05)
        assert (await stats(server))["sessions"] == {"attached": 0, "detached": 1}
        async with client(server, session_id="keep") as c:
            frames = await c.turn("three")
            assert frames[-1]["payload"]["usage"]["prompt_tokens"] == SYSTEM_WORDS + 2 + 3 + 1
            assert (await stats(server))["sessions"] == {"attached": 1, "detached": 0}
            await asyncio.sleep(0.6 * UNIT)  # an attached session never expires
            assert (await c.turn("four"))[-1]["type"] == "done"
        await asyncio.sleep(0.6 * UNIT)
        assert (await stats(server))["sessions"] == {"attached": 0, "detached": 0}
        async with client(server, session_id="keep") as c:
            await c.send("message", {"user_utterance": "hello?"})
            assert (await c.recv())["payload"]["code"] == "no_session"


async def test_store_max_evicts_the_least_recently_used_detached_session() -> None:
    settings = make_settings(sessions={"store_max": 2}, echo={"tokens_per_second": 0})
    async with running_server(settings) as server:
        for sid in ("a", "b"):
            async with client(server, session_id=sid) as c:
                await c.ready()
        async with client(server, session_id="a") as c:
            await c.send("cancel")  # touches "a": now "b" is the oldest
            await c.recv()
        async with client(server, session_id="c") as c:
            await c.ready()
            assert len(server.store) == 2
        now = asyncio.get_running_loop().time()
        assert server.store.get("b", now) is None and server.store.get("a", now) is not None
