"""PROTOCOL.md sections 3-5 over a socket: turns, cancels, barge-in, end."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import (
    PROMPT,
    UNIT,
    Client,
    chat_running,
    check_turn_frames,
    client,
    make_settings,
    running_server,
    stats,
)

from cadence.server.app import CadenceServer
from cadence.session.state import Session

FAST = make_settings(echo={"tokens_per_second": 0})
SLOW = make_settings(echo={"tokens_per_second": 50, "reply_tokens": 12})
SYSTEM_WORDS = len(PROMPT.split())


def _session(server: CadenceServer, session_id: str) -> Session:
    session = server.store.get(session_id, asyncio.get_running_loop().time())
    assert session is not None
    return session


def _history(server: CadenceServer, session_id: str) -> list[tuple[str, str]]:
    return [(e.role, e.content) for e in _session(server, session_id).history]


async def _freed_within(server: CadenceServer, seconds: float = 0.1) -> None:
    """Guarantee 4: the engine's running count reaches 0 within ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds * UNIT
    while await chat_running(server):
        assert loop.time() < deadline, "engine request still running"
        await asyncio.sleep(0.005)


async def test_turn_done_fields_and_no_toolcall_in_chat_mode() -> None:
    async with running_server(FAST) as server, client(server) as c:
        rid = await c.start("alpha beta")
        frames = await c.until_terminal(rid)
        check_turn_frames(frames, {rid})
        assert {f["type"] for f in frames} == {"token", "done"}
        done = frames[-1]["payload"]
        assert done["finish_reason"] == "stop" and done["truncated"] is False
        assert done["usage"] == {"prompt_tokens": SYSTEM_WORDS + 2, "completion_tokens": 40,
                                 "cached_prompt_tokens": 0, "total_tokens": SYSTEM_WORDS + 42}
        assert done["timings"]["tool_ms"] is None and done["timings"]["ttft_ms"] is not None
        assert done["text"] == " ".join(["alpha", "beta"] * 20)
        followup = await c.send("followup", {"analysis_text": "screen"})
        frames = await c.until_terminal(followup)
        assert {f["type"] for f in frames} == {"token", "done"}


async def test_cancel_when_idle_answers_with_its_own_id() -> None:
    async with running_server(FAST) as server, client(server) as c:
        rid = await c.send("cancel", {})  # no session at all
        assert await c.recv() == {"type": "cancelled", "session_id": c.session_id, "request_id": rid,
                                  "payload": {"reason": "client_request", "text": "", "active": False}}
        await c.ready()
        rid = await c.send("cancel", {"reason": "user hung up"})
        frame = await c.recv()
        assert frame["request_id"] == rid and frame["payload"]["active"] is False
        assert frame["payload"]["reason"] == "client_request"


async def test_cancel_mid_turn_ends_it_with_the_partial_text() -> None:
    async with running_server(SLOW) as server, client(server) as c:
        rid = await c.start("one two three")
        frames = [await c.recv(), await c.recv()]
        cancel = await c.send("cancel", {"reason": "stop"})
        frames += await c.until_terminal(rid)
        check_turn_frames(frames, {rid})
        cancelled = frames[-1]
        assert cancelled["type"] == "cancelled" and cancelled["request_id"] == rid
        payload = cancelled["payload"]
        assert payload["reason"] == "client_request" and payload["active"] is True
        assert payload["text"].startswith("one two")
        await _freed_within(server)
        assert (await stats(server))["running_turns"] == 0
        await c.send("ping", request_id="p")
        assert (await c.recv())["request_id"] == "p"  # nothing else came for the cancel
        assert cancel != rid
        partial = payload["text"]
        assert _history(server, c.session_id) == [("user", "one two three"), ("assistant", partial)]
        done = (await c.turn("next"))[-1]
        expected = SYSTEM_WORDS + 3 + len(partial.split()) + 1
        assert done["payload"]["usage"]["prompt_tokens"] == expected


async def test_cancel_before_any_token_records_no_assistant_message() -> None:
    async with running_server(make_settings(echo={"tokens_per_second": 2})) as server, client(server) as c:
        rid = await c.start("quiet please")
        await c.send("cancel")
        frames = await c.until_terminal(rid)
        assert frames[-1]["payload"]["text"] == "" and frames[-1]["payload"]["active"] is True
        assert _history(server, c.session_id) == [("user", "quiet please")]


async def _barge(c: Client, kind: str) -> tuple[str, str, list[dict[str, Any]]]:
    first = await c.start("old words")
    frames = [await c.recv()]
    if kind == "start":
        second = await c.start("new words", personality="bright")
    elif kind == "message":
        second = await c.send("message", {"user_utterance": "new words"})
    else:
        second = await c.send("followup", {"analysis_text": "new words"})
    frames += await c.until_terminal(second)
    return first, second, frames


async def _check_barge(c: Client, kind: str) -> list[dict[str, Any]]:
    first, second, frames = await _barge(c, kind)
    check_turn_frames(frames, {first, second})
    ends = [i for i, f in enumerate(frames) if f["request_id"] == first and f["type"] == "cancelled"]
    starts = [i for i, f in enumerate(frames) if f["request_id"] == second]
    assert len(ends) == 1 and ends[0] < starts[0]
    assert frames[ends[0]]["payload"]["reason"] == "barge_in"
    assert frames[-1]["type"] == "done"
    return frames


async def test_barge_in_by_message_and_followup_sees_the_interrupted_exchange() -> None:
    async with running_server(SLOW) as server, client(server) as c:
        frames = await _check_barge(c, "message")
        partial = next(f for f in frames if f["type"] == "cancelled")["payload"]["text"]
        done = frames[-1]["payload"]
        expected = SYSTEM_WORDS + 2 + len(partial.split()) + 2
        assert done["usage"]["prompt_tokens"] == expected
        history = _history(server, c.session_id)
        assert history[:2] == [("user", "old words"), ("assistant", partial)]
        assert history[2] == ("user", "new words")
    async with running_server(SLOW) as server, client(server) as c:
        frames = await _check_barge(c, "followup")
        assert frames[-1]["payload"]["text"].startswith("new words")  # the model's copy of the prefix is removed
        assert _history(server, c.session_id)[-1][1].startswith("ON THE SCREEN NOW: new words")


async def test_barge_in_by_start_replaces_the_session() -> None:
    async with running_server(SLOW) as server, client(server) as c:
        frames = await _check_barge(c, "start")
        session = _session(server, c.session_id)
        assert session.persona.personality == "bright"
        assert session.history[0].content == "new words"
        assert frames[-1]["payload"]["usage"]["prompt_tokens"] == SYSTEM_WORDS + 2


async def test_back_to_back_messages_each_get_one_terminal_frame() -> None:
    async with running_server(FAST) as server, client(server) as c:
        await c.ready()
        rids = [await c.send("message", {"user_utterance": f"turn {i}"}) for i in range(4)]
        frames = await c.until_terminal(rids[-1])
        check_turn_frames(frames, set(rids))
        for rid in rids[:-1]:
            ends = [f for f in frames if f["request_id"] == rid]
            assert [f["type"] for f in ends][-1] == "cancelled"
            assert ends[-1]["payload"]["reason"] == "barge_in"
        assert frames[-1]["type"] == "done"
        await _freed_within(server)
        await c.send("ping", request_id="p")
        assert (await c.recv())["request_id"] == "p"


async def test_start_then_message_back_to_back() -> None:
    async with running_server(FAST) as server, client(server) as c:
        first = await c.start("hello")
        second = await c.send("message", {"user_utterance": "again"})
        frames = await c.until_terminal(second)
        check_turn_frames(frames, {first, second})
        assert [f["type"] for f in frames if f["request_id"] == first][-1] == "cancelled"


async def test_end_cancels_replies_and_closes_1000_and_forgets() -> None:
    async with running_server(SLOW) as server:
        async with client(server) as c:
            rid = await c.start("talk to me")
            first = await c.recv()
            end = await c.send("end", {})
            frames, code, _ = await c.until_closed()
            frames.insert(0, first)
            check_turn_frames(frames, {rid})
            kinds = [(f["type"], f["request_id"]) for f in frames[-2:]]
            assert kinds == [("cancelled", rid), ("session_end", end)]
            assert frames[-2]["payload"]["reason"] == "session_end"
            assert frames[-1]["payload"] == {"reason": "client_request"}
            assert code == 1000
        await _freed_within(server)
        assert len(server.store) == 0
        async with client(server, session_id=c.session_id) as again:
            await again.send("message", {"user_utterance": "hi"})
            assert (await again.recv())["payload"]["code"] == "no_session"


async def test_end_without_session() -> None:
    async with running_server(FAST) as server, client(server) as c:
        end = await c.send("end")
        frames, code, _ = await c.until_closed()
        assert [(f["type"], f["request_id"]) for f in frames] == [("session_end", end)]
        assert code == 1000


async def test_disconnect_mid_turn_frees_the_engine_and_records_history() -> None:
    async with running_server(SLOW) as server:
        async with client(server) as c:
            await c.start("leaving now")
            await c.recv()
            assert await chat_running(server) == 1
        await _freed_within(server)
        await asyncio.sleep(0.05 * UNIT)
        body = await stats(server)
        assert body["running_turns"] == 0 and body["sessions"] == {"attached": 0, "detached": 1}
        history = _history(server, c.session_id)
        assert history[0] == ("user", "leaving now")
        assert len(history) == 2 and "leaving now".startswith(history[1][1])


async def test_barge_in_aborts_the_old_engine_request() -> None:
    async with running_server(SLOW) as server, client(server) as c:
        first = await c.start("old turn")
        await c.recv()
        second = await c.send("message", {"user_utterance": "new turn"})
        frames = await c.until_type("cancelled")
        assert frames[-1]["request_id"] == first
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.1 * UNIT
        while await chat_running(server) > 1:
            assert loop.time() < deadline, "the barged-in request still runs"
            await asyncio.sleep(0.005)
        await c.send("cancel")
        frames = await c.until_terminal(second)
        assert frames[-1]["type"] == "cancelled"
        await _freed_within(server)
