#!/usr/bin/env python3
"""Interactive chat with a persona, in the terminal.

    TEXT_API_KEY=... python tests/e2e/live.py --server ws://127.0.0.1:8000 --persona anna_flirty
    python tests/e2e/live.py --warm "what do you remember about me?"

Type a line to talk; typing while a reply streams barges in (the server
cancels the running turn). Commands: ``/cancel`` (stop the reply),
``/history`` (what the server's history should hold), ``/ping``, ``/help``,
``/quit``. Lines can also be piped in; the client waits for the last reply
at end of input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from typing import TextIO

import common
import personas

from cadence.client import CadenceClient, Outcome, TurnResult

HELP = "commands: /cancel /history /ping /help /quit  (any other line is sent as a message)"


def _read_lines(stream: TextIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    """Daemon thread: push stdin lines into ``queue``; ``None`` at end of input."""
    for line in iter(stream.readline, ""):
        loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
    loop.call_soon_threadsafe(queue.put_nowait, None)


class Chat:
    """The terminal session: one client, a local copy of the history."""

    def __init__(self, client: CadenceClient, history: list[dict[str, str]]) -> None:
        self.client = client
        self.history = history
        self.printers: list[asyncio.Task[TurnResult]] = []
        self.failures = 0

    def _record(self, user: str, result: TurnResult) -> None:
        ran = result.outcome in (Outcome.DONE, Outcome.CANCELLED, Outcome.DISCONNECTED) or (
            result.error is not None and result.error.ends_turn)
        if not ran:
            return
        self.history.append({"role": "user", "content": user})
        if result.text:
            self.history.append({"role": "assistant", "content": result.text})

    async def _print_turn(self, user: str, turn_coro: asyncio.Future[TurnResult]) -> TurnResult:
        result = await turn_coro
        self._record(user, result)
        if result.outcome not in (Outcome.DONE, Outcome.CANCELLED):
            self.failures += 1
        print(f"\n{common.describe(result)}", flush=True)
        return result

    async def say(self, text: str) -> None:
        """Send ``text`` (barging in on a running reply) and stream the reply."""
        if any(not p.done() for p in self.printers):
            print("\n[barge-in]", flush=True)
        turn = await self.client.message(text)
        if not sys.stdin.isatty():
            print(f"you> {text}")
        print("assistant> ", end="", flush=True)
        streamed = asyncio.ensure_future(common.stream(turn))
        self.printers.append(asyncio.create_task(self._print_turn(text, streamed)))

    async def cancel(self) -> None:
        """Stop the running reply, if any."""
        if self.client.running_turn is None:
            print("(nothing to cancel)")
            return
        await self.client.cancel("user typed /cancel")

    def show_history(self) -> None:
        print(common.banner(f"HISTORY ({len(self.history)} messages)"))
        for message in self.history:
            print(f"  {message['role']:>9}: {message['content']}")

    async def finish(self) -> None:
        """Wait for the replies still streaming."""
        await asyncio.gather(*self.printers)


async def _command(chat: Chat, line: str) -> bool:
    """Handle one input line; returns False to quit."""
    if line in ("/quit", "/exit"):
        return False
    if line == "/cancel":
        await chat.cancel()
    elif line == "/history":
        chat.show_history()
    elif line == "/ping":
        print(f"pong in {await chat.client.ping():.1f}ms")
    elif line == "/help":
        print(HELP)
    elif line.startswith("/"):
        print(f"unknown command {line!r}; {HELP}")
    elif line.strip():
        await chat.say(line.strip())
    return True


async def _main(args: argparse.Namespace) -> int:
    persona = personas.PERSONAS[args.persona]
    gender, personality = args.gender or persona.gender, args.personality or persona.personality
    history = personas.warm_history() if args.warm else []
    async with common.make_client(args) as client:
        turn = await client.start(personas.chat_prompt(personality, persona.name), personality=personality,
                                  gender=gender, history=history, sampling=common.sampling(args))
        ack = await turn.result()
        if not ack.ok:
            print(f"start rejected: {common.describe(ack)}", file=sys.stderr)
            return 1
        print(f"connected to {common.show_server(args)} as {persona.name} ({gender}, {personality}); {HELP}")
        chat = Chat(client, list(history))
        opener = common.message_text(args, "")
        if opener:
            await chat.say(opener)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=_read_lines, args=(sys.stdin, asyncio.get_running_loop(), queue),
                         daemon=True).start()
        while (line := await queue.get()) is not None and await _command(chat, line):
            pass
        await chat.finish()
        await client.end()
    return 0 if chat.failures == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Chat with a persona in the terminal.")
    parser.set_defaults(gender=None, personality=None)
    parser.add_argument("--persona", "-p", default=personas.DEFAULT_PERSONA, choices=sorted(personas.PERSONAS),
                        help=f"persona key (default {personas.DEFAULT_PERSONA}); --gender/--personality override it")
    parser.add_argument("--warm", action="store_true", help="start with a pre-built history to test recall")
    common.add_sampling_args(parser)
    args = parser.parse_args(argv)
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
