"""PROTOCOL.md sections 1-3 over a socket: frame checks and their order."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from harness import PROMPT, client, make_settings, running_server

FAST = make_settings(echo={"tokens_per_second": 0})
SLOW = make_settings(echo={"tokens_per_second": 40, "reply_tokens": 8})


def _error(frame: dict[str, object], code: str, field: str | None = None) -> dict[str, object]:
    assert frame["type"] == "error", frame
    payload = frame["payload"]
    assert isinstance(payload, dict)
    assert payload["code"] == code, frame
    if field is not None:
        assert payload["details"]["field"] == field, frame
    return payload


async def test_oversized_frame_closes_1009() -> None:
    settings = make_settings(server={"max_message_bytes": 1024})
    async with running_server(settings) as server, client(server) as c:
        await c.send("ping", {"x": "a" * 2000})
        frames, code, _ = await c.until_closed()
        assert frames == [] and code == 1009


async def test_binary_frame_is_invalid_message_and_keeps_the_connection() -> None:
    async with running_server(FAST) as server, client(server) as c:
        await c.send_raw(b'{"type":"ping","session_id":"s","request_id":"r"}')
        frame = await c.recv()
        _error(frame, "invalid_message")
        assert frame["session_id"] == frame["request_id"] == "unknown"
        rid = await c.send("ping")
        assert (await c.recv())["request_id"] == rid


@pytest.mark.parametrize(
    ("raw", "field", "ids"),
    [
        ("{not json", None, ("unknown", "unknown")),
        ("[1, 2]", None, ("unknown", "unknown")),
        ('{"type":"ping","session_id":"s","request_id":"r","extra":1}', "extra", ("s", "r")),
        ('{"type":"ping","session_id":"s","request_id":"r","payload":{"x":1}}', "x", ("s", "r")),
        ('{"type":"ping","session_id":"s","request_id":"r","v":2}', "v", ("s", "r")),
        ('{"type":"ping","session_id":"s","request_id":"r","v":1.0}', "v", ("s", "r")),
        ('{"type":"ping","session_id":"s","request_id":"r","v":true}', "v", ("s", "r")),
        ('{"type":"nope","session_id":"s","request_id":"r"}', "type", ("s", "r")),
        ('{"type":"ping","session_id":"bad id!","request_id":"r"}', "session_id", ("unknown", "r")),
        ('{"type":"ping","session_id":"s","request_id":""}', "request_id", ("s", "unknown")),
        ('{"type":"ping","session_id":"s","request_id":"r","payload":[]}', "payload", ("s", "r")),
    ],
    ids=["bad-json", "not-object", "unknown-top", "unknown-payload", "v2", "v-float", "v-bool",
         "type", "session-id", "request-id", "payload-list"],
)
async def test_bad_frames_are_invalid_message(raw: str, field: str | None, ids: tuple[str, str]) -> None:
    async with running_server(FAST) as server, client(server, session_id="s") as c:
        await c.send_raw(raw)
        frame = await c.recv()
        _error(frame, "invalid_message", field)
        assert (frame["session_id"], frame["request_id"]) == ids
        await c.send("ping", request_id="after")
        assert (await c.recv())["type"] == "pong"


async def test_v1_is_accepted() -> None:
    async with running_server(FAST) as server, client(server, session_id="s") as c:
        await c.send_raw('{"type":"ping","session_id":"s","request_id":"r","v":1,"payload":{}}')
        assert (await c.recv()) == {"type": "pong", "session_id": "s", "request_id": "r", "payload": {}}


async def test_session_binding_by_first_valid_frame() -> None:
    async with running_server(FAST) as server, client(server, session_id="a") as c:
        await c.send_raw("{bad")
        _error(await c.recv(), "invalid_message")
        await c.send("ping", session_id="a")  # binds, although it is only a ping
        assert (await c.recv())["type"] == "pong"
        rid = await c.send("ping", session_id="b")
        frame = await c.recv()
        _error(frame, "invalid_message", "session_id")
        assert (frame["session_id"], frame["request_id"]) == ("b", rid)
        await c.send("start", {"chat_prompt": PROMPT, "user_utterance": "hi"}, session_id="b")
        _error(await c.recv(), "invalid_message", "session_id")
        assert len(server.store) == 0


async def test_ping_pong_need_no_session() -> None:
    async with running_server(FAST) as server, client(server) as c:
        rid = await c.send("ping", {})
        assert await c.recv() == {"type": "pong", "session_id": c.session_id, "request_id": rid,
                                  "payload": {}}
        await c.send("pong")
        await c.send("ping", request_id="p2")
        assert (await c.recv())["request_id"] == "p2"  # the pong frame got no answer


@pytest.mark.parametrize("kind", ["message", "followup"])
async def test_no_session(kind: str) -> None:
    payload = {"user_utterance": "hi"} if kind == "message" else {"analysis_text": "a screen"}
    async with running_server(FAST) as server, client(server) as c:
        rid = await c.send(kind, payload)
        frame = await c.recv()
        _error(frame, "no_session", "session_id")
        assert frame["request_id"] == rid


async def test_start_requires_chat_prompt_in_chat_mode() -> None:
    async with running_server(FAST) as server, client(server) as c:
        await c.send("start", {"user_utterance": "hi"})
        _error(await c.recv(), "invalid_message", "chat_prompt")
        assert len(server.store) == 0


async def test_duplicate_request_id_leaves_the_running_turn_undisturbed() -> None:
    async with running_server(SLOW) as server, client(server) as c:
        rid = await c.start("one two three")
        first = await c.recv()
        assert first["type"] == "token"
        await c.send("message", {"user_utterance": "other"}, request_id=rid)
        await c.send("message", {"user_utterance": ""}, request_id=rid)  # invalid and duplicate
        await c.send("followup", {"analysis_text": "x"}, request_id=rid)
        await c.send("start", {"chat_prompt": PROMPT, "user_utterance": "x"}, request_id=rid)
        frames = [first, *await c.until_type("done")]
        errors = [f for f in frames if f["type"] == "error"]
        assert len(errors) == 4
        for error in errors:
            _error(error, "duplicate_request_id", "request_id")
            assert error["request_id"] == rid
        done = frames[-1]
        assert done["type"] == "done"
        tokens = "".join(f["payload"]["text"] for f in frames if f["type"] == "token")
        assert done["payload"]["text"] == tokens
        assert done["payload"]["usage"]["completion_tokens"] == 8


async def test_a_rejected_frame_does_not_barge_in() -> None:
    async with running_server(SLOW) as server, client(server) as c:
        rid = await c.start("one two three")
        assert (await c.recv())["type"] == "token"
        await c.send("message", {"user_utterance": "  "})
        await c.send("message", {"user_utterance": "x", "sampling": {"top_k": 1.5}})
        await c.send("message", {"user_utterance": "x", "bogus": 1})
        await c.send("followup", {"analysis_text": ""})
        await c.send("start", {"chat_prompt": PROMPT, "personality": "BAD!"})
        frames = await c.until_terminal(rid)
        codes = [f["payload"]["code"] for f in frames if f["type"] == "error"]
        assert codes == ["invalid_message", "invalid_sampling", "invalid_message",
                         "invalid_message", "invalid_message"]
        assert frames[-1]["type"] == "done"


async def test_rejected_frames_leave_the_session_unchanged() -> None:
    async with running_server(FAST) as server, client(server) as c:
        ack = await c.ready(personality="Calm", gender="female", sampling={"max_tokens": 3})
        assert ack["payload"] == {"for": "start", "personality": "calm", "gender": "female",
                                  "history_messages": 0, "history_tokens": 0}
        before = server.store.get(c.session_id, asyncio.get_running_loop().time())
        assert before is not None
        state = (before.persona, list(before.history), before.sampling)
        await c.send("start", {"chat_prompt": "x", "sampling": {"temperature": 5}})
        _error(await c.recv(), "invalid_sampling", "sampling.temperature")
        await c.send("start", {"chat_prompt": "{gender} and {personality}", "gender": "male"})
        _error(await c.recv(), "invalid_message", "personality")
        after = server.store.get(c.session_id, asyncio.get_running_loop().time())
        assert after is before and (after.persona, after.history, after.sampling) == state
        done = (await c.turn("a b c d e"))[-1]
        assert done["payload"]["finish_reason"] == "length"


async def test_start_with_blank_utterance_acks() -> None:
    async with running_server(FAST) as server, client(server) as c:
        rid = await c.send("start", {"chat_prompt": PROMPT, "user_utterance": "   "})
        frame = await c.recv()
        assert (frame["type"], frame["request_id"]) == ("ack", rid)


async def test_bad_input_does_not_affect_another_connection() -> None:
    async with running_server(SLOW) as server, client(server) as good, client(server) as bad:
        rid = await good.start("steady words here")
        for _ in range(5):
            await bad.send_raw("garbage")
        await bad.send_raw(b"\x00")
        frames = await good.until_terminal(rid)
        assert frames[-1]["type"] == "done"
        assert all(f["type"] == "token" for f in frames[:-1])
        for _ in range(6):
            _error(await bad.recv(), "invalid_message")


def test_frames_are_json_objects() -> None:
    assert orjson.loads(b'{"a":1}') == {"a": 1}
