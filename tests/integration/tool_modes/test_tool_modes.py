"""DEPLOY_MODE tool / both / chat over real sockets (issue: tool classifier)."""

from __future__ import annotations

import asyncio

import pytest
from harness import check_turn_frames, client
from tool_harness import ScriptedTool, tool_server


def _types(frames: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [f["type"] for f in frames]


async def test_both_mode_sends_toolcall_before_tokens() -> None:
    tool = ScriptedTool(delay_s=0.05)
    async with tool_server("both", tool) as server, client(server) as c:
        rid = await c.start("hello there")
        frames = await c.until_terminal(rid)
        types = _types(frames)
        assert types[0] == "toolcall" and types[-1] == "done" and "token" in types
        assert frames[0]["payload"] == {"status": "no", "raw": [], "score": 0.03}
        done = frames[-1]["payload"]
        assert done["timings"]["tool_ms"] is not None
        assert done["timings"]["tool_ms"] <= done["timings"]["ttft_ms"]


async def test_both_mode_yes_restarts_chat_with_screen_prefix_hidden() -> None:
    tool = ScriptedTool()
    async with tool_server("both", tool, sanitize=False) as server, client(server) as c:
        rid = await c.start("look at my screen")
        frames = await c.until_terminal(rid)
        assert frames[0]["type"] == "toolcall"
        assert frames[0]["payload"]["status"] == "yes"
        assert frames[0]["payload"]["raw"] == [{"name": "take_screenshot", "score": 0.97}]
        assert "MUST CHECK SCREEN" not in frames[-1]["payload"]["text"]
        session = server.store.get(c.session_id, asyncio.get_running_loop().time())
        assert session is not None
        # History keeps the user's own words, and the model's raw reply shows it saw the prefix
        # (the echo engine repeats the prompt's user content).
        assert session.history[0].content == "look at my screen"
        assert session.history[1].content.startswith("MUST CHECK SCREEN: look")


@pytest.mark.parametrize("sanitize", [True, False])
async def test_a_repeated_screen_prefix_never_reaches_the_client(sanitize: bool) -> None:
    async with tool_server("both", ScriptedTool(), sanitize=sanitize, tokens_per_second=200) as server, \
            client(server) as c:
        rid = await c.start("screen")  # the echo reply: the prefix and "screen", twice
        frames = await c.until_terminal(rid)
        check_turn_frames(frames, {rid})
        text = frames[-1]["payload"]["text"]
        assert "must check screen" not in text.lower()
        assert text.lower().split() == ["screen", "screen"]
        followup = await c.send("followup", {"analysis_text": "a chart"})  # chat mode's own prefix
        text = (await c.until_terminal(followup))[-1]["payload"]["text"]
        assert "on the screen now" not in text.lower() and text.lower().startswith("a chart")


async def test_tool_mode_toolcall_then_empty_done() -> None:
    async with tool_server("tool", ScriptedTool()) as server, client(server) as c:
        rid = await c.send("start", {"user_utterance": "what's on my screen"})
        frames = await c.until_terminal(rid)
        assert _types(frames) == ["toolcall", "done"]
        assert frames[1]["payload"]["text"] == ""
        assert frames[1]["payload"]["timings"]["ttft_ms"] is None
        rid = await c.send("message", {"user_utterance": "hello"})
        frames = await c.until_terminal(rid)
        assert frames[0]["payload"]["status"] == "no"


async def test_tool_mode_rejects_chat_fields_and_followup() -> None:
    async with tool_server("tool", ScriptedTool()) as server, client(server) as c:
        for field, value in (("chat_prompt", "x"), ("personality", "wholesome"), ("gender", "male")):
            await c.send("start", {field: value, "user_utterance": "hi"})
            error = await c.recv()
            assert error["payload"]["code"] == "mode_unsupported", field
            assert error["payload"]["details"]["field"] == field
        await c.send("start", {"history": [{"role": "user", "content": "earlier"}]})
        assert (await c.recv())["type"] == "ack"
        await c.send("followup", {"analysis_text": "a spreadsheet"})
        assert (await c.recv())["payload"]["code"] == "mode_unsupported"


async def test_chat_mode_sends_no_toolcall() -> None:
    tool = ScriptedTool()
    async with tool_server("chat", None) as server, client(server) as c:
        rid = await c.start("look at my screen")
        assert "toolcall" not in _types(await c.until_terminal(rid))
    assert tool.calls == []


async def test_followup_skips_the_tool_and_stores_what_the_model_saw() -> None:
    tool = ScriptedTool()
    async with tool_server("both", tool, sanitize=False) as server, client(server) as c:
        rid = await c.start("check my screen")
        await c.until_terminal(rid)
        calls = len(tool.calls)
        rid = await c.send("followup", {"analysis_text": "a cat video"})
        frames = await c.until_terminal(rid)
        assert "toolcall" not in _types(frames)
        assert len(tool.calls) == calls
        assert frames[-1]["payload"]["text"].split()[:2] == ["a", "cat"]  # the prefix stays server-side
        session = server.store.get(c.session_id, asyncio.get_running_loop().time())
        assert session is not None
        assert session.history[-1].content.startswith("ON THE SCREEN NOW: a cat")  # what the model said
        users = [e.content for e in session.history if e.role == "user"]
        # CHECK_SCREEN_PREFIX never reaches history; the followup's user content
        # is FOLLOWUP_PREFIX + text (PROTOCOL.md section 3), stored as the model saw it.
        assert users == ["check my screen", "ON THE SCREEN NOW: a cat video"]


async def test_tool_sees_recent_user_turns() -> None:
    tool = ScriptedTool()
    async with tool_server("both", tool) as server, client(server) as c:
        rid = await c.start("first thing")
        await c.until_terminal(rid)
        rid = await c.send("message", {"user_utterance": "second thing"})
        await c.until_terminal(rid)
        assert tool.calls[-1] == (("first thing",), "second thing")


async def test_barge_in_during_tool_decision_keeps_order() -> None:
    tool = ScriptedTool(delay_s=0.3)
    async with tool_server("both", tool, tokens_per_second=100) as server, client(server) as c:
        first = await c.start("hello one")
        await asyncio.sleep(0.05)
        second = await c.send("message", {"user_utterance": "hello two"})
        frames = await c.until_terminal(second)
        assert frames[0]["type"] == "cancelled" and frames[0]["request_id"] == first
        assert frames[0]["payload"]["text"] == ""
        later = [f for f in frames if f["request_id"] == second]
        assert _types(later)[0] == "toolcall" and _types(later)[-1] == "done"
        assert not [f for f in frames[1:] if f["request_id"] == first]


async def test_the_tool_is_told_which_earlier_turns_it_looked_at() -> None:
    tool = ScriptedTool()  # says yes when the utterance mentions the screen
    async with tool_server("both", tool) as server, client(server) as c:
        rid = await c.start("what's on my screen")
        await c.until_terminal(rid)
        for text in ("haha nice", "ok and now"):
            rid = await c.send("message", {"user_utterance": text})
            await c.until_terminal(rid)
        assert tool.calls[-1] == (("what's on my screen", "haha nice"), "ok and now")
        assert tool.looks[-1] == (True, False)
        session = server.store.get(c.session_id, asyncio.get_running_loop().time())
        assert session is not None and [e.looked for e in session.history if e.role == "user"] == \
            [True, False, False]


async def test_a_followup_marks_the_turn_before_it_as_looked_at() -> None:
    tool = ScriptedTool()
    async with tool_server("both", tool) as server, client(server) as c:
        rid = await c.start("which dress is cheaper")  # the tool says no here
        await c.until_terminal(rid)
        rid = await c.send("followup", {"analysis_text": "two dresses, 40 and 55 dollars"})
        await c.until_terminal(rid)
        rid = await c.send("message", {"user_utterance": "thanks"})
        await c.until_terminal(rid)
        assert tool.calls[-1] == (("which dress is cheaper",), "thanks")
        assert tool.looks[-1] == (True,)


async def test_a_start_that_resends_the_history_keeps_what_the_tool_looked_at() -> None:
    tool = ScriptedTool()
    async with tool_server("both", tool) as server, client(server) as c:
        rid = await c.start("look at my screen")
        frames = await c.until_terminal(rid)
        reply = frames[-1]["payload"]["text"]
        history = [{"role": "user", "content": "look at my screen"}, {"role": "assistant", "content": reply}]
        rid = await c.start("so what now", history=history)  # a client re-syncing its context
        await c.until_terminal(rid)
        assert tool.calls[-1] == (("look at my screen",), "so what now")
        assert tool.looks[-1] == (True,)
        other = await c.start("fresh start", history=[{"role": "user", "content": "something else"}])
        await c.until_terminal(other)
        assert tool.looks[-1] == (False,)


async def test_what_the_tool_looked_at_survives_a_reconnect() -> None:
    tool = ScriptedTool()
    async with tool_server("both", tool) as server:
        async with client(server) as first:
            rid = await first.start("see my screen")
            await first.until_terminal(rid)
            session_id = first.session_id
        async with client(server, session_id=session_id) as second:  # the session was kept detached
            rid = await second.send("message", {"user_utterance": "lol ok"})
            await second.until_terminal(rid)
        assert tool.calls[-1] == (("see my screen",), "lol ok")
        assert tool.looks[-1] == (True,)
