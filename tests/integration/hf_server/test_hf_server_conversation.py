"""A real conversation over /ws on SmolLM2 (CPU): replies, usage, history, barge-in."""

from __future__ import annotations

import asyncio
import re

import pytest
from harness import client

from cadence.server.app import CadenceServer

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow, pytest.mark.hf]

GREEDY = {"temperature": 0, "max_tokens": 24}
PROMPT = "You are a friendly voice assistant. Answer in one or two short sentences."


def _english(text: str) -> bool:
    letters = re.findall(r"[A-Za-z]", text)
    return len(letters) >= max(3, len(text) // 3)


async def _chat_running(server: CadenceServer) -> int:
    engines = server.stats()["engines"]
    assert isinstance(engines, dict)
    return int(engines["chat"]["running_requests"])


async def test_multi_turn_conversation_grows_history(hf_server: CadenceServer) -> None:
    async with client(hf_server) as c:
        rid = await c.send("start", {"chat_prompt": PROMPT, "sampling": GREEDY,
                                     "user_utterance": "Hi! What is the capital of France?"})
        frames = await c.until_terminal(rid, timeout=60)
        done = frames[-1]
        assert done["type"] == "done", frames
        reply = done["payload"]["text"]
        assert reply.strip() and _english(reply), reply
        tokens = [f["payload"]["text"] for f in frames if f["type"] == "token"]
        assert "".join(tokens) == reply
        usage = done["payload"]["usage"]
        assert usage["prompt_tokens"] > 10
        assert 1 <= usage["completion_tokens"] <= GREEDY["max_tokens"]
        assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]

        rid2 = await c.send("message", {"user_utterance": "And what about Germany?"})
        done2 = (await c.until_terminal(rid2, timeout=60))[-1]
        assert done2["type"] == "done" and _english(done2["payload"]["text"])
        # The second prompt holds the first exchange: it is longer, and the
        # first turn's KV cache covers most of it (prefix reuse).
        usage2 = done2["payload"]["usage"]
        assert usage2["prompt_tokens"] > usage["prompt_tokens"]
        assert usage["prompt_tokens"] - 2 <= usage2["cached_prompt_tokens"] < usage2["prompt_tokens"]
        cache = hf_server.stats()["engines"]["chat"]["prefix_cache"]  # type: ignore[index]
        assert cache["hits"] >= 1 and 0 < cache["bytes"] <= cache["budget_bytes"]
        session = hf_server.store.get(c.session_id, asyncio.get_running_loop().time())
        assert session is not None
        assert [e.role for e in session.history] == ["user", "assistant", "user", "assistant"]


async def test_barge_in_aborts_generation_and_next_turn_answers(hf_server: CadenceServer) -> None:
    async with client(hf_server) as c:
        await c.send("start", {"chat_prompt": PROMPT, "sampling": {"temperature": 0, "max_tokens": 120}})
        assert (await c.recv(30))["type"] == "ack"
        first = await c.send("message", {"user_utterance": "Tell me a long story about a dragon."})
        frame = await c.recv(60)
        while frame["type"] != "token":
            frame = await c.recv(60)
        second = await c.send("message", {"user_utterance": "Stop. Just say hello.",
                                          "sampling": {"max_tokens": 16}})
        frames = await c.until_terminal(second, timeout=60)
        cancelled = next(f for f in frames if f["type"] == "cancelled")
        assert cancelled["request_id"] == first
        assert cancelled["payload"]["reason"] == "barge_in"
        assert frames[-1]["type"] == "done" and frames[-1]["payload"]["text"].strip()
        assert not [f for f in frames if f["request_id"] == first and f["type"] == "token"
                    and frames.index(f) > frames.index(cancelled)]
        for _ in range(100):
            if await _chat_running(hf_server) == 0:
                break
            await asyncio.sleep(0.01)
        assert await _chat_running(hf_server) == 0


async def test_a_bare_start_warms_the_persona_for_the_first_turn(hf_server: CadenceServer) -> None:
    persona = PROMPT + " " + " ".join(f"Rule {n}: never mention the number {n * 7}." for n in range(1, 30))

    def kept_entries() -> int:
        return int(hf_server.stats()["engines"]["chat"]["prefix_cache"]["entries"])  # type: ignore[index]

    async with client(hf_server) as c:
        before = kept_entries()
        await c.ready(chat_prompt=persona, sampling=GREEDY)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while kept_entries() == before:  # the warm-up prefill runs on the engine's thread
            assert loop.time() < deadline, "the persona was never warmed"
            await asyncio.sleep(0.05)
        done = (await c.turn("Hello there!"))[-1]
        assert done["type"] == "done", done
        usage = done["payload"]["usage"]
        assert usage["prompt_tokens"] > 300
        assert usage["cached_prompt_tokens"] >= usage["prompt_tokens"] - 20  # only the user turn was new
