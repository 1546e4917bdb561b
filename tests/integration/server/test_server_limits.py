"""PROTOCOL.md section 6 over a socket: rate limits, abuse, idle timeout."""

from __future__ import annotations

import asyncio

from harness import UNIT, client, make_settings, running_server, stats


def _limited(settings_limits: dict[str, object], **server: object):  # type: ignore[no-untyped-def]
    return make_settings(limits=settings_limits, server=server,
                         echo={"tokens_per_second": 0, "reply_tokens": 2})


async def test_message_rate_limit_drops_and_rejected_frames_use_no_budget() -> None:
    settings = _limited({"max_messages": 3, "message_window_s": 0.5 * UNIT})
    async with running_server(settings) as server, client(server) as c:
        await c.ready()  # 1
        for _ in range(3):  # rejected frames: no budget used
            await c.send("message", {"user_utterance": ""})
            assert (await c.recv())["payload"]["code"] == "invalid_message"
        await c.turn("a")  # 2
        await c.turn("b")  # 3
        for _ in range(5):
            await c.send("ping")
            assert (await c.recv())["type"] == "pong"  # ping is exempt
        rid = await c.send("message", {"user_utterance": "c"})
        frame = await c.recv()
        assert frame["request_id"] == rid and frame["payload"]["code"] == "rate_limited"
        assert 0 < frame["payload"]["details"]["retry_after_s"] <= 0.5 * UNIT
        await c.send("followup", {"analysis_text": "x"})
        assert (await c.recv())["payload"]["code"] == "rate_limited"
        await asyncio.sleep(frame["payload"]["details"]["retry_after_s"] + 0.02)
        assert (await c.turn("d"))[-1]["type"] == "done"


async def test_a_rate_limited_frame_does_not_barge_in() -> None:
    settings = make_settings(limits={"max_messages": 1}, echo={"tokens_per_second": 50, "reply_tokens": 8})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("running turn")
        await c.send("message", {"user_utterance": "too many"})
        frames = await c.until_terminal(rid)
        assert frames[-1]["type"] == "done"
        assert [f["payload"]["code"] for f in frames if f["type"] == "error"] == ["rate_limited"]


async def test_cancel_rate_limit_and_end_is_exempt() -> None:
    settings = _limited({"max_cancels": 2, "cancel_window_s": 60})
    async with running_server(settings) as server, client(server) as c:
        for _ in range(2):
            await c.send("cancel")
            assert (await c.recv())["type"] == "cancelled"
        await c.send("cancel", {"reason": 5})  # invalid: uses no budget
        assert (await c.recv())["payload"]["code"] == "invalid_message"
        rid = await c.send("cancel")
        frame = await c.recv()
        assert (frame["request_id"], frame["payload"]["code"]) == (rid, "rate_limited")
        await c.ready()  # turn-starting frames have their own budget
        await c.send("end")
        frames, code, _ = await c.until_closed()
        assert frames[-1]["type"] == "session_end" and code == 1000


async def test_zero_disables_a_limit() -> None:
    settings = _limited({"max_messages": 0, "max_cancels": 0})
    async with running_server(settings) as server, client(server) as c:
        await c.ready()
        for i in range(25):
            await c.send("cancel")
            assert (await c.recv())["type"] == "cancelled"
            await c.turn(f"x{i}")


async def test_abuse_sends_the_error_then_closes_1008() -> None:
    settings = _limited({"max_invalid": 3})
    async with running_server(settings) as server, client(server) as bystander, client(server) as c:
        await bystander.ready()
        await c.send_raw("nope")
        await c.send("start", {"chat_prompt": "x", "sampling": {"top_k": -1}})
        await c.send("rate", {})
        for _ in range(3):
            assert (await c.recv())["type"] == "error"
        await c.send("ping")  # valid frames never count
        assert (await c.recv())["type"] == "pong"
        await c.send_raw("{")
        frames, code, reason = await c.until_closed()
        assert [f["payload"]["code"] for f in frames] == ["invalid_message"]
        assert code == 1008 and reason
        assert (await bystander.turn("still here"))[-1]["type"] == "done"


async def test_other_errors_do_not_count_as_abuse() -> None:
    settings = _limited({"max_invalid": 2, "max_messages": 1})
    async with running_server(settings) as server, client(server) as c:
        for _ in range(5):
            await c.send("message", {"user_utterance": "x"})
            assert (await c.recv())["payload"]["code"] == "no_session"
        await c.ready()
        for _ in range(5):
            await c.send("message", {"user_utterance": "x"})
            assert (await c.recv())["payload"]["code"] == "rate_limited"
        await c.send("ping")
        assert (await c.recv())["type"] == "pong"


async def test_idle_timeout_closes_4000_and_valid_frames_reset_it() -> None:
    settings = _limited({}, idle_timeout_s=0.3 * UNIT)
    async with running_server(settings) as server, client(server) as c:
        loop = asyncio.get_running_loop()
        opened = loop.time()
        for _ in range(4):  # pings keep it open past the timeout
            await asyncio.sleep(0.15 * UNIT)
            await c.send("ping")
            assert (await c.recv())["type"] == "pong"
        await c.send_raw("bad")  # an invalid frame does not reset the timer
        assert (await c.recv())["type"] == "error"
        frames, code, reason = await c.until_closed()
        elapsed = loop.time() - opened
        assert frames == [] and (code, reason) == (4000, "idle_timeout")
        assert elapsed >= 0.6 * UNIT
        assert (await stats(server))["connections"] == 0


async def test_idle_timer_does_not_run_during_a_turn() -> None:
    settings = make_settings(server={"idle_timeout_s": 0.2 * UNIT},
                             echo={"tokens_per_second": 20, "reply_tokens": 10})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("long reply please")  # lasts 0.5 s
        frames = await c.until_terminal(rid)
        assert frames[-1]["type"] == "done"
        loop = asyncio.get_running_loop()
        ended = loop.time()
        frames, code, _ = await c.until_closed()
        assert code == 4000 and loop.time() - ended >= 0.15 * UNIT
