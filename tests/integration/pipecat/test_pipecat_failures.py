"""Failures a Pipecat bot meets: a server restart, a dropped connection in the
middle of a reply, a wrong API key."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from harness import API_KEY, make_settings, running_server
from pipecat.frames.frames import LLMFullResponseEndFrame, LLMTextFrame
from pipecat.utils.errors import ErrorCategory
from pipecat_harness import running_bot
from scale import UNIT

from cadence.client.backoff import ReconnectPolicy
from cadence.client.pipecat import CadenceLLMService
from cadence.server.app import CadenceServer

FAST_RECONNECT = ReconnectPolicy(base_delay_s=0.05, max_delay_s=0.5, max_attempts=8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def history(server: CadenceServer, session_id: str) -> list[tuple[str, str]]:
    session = server.store.get(session_id, asyncio.get_running_loop().time())
    assert session is not None
    return [(entry.role, entry.content) for entry in session.history]


def settings_on(port: int, **echo: Any) -> Any:
    return make_settings(server={"port": port}, echo={"tokens_per_second": 0, "reply_tokens": 4, **echo})


async def test_a_server_restarted_mid_conversation_gets_the_whole_context_back() -> None:
    port = free_port()
    llm = CadenceLLMService(f"ws://127.0.0.1:{port}/ws", API_KEY, reconnect=FAST_RECONNECT)
    async with running_server(settings_on(port)) as first, running_bot(llm) as bot:
        await bot.reply("my name is ada")
        await bot.reply("i like tea")
        await first.aclose()  # the server goes away between two turns
        async with running_server(settings_on(port)) as second:
            reply = await bot.reply("what do i like")
            assert reply == "what do i like"
            messages = [(m["role"], m["content"]) for m in bot.messages() if m["role"] != "system"]
            assert history(second, llm.client.session_id) == messages
            assert len(messages) == 6
            assert llm.session.sent == {"start": 2, "message": 2}  # the lost message, then start
            assert llm.client.reconnects == 1
            assert bot.errors() == []  # nothing was running: nothing to report


async def test_a_connection_dropped_mid_reply_ends_the_turn_and_the_next_turn_resumes() -> None:
    port = free_port()
    llm = CadenceLLMService(f"ws://127.0.0.1:{port}/ws", API_KEY, reconnect=FAST_RECONNECT)
    settings = settings_on(port, tokens_per_second=50, reply_tokens=40)
    async with running_server(settings) as server, running_bot(llm) as bot:
        await bot.reply("hello")
        await bot.say("tell me everything")
        await bot.wait_text()
        for handler in list(server.handlers):
            handler._wire.abort()  # the network drops the connection
        await bot.wait_responses(2, timeout=5 * UNIT)
        errors = bot.errors()
        assert len(errors) == 1 and errors[0].category is ErrorCategory.CONNECTIVITY
        assert not errors[0].fatal and llm.is_usable
        reply = await bot.reply("are you there")
        expected = " ".join(["are", "you", "there"] * 14).split()[:40]
        assert reply == " ".join(expected)
        assert llm.client.reconnects == 1
        # The same server kept the session (detached), so a message resumed it.
        assert llm.session.sent == {"start": 1, "message": 2}
        held = history(server, llm.client.session_id)
        assert held[-2:] == [("user", "are you there"), ("assistant", reply)]


async def test_a_wrong_key_is_fatal_clear_and_never_retried() -> None:
    async with running_server(make_settings(echo={"tokens_per_second": 0})) as server:
        attempts = 0
        authorize = server.gate.authorize

        def counting(*args: Any) -> Any:
            nonlocal attempts
            attempts += 1
            return authorize(*args)

        server.gate.authorize = counting  # type: ignore[method-assign]
        llm = CadenceLLMService(f"ws://127.0.0.1:{server.port}/ws", "not-the-key")
        async with running_bot(llm) as bot:
            await bot.wait_error(5 * UNIT)
            await bot.say("hello?")
            await asyncio.sleep(0.3)
            errors = bot.errors()
            assert errors[0].category is ErrorCategory.AUTHENTICATION
            assert "API key" in errors[0].error and "401" in errors[0].error
            assert "not-the-key" not in errors[0].error
            assert not llm.is_usable
            assert attempts == 1
            assert bot.recorder.count(LLMTextFrame) == 0
            assert bot.recorder.count(LLMFullResponseEndFrame) <= 1
