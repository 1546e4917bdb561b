"""The speech sanitizer between the engine and the token frames (over /ws)."""

from __future__ import annotations

import asyncio

from harness import client, make_settings, running_server

from cadence.serve import sanitizer_factory

MARKDOWN = "**Sure** thing! Mail bob@example.com now"


async def test_tokens_are_speakable_and_history_keeps_raw_text() -> None:
    settings = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 6})
    async with running_server(settings, make_sanitizer=sanitizer_factory(settings)) as server, \
            client(server) as c:
            rid = await c.start(MARKDOWN)
            frames = await c.until_terminal(rid)
            done = frames[-1]
            assert done["type"] == "done"
            tokens = [f["payload"]["text"] for f in frames if f["type"] == "token"]
            assert all(tokens)
            text = done["payload"]["text"]
            assert text == "".join(tokens)
            assert "**" not in text and "@" not in text
            assert text.startswith("Sure thing!")
            assert "bob at example dot com" in text
            session = server.store.get(c.session_id, asyncio.get_running_loop().time())
            assert session is not None
            assert session.history[-1].role == "assistant"
            assert session.history[-1].content.startswith("**Sure** thing!")
            assert "bob@example.com" in session.history[-1].content


async def test_sanitize_output_false_sends_raw_text() -> None:
    settings = make_settings(echo={"tokens_per_second": 0, "reply_tokens": 6})
    async with running_server(settings, make_sanitizer=sanitizer_factory(settings)) as server, \
            client(server) as c:
            rid = await c.start(MARKDOWN, sampling={"sanitize_output": False})
            done = (await c.until_terminal(rid))[-1]
            assert done["payload"]["text"].startswith("**Sure** thing!")
            rid = await c.send("message", {"user_utterance": MARKDOWN,
                                           "sampling": {"sanitize_output": True}})
            done = (await c.until_terminal(rid))[-1]
            assert done["payload"]["text"].startswith("Sure thing!")
