"""scripts/pipecat_bot.py, the console example, typed at like a user would."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from harness import API_KEY, make_settings, running_server
from scale import UNIT

SCRIPT = Path(__file__).parents[3] / "scripts" / "pipecat_bot.py"


async def read_until(stream: asyncio.StreamReader, marker: str, seen: list[str]) -> None:
    async with asyncio.timeout(20 * UNIT):
        while marker not in "".join(seen):
            chunk = await stream.read(256)
            assert chunk, f"the bot exited before printing {marker!r}: {''.join(seen)!r}"
            seen.append(chunk.decode())


async def test_the_console_bot_answers_is_interrupted_by_typing_and_ends_the_session() -> None:
    settings = make_settings(echo={"tokens_per_second": 20, "reply_tokens": 40})
    async with running_server(settings) as server:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), "--server", f"ws://127.0.0.1:{server.port}",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "TEXT_API_KEY": API_KEY})
        assert bot.stdin is not None and bot.stdout is not None
        seen: list[str] = []
        try:
            bot.stdin.write(b"hello there\n")
            await read_until(bot.stdout, "bot> hello there hello", seen)
            bot.stdin.write(b"wait a second\n")  # typed while it answers
            await read_until(bot.stdout, "[interrupted]", seen)
            await read_until(bot.stdout, "bot> wait a second", seen)
            bot.stdin.write(b"/quit\n")
            async with asyncio.timeout(20 * UNIT):
                rest, _ = await bot.communicate()
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
        output = "".join(seen) + rest.decode()
        assert bot.returncode == 0, output
        assert output.count("[interrupted]") == 1
        assert len(server.store) == 0  # the call ended: the session was ended on the server
