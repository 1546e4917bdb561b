"""History, budgets, truncation, sampling and the turn timeout over a socket."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from harness import (
    PROMPT,
    UNIT,
    chat_running,
    check_turn_frames,
    client,
    make_settings,
    running_server,
)

from cadence.server.app import CadenceServer

FAST = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 4})
SYSTEM_WORDS = len(PROMPT.split())


def _history(server: CadenceServer, session_id: str) -> list[tuple[str, str]]:
    session = server.store.get(session_id, asyncio.get_running_loop().time())
    assert session is not None
    return [(e.role, e.content) for e in session.history]


def _usage(frames: list[dict[str, Any]]) -> dict[str, int]:
    assert frames[-1]["type"] == "done", frames[-1]
    usage: dict[str, int] = frames[-1]["payload"]["usage"]
    return usage


async def test_history_after_done_holds_user_and_reply() -> None:
    async with running_server(FAST) as server, client(server) as c:
        await c.ready(history=[{"role": "user", "content": "a b"}, {"role": "assistant", "content": "c"}])
        frames = await c.turn("hello world")
        assert _usage(frames)["prompt_tokens"] == SYSTEM_WORDS + 3 + 2
        assert _history(server, c.session_id) == [
            ("user", "a b"), ("assistant", "c"), ("user", "hello world"),
            ("assistant", "hello world hello world"),
        ]
        frames = await c.turn("x")
        assert _usage(frames)["prompt_tokens"] == SYSTEM_WORDS + 3 + 2 + 4 + 1


async def test_followup_history_holds_the_prefixed_content() -> None:
    async with running_server(FAST) as server, client(server) as c:
        await c.ready()
        rid = await c.send("followup", {"analysis_text": "a map"})
        frames = await c.until_terminal(rid)
        # The echo model's 4 words are the prefix itself, which never reaches the client.
        assert frames[-1]["payload"]["text"] == ""
        assert _history(server, c.session_id)[0] == ("user", "ON THE SCREEN NOW: a map")


async def test_consecutive_same_role_history_counts_and_the_reply_reads_the_current_content() -> None:
    async with running_server(FAST) as server, client(server) as c:
        history = [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}]
        await c.ready(history=history)
        frames = await c.turn("three")
        # every message is in the prompt; a chat template joins the run of user messages
        assert _usage(frames)["prompt_tokens"] == SYSTEM_WORDS + 3
        assert frames[-1]["payload"]["text"] == "three three three three"


async def test_history_is_trimmed_by_whole_exchanges_with_a_stable_prefix() -> None:
    settings = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 4},
                             sessions={"history_max_tokens": 30, "history_retention_pct": 50})
    history = []
    for i in range(6):
        history += [{"role": "user", "content": f"u{i} a b"}, {"role": "assistant", "content": f"r{i} c"}]
    async with running_server(settings) as server, client(server) as c:
        ack = await c.ready(history=history)  # 30 tokens: within the budget
        assert ack["payload"]["history_messages"] == 12 and ack["payload"]["history_tokens"] == 30
        firsts, sizes = [], []
        for i in range(8):
            await c.turn(f"w{i} x y z")  # 4 + 4 tokens per exchange
            stored = _history(server, c.session_id)
            firsts.append(stored[0][1])
            sizes.append(sum(len(content.split()) for _, content in stored))
            assert stored[0][0] == "user" and stored[-1][0] == "assistant"
        assert max(sizes) <= 30 and min(sizes) <= 15
        cuts = sum(1 for a, b in itertools.pairwise(firsts) if a != b)
        assert cuts <= 3, firsts  # the prefix changes only at a cut, not every turn


async def test_start_history_over_budget_is_trimmed_in_the_ack() -> None:
    settings = make_settings(sessions={"history_max_tokens": 10, "history_retention_pct": 60})
    history = [{"role": "user", "content": "a b c"}, {"role": "assistant", "content": "d e"}] * 3
    async with running_server(settings) as server, client(server) as c:
        ack = await c.ready(history=history)
        assert ack["payload"]["history_messages"] == 2 and ack["payload"]["history_tokens"] == 5
        assert _history(server, c.session_id) == [("user", "a b c"), ("assistant", "d e")]


async def test_long_utterance_keeps_its_end_and_says_truncated() -> None:
    settings = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 3},
                             sessions={"user_utt_max_tokens": 3})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("one two three four five")
        frames = await c.until_terminal(rid)
        done = frames[-1]["payload"]
        assert done["truncated"] is True and done["text"] == "three four five"
        assert done["usage"]["prompt_tokens"] == SYSTEM_WORDS + 3
        assert _history(server, c.session_id)[0] == ("user", "three four five")
        assert (await c.turn("short"))[-1]["payload"]["truncated"] is False


async def test_prompt_too_long() -> None:
    settings = make_settings(sessions={"chat_prompt_max_tokens": 3}, echo={"tokens_per_second": 0})
    async with running_server(settings, max_prompt_tokens=12) as server, client(server) as c:
        await c.send("start", {"chat_prompt": "one two three four"})
        error = (await c.recv())["payload"]
        assert error["code"] == "prompt_too_long" and error["details"]["field"] == "chat_prompt"
        await c.send("start", {"chat_prompt": "be {personality} now", "personality": "very_calm"})
        assert (await c.recv())["type"] == "ack"  # three tokens after substitution
        await c.send("start", {"chat_prompt": "be {personality}", "personality": "a"})
        assert (await c.recv())["type"] == "ack"
        await c.send("message", {"user_utterance": " ".join(["w"] * 11)})
        assert (await c.recv())["payload"]["code"] == "prompt_too_long"
        assert _history(server, c.session_id) == []
        rid = await c.send("message", {"user_utterance": " ".join(["w"] * 9)})
        frames = await c.until_terminal(rid)
        assert frames[-1]["type"] == "done"
        rid = await c.send("message", {"user_utterance": "v v v v v"})
        frames = await c.until_terminal(rid)  # history no longer fits: it is dropped
        assert _usage(frames)["prompt_tokens"] == 2 + 5


async def test_sampling_persists_from_start_and_message_sampling_is_one_turn() -> None:
    settings = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 10})
    async with running_server(settings) as server, client(server) as c:
        await c.ready(sampling={"max_tokens": 3, "temperature": 0.2})
        done = (await c.turn("a b c d"))[-1]["payload"]
        assert done["finish_reason"] == "length" and done["usage"]["completion_tokens"] == 3
        done = (await c.turn("a b c d", sampling={"max_tokens": 5}))[-1]["payload"]
        assert done["usage"]["completion_tokens"] == 5
        done = (await c.turn("a b c d", sampling={"top_p": 0.5}))[-1]["payload"]
        assert done["usage"]["completion_tokens"] == 3
        done = (await c.turn("a b c d", sampling={"max_tokens": 10}))[-1]["payload"]
        assert done["finish_reason"] == "stop" and done["usage"]["completion_tokens"] == 10
        await c.ready()  # a new start resets the session's sampling
        done = (await c.turn("a"))[-1]["payload"]
        assert done["usage"]["completion_tokens"] == 10


async def test_invalid_sampling_names_the_field() -> None:
    async with running_server(FAST) as server, client(server) as c:
        await c.ready()
        cases = [({"max_tokens": 151}, "sampling.max_tokens"), ({"top_k": True}, "sampling.top_k"),
                 ({"top_p": 0}, "sampling.top_p"), ({"nope": 1}, "sampling.nope"),
                 ("hot", "sampling")]
        for sampling, field in cases:
            await c.send("message", {"user_utterance": "x", "sampling": sampling})
            error = (await c.recv())["payload"]
            assert (error["code"], error["details"]["field"]) == ("invalid_sampling", field)
        assert _history(server, c.session_id) == []


async def test_generation_timeout_ends_the_turn_and_aborts_the_engine() -> None:
    settings = make_settings(echo={"tokens_per_second": 10})
    async with running_server(settings, chat_timeout_s=0.25 * UNIT) as server, client(server) as c:
        rid = await c.start("slow reply")
        frames = await c.until_terminal(rid)
        check_turn_frames(frames, {rid})
        error = frames[-1]
        assert error["type"] == "error" and error["request_id"] == rid
        assert error["payload"]["code"] == "generation_timeout"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.1 * UNIT
        while await chat_running(server):
            assert loop.time() < deadline
            await asyncio.sleep(0.005)
        sent = "".join(f["payload"]["text"] for f in frames if f["type"] == "token")
        expected = [("user", "slow reply")] + ([("assistant", sent)] if sent else [])
        assert _history(server, c.session_id) == expected
        await c.send("ping", request_id="p")
        assert (await c.recv())["request_id"] == "p"


async def test_each_turn_gets_its_own_full_timeout() -> None:
    # One timer serves a connection's deadlines: a short first turn leaves it
    # armed for that turn's deadline, and the next turn still gets all of
    # CHAT_TIMEOUT_S from its own start, not the first turn's.
    timeout_s = 0.3 * UNIT
    settings = make_settings(echo={"tokens_per_second": 20})
    async with running_server(settings, chat_timeout_s=timeout_s) as server, client(server) as c:
        await c.ready()
        assert (await c.turn("quick", sampling={"max_tokens": 1}))[-1]["type"] == "done"
        loop = asyncio.get_running_loop()
        await asyncio.sleep(0.1 * UNIT)
        started = loop.time()
        frames = await c.turn("slow reply")
        elapsed = loop.time() - started
        assert frames[-1]["payload"]["code"] == "generation_timeout"
        assert timeout_s * 0.9 <= elapsed < timeout_s + 0.2 * UNIT
        assert await chat_running(server) == 0


async def test_sanitized_reply_and_sanitize_output_false() -> None:
    from cadence.sanitize import Sanitizer, SanitizerConfig

    config = SanitizerConfig()
    settings = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 6})
    async with running_server(settings, make_sanitizer=lambda: Sanitizer(config)) as server, \
            client(server) as c:
        await c.ready()
        for sampling in ({}, {"sanitize_output": False}):
            frames = await c.turn("**bold** text", sampling=sampling)
            check_turn_frames(frames)
            done = frames[-1]["payload"]
            tokens = "".join(f["payload"]["text"] for f in frames if f["type"] == "token")
            assert done["text"] == tokens
            assert ("**" in tokens) == (sampling != {})
