"""Deployment modes without a tool router, readiness, and close 1011."""

from __future__ import annotations

import pytest
from harness import PROMPT, chat_running, check_turn_frames, client, http_get, make_settings, running_server

from cadence.turns.core import ConnectionCore


async def test_tool_only_mode_refuses_chat_requests() -> None:
    async with running_server(make_settings(mode="tool")) as server, client(server) as c:
        await c.send("start", {"chat_prompt": PROMPT})
        error = (await c.recv())["payload"]
        assert (error["code"], error["details"]["field"]) == ("mode_unsupported", "chat_prompt")
        await c.send("start", {"sampling": {"temperature": 0.5}})
        assert (await c.recv())["payload"]["code"] == "mode_unsupported"
        rid = await c.send("start", {})
        assert (await c.recv())["type"] == "ack" and rid
        await c.send("followup", {"analysis_text": "screen"})
        assert (await c.recv())["payload"]["code"] == "mode_unsupported"
        assert "chat" not in (await http_get(server, "/stats", {"X-API-Key": "test-key"})).json()["engines"]


async def test_readyz_names_what_is_not_ready() -> None:
    async with running_server() as server:
        server.gate.not_ready = {"chat": "loading the echo engine"}
        reply = await http_get(server, "/readyz")
        assert reply.status == 503 and reply.json()["not_ready"] == {"chat": "loading the echo engine"}


@pytest.mark.parametrize("where", ["_on_cancel", "text_filter"])  # a client frame; the per-token path
async def test_a_bug_ends_the_turn_with_internal_error_and_closes_1011(
    monkeypatch: pytest.MonkeyPatch, where: str,
) -> None:
    def broken(self: object, *args: object) -> None:
        raise RuntimeError("bug")

    settings = make_settings(echo={"tokens_per_second": 50})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("keep talking")
        first = await c.recv()
        if where == "_on_cancel":
            monkeypatch.setattr(ConnectionCore, where, broken)
            await c.send("cancel")
        else:  # the next token's text goes through the turn's filter, then fails
            (handler,) = server.handlers
            turn = handler.core.running_turn
            assert turn is not None
            monkeypatch.setattr(type(turn.text_filter), "feed", broken)
        frames, code, _ = await c.until_closed()
        frames.insert(0, first)
        check_turn_frames(frames, {rid})
        last = frames[-1]
        assert (last["type"], last["request_id"], last["payload"]["code"]) == ("error", rid, "internal_error")
        assert "bug" not in last["payload"]["message"]
        assert code == 1011
        assert await chat_running(server) == 0


async def test_abuse_close_during_a_turn_ends_it_first() -> None:
    settings = make_settings(limits={"max_invalid": 1}, echo={"tokens_per_second": 50})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("keep talking")
        first = await c.recv()
        await c.send_raw("{")
        await c.send_raw("{")
        frames, code, _ = await c.until_closed()
        frames.insert(0, first)
        check_turn_frames(frames, {rid})
        kinds = [f["type"] for f in frames if f["type"] != "token"]
        assert kinds == ["error", "error", "cancelled"] and code == 1008
        assert await chat_running(server) == 0
