"""A Pipecat pipeline against a real server on the real ``hf`` engine (SmolLM2 on the CPU)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from harness import API_KEY, chat_running
from hf_harness import start_hf_server
from pipecat_harness import running_bot
from scale import UNIT

from cadence.client.pipecat import CadenceLLMService
from cadence.server.app import CadenceServer

pytestmark = [pytest.mark.slow, pytest.mark.hf, pytest.mark.asyncio(loop_scope="module")]

#: Greedy, short, and unsanitized, so the server's raw history is the text sent.
SAMPLING = {"temperature": 0.0, "max_tokens": 16, "sanitize_output": False}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hf_server() -> AsyncIterator[CadenceServer]:
    server = await start_hf_server()
    yield server
    await server.aclose()


def history(server: CadenceServer, session_id: str) -> list[tuple[str, str]]:
    session = server.store.get(session_id, asyncio.get_running_loop().time())
    assert session is not None
    return [(entry.role, entry.content) for entry in session.history]


async def test_a_four_turn_conversation_on_the_hf_engine(hf_server: CadenceServer) -> None:
    llm = CadenceLLMService(f"ws://127.0.0.1:{hf_server.port}/ws", API_KEY, sampling=SAMPLING)
    async with running_bot(llm) as bot:
        for utterance in ["Hi! What is your name?", "What is the capital of France?",
                          "Name one fruit.", "Thank you, goodbye."]:
            reply = await bot.reply(utterance, timeout=60 * UNIT)
            assert reply.strip(), f"no reply to {utterance!r}"
            said = [(m["role"], m["content"]) for m in bot.messages() if m["role"] != "system"]
            assert history(hf_server, llm.client.session_id) == said
        assert llm.session.sent == {"start": 1, "message": 3}
        usage = bot.recorder.usage()
        assert len(usage) == 4 and all(0 < u.completion_tokens <= 16 for u in usage)
        assert bot.errors() == []


async def test_an_interruption_frees_the_engine_and_the_next_turn_answers(hf_server: CadenceServer) -> None:
    llm = CadenceLLMService(f"ws://127.0.0.1:{hf_server.port}/ws", API_KEY,
                            sampling={**SAMPLING, "max_tokens": 120})
    async with running_bot(llm) as bot:
        await bot.say("Tell me a long story about a dragon and a knight.")
        await bot.wait_text(timeout=60 * UNIT)
        interrupted_at = time.perf_counter()
        await bot.interrupted()
        while await chat_running(hf_server):
            # Coarse guard: the abort lands within one decode step (~100 ms on this CPU).
            assert time.perf_counter() - interrupted_at < 0.25 * UNIT, "engine request still running"
            await asyncio.sleep(0.005)
        reply = await bot.reply("Sorry, what is two plus two?", timeout=60 * UNIT)
        assert reply.strip()
        assert llm.session.sent == {"start": 1, "message": 1}
        assert bot.errors() == []
