"""A real Pipecat pipeline against a real Cadence server (echo engine, real socket).

The echo engine's replies are exact (PROTOCOL.md section 9), so the text of
every response and of the server's history can be asserted word for word.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from harness import API_KEY, chat_running, make_settings, running_server
from pipecat.frames.frames import (
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    LLMUpdateSettingsFrame,
)
from pipecat_harness import Bot, running_bot
from scale import UNIT

from cadence.client.pipecat import CadenceLLMService, CadenceLLMSettings
from cadence.server.app import CadenceServer

PROMPT = "You are a helpful voice assistant."


def service(server: CadenceServer, **kwargs: Any) -> CadenceLLMService:
    return CadenceLLMService(f"ws://127.0.0.1:{server.port}/ws", API_KEY, **kwargs)


def server_history(server: CadenceServer, session_id: str) -> list[tuple[str, str]]:
    session = server.store.get(session_id, asyncio.get_running_loop().time())
    assert session is not None, "the server holds no session"
    return [(entry.role, entry.content) for entry in session.history]


def context_history(bot: Bot) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in bot.messages() if m["role"] in ("user", "assistant")]


def echo(words: str, count: int) -> str:
    """The echo engine's reply to ``words``: the words cycled to ``count`` tokens."""
    split = words.split()
    return " ".join(split[i % len(split)] for i in range(count))


async def test_four_turns_keep_the_server_history_equal_to_the_context() -> None:
    async with running_server(make_settings(echo={"tokens_per_second": 0, "reply_tokens": 6})) as server:
        llm = service(server)
        async with running_bot(llm) as bot:
            for utterance in ["hello there", "how are you today", "tell me a joke", "thanks bye"]:
                reply = await bot.reply(utterance)
                assert reply == echo(utterance, 6)
                assert server_history(server, llm.client.session_id) == context_history(bot)
            assert llm.session.sent == {"start": 1, "message": 3}
            assert bot.recorder.count(LLMFullResponseStartFrame) == 4
            assert bot.errors() == []
            usage = bot.recorder.usage()
            assert [u.completion_tokens for u in usage] == [6, 6, 6, 6]
            assert all(u.cache_read_input_tokens == 0 for u in usage)
            assert len(bot.recorder.ttfb_s()) == 4


async def test_an_interruption_ends_the_reply_at_once_and_the_next_turn_starts_at_once() -> None:
    settings = make_settings(echo={"tokens_per_second": 50, "reply_tokens": 40})
    async with running_server(settings) as server:
        llm = service(server)
        async with running_bot(llm) as bot:
            rec = bot.recorder
            await bot.reply("warm up")
            await bot.say("tell me a long story about the sea")
            await bot.wait_text()
            await asyncio.sleep(0.15)
            ends = rec.count(LLMFullResponseEndFrame)
            interrupted_at = await bot.interrupt()
            await bot.wait_responses(ends + 1, timeout=2 * UNIT)
            ended_at = next(t for t, f in rec.down if isinstance(f, LLMFullResponseEndFrame) and t > interrupted_at)
            assert ended_at - interrupted_at < 0.05 * UNIT
            deadline = interrupted_at + 0.1 * UNIT
            while await chat_running(server):
                assert time.perf_counter() < deadline, "the engine request was not aborted within 100 ms"
                await asyncio.sleep(0.005)

            asked_at = await bot.say("and then")
            await bot.wait_text(timeout=2 * UNIT)
            first_text_at = next(t for t, f in rec.down if isinstance(f, LLMTextFrame) and t > asked_at)
            assert first_text_at - asked_at < 0.06 * UNIT
            await bot.wait_responses(ends + 2, timeout=5 * UNIT)

            # No text of the old turn after the interruption.
            marker = next(i for i, (_, f) in enumerate(rec.down) if isinstance(f, InterruptionFrame))
            after = [f for _, f in rec.down[marker:]]
            restart = next(i for i, f in enumerate(after) if isinstance(f, LLMFullResponseStartFrame))
            assert not any(isinstance(f, LLMTextFrame) for f in after[:restart])
            assert llm.session.sent == {"start": 1, "message": 2}
            assert bot.errors() == []


async def test_after_an_interruption_the_server_keeps_what_it_sent_and_pipecat_what_was_spoken() -> None:
    settings = make_settings(echo={"tokens_per_second": 50, "reply_tokens": 40})
    async with running_server(settings) as server:
        llm = service(server)
        async with running_bot(llm) as bot:
            await bot.say("one two three four five")
            await bot.wait_text()
            await asyncio.sleep(0.1)
            await bot.interrupted()
            reply = await bot.reply("six seven")
            assert reply == echo("six seven", 40)
            held, spoken = server_history(server, llm.client.session_id), context_history(bot)
            assert [role for role, _ in held] == [role for role, _ in spoken] == \
                ["user", "assistant", "user", "assistant"]
            assert held[1][1].startswith(spoken[1][1]) and spoken[1][1]
            assert held[2:] == spoken[2:]
            assert llm.session.sent == {"start": 1, "message": 1}


async def test_a_barge_in_without_a_cancel_still_ends_the_old_turn() -> None:
    settings = make_settings(echo={"tokens_per_second": 50, "reply_tokens": 40})
    async with running_server(settings) as server:
        llm = service(server)

        async def lost_cancel(reason: str | None = None) -> bool:
            return False

        llm.client.send_cancel = lost_cancel  # type: ignore[method-assign]
        async with running_bot(llm) as bot:
            await bot.say("a long answer please")
            await bot.wait_text()
            await bot.interrupted()
            reply = await bot.reply("short one")
            assert reply == echo("short one", 40)
            assert await chat_running(server) == 0
            held = server_history(server, llm.client.session_id)
            assert held[2:] == [("user", "short one"), ("assistant", echo("short one", 40))]


async def test_a_context_edited_by_the_app_is_sent_again_with_start() -> None:
    async with running_server(make_settings(echo={"tokens_per_second": 0, "reply_tokens": 4})) as server:
        llm = service(server)
        async with running_bot(llm) as bot:
            await bot.reply("first question")
            await bot.reply("second question")
            messages = bot.context.get_messages()
            bot.context.set_messages([messages[0], *messages[3:]])  # the app trims the oldest exchange
            await bot.reply("third question")
            assert llm.session.sent == {"start": 2, "message": 1}
            assert server_history(server, llm.client.session_id) == context_history(bot)
            bot.context.set_messages([{"role": "system", "content": "You are terse."}, *messages[1:3]])
            await bot.reply("fourth")
            assert llm.session.sent == {"start": 3, "message": 1}
            assert server_history(server, llm.client.session_id) == context_history(bot)


async def test_settings_frames_change_the_persona_and_sampling_at_the_next_turn() -> None:
    async with running_server(make_settings(echo={"tokens_per_second": 0, "reply_tokens": 3})) as server:
        llm = service(server, personality="wholesome", gender="female", sampling={"temperature": 0.5})
        async with running_bot(llm, system_prompt="You are {personality}, speaking as a {gender}.") as bot:
            await bot.reply("hi")
            session = server.store.get(llm.client.session_id, asyncio.get_running_loop().time())
            assert session is not None
            assert session.persona.system_prompt == "You are wholesome, speaking as a female."
            assert session.sampling.temperature == 0.5
            await bot.worker.queue_frame(LLMUpdateSettingsFrame(
                delta=CadenceLLMSettings(personality="calm", top_k=20, max_tokens=2)))
            assert await bot.reply("and now") == "and now"
            session = server.store.get(llm.client.session_id, asyncio.get_running_loop().time())
            assert session is not None
            assert session.persona.system_prompt == "You are calm, speaking as a female."
            assert (session.sampling.temperature, session.sampling.top_k, session.sampling.max_tokens) == \
                (0.5, 20, 2)
            assert llm.session.sent == {"start": 2}
            assert server_history(server, llm.client.session_id) == context_history(bot)


def test_unknown_sampling_keys_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="unknown sampling keys \\['temprature'\\]"):
        CadenceLLMService("ws://127.0.0.1:1/ws", API_KEY, sampling={"temprature": 0.2})
