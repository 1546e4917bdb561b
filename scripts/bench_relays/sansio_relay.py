"""The floor of the issue's stack: websockets' sans-I/O layer, no server.

Written only to compare with Cadence. It is what any server whose hot path
is on ``websockets``' documented sans-I/O API (``ServerProtocol``:
``send_text`` then ``data_to_send``, written to an ``asyncio`` transport,
as Cadence and uvicorn do) costs at least, on uvloop, with one event-loop
step per token (a bare ``yield``, the cheapest step there is, as Cadence's
``echo`` engine takes). It speaks just enough of PROTOCOL.md for
``scripts/bench_server.py``: on a ``start`` frame with a
``user_utterance`` it streams the same ``token`` frames as the ``echo``
engine at unlimited speed (one task per turn), then a ``done`` frame with
the same envelope. No authentication, validation, sessions, limits,
backpressure, keepalive or logging: not a server, only the floor.

    .venv/bin/python scripts/bench_relays/sansio_relay.py --port 8103
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
import types
import typing
from collections.abc import Generator

import orjson
import uvloop
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol


def reply(utterance: str, count: int) -> list[str]:
    """The echo engine's reply tokens for ``utterance``."""
    words = list(itertools.islice(itertools.cycle(utterance.split() or ["echo"]), count))
    return [words[0], *(" " + word for word in words[1:])]


@types.coroutine
def next_loop_step() -> Generator[None, None, None]:
    """One event-loop step, as ``asyncio.sleep(0)`` takes, without its call."""
    yield


class Relay(asyncio.Protocol):
    """One connection: the handshake, then one streaming task per ``start``."""

    def __init__(self, reply_tokens: int) -> None:
        self.reply_tokens = reply_tokens
        self.ws = ServerProtocol(max_size=1 << 20)
        self.transport: asyncio.Transport | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Request):
                self.ws.send_response(self.ws.accept(event))
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                frame = orjson.loads(event.data)
                if frame.get("type") == "start":
                    task = asyncio.get_running_loop().create_task(self.stream(frame))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)
        self.flush()
        if self.ws.close_expected() and self.transport is not None:
            self.transport.close()

    def flush(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            for chunk in self.ws.data_to_send():
                self.transport.write(chunk)

    def connection_lost(self, exc: Exception | None) -> None:
        for task in self.tasks:
            task.cancel()
        self.transport = None

    async def stream(self, frame: dict[str, object]) -> None:
        """Send one turn's token frames, then its done frame."""
        sid, rid = frame["session_id"], frame["request_id"]
        payload = frame.get("payload")
        utterance = str(payload.get("user_utterance", "")) if isinstance(payload, dict) else ""
        started = time.monotonic()
        tokens = reply(utterance, self.reply_tokens)
        for text in tokens:
            await next_loop_step()
            token = {"type": "token", "session_id": sid, "request_id": rid, "payload": {"text": text}}
            self.ws.send_text(orjson.dumps(token))
            self.flush()
        total_ms = round((time.monotonic() - started) * 1000, 3)
        done = {
            "type": "done", "session_id": sid, "request_id": rid,
            "payload": {
                "text": "".join(tokens), "finish_reason": "stop",
                "usage": {"prompt_tokens": 0, "completion_tokens": len(tokens),
                          "cached_prompt_tokens": 0, "total_tokens": len(tokens)},
                "timings": {"tool_ms": None, "ttft_ms": None, "total_ms": total_ms},
                "truncated": False,
            },
        }
        self.ws.send_text(orjson.dumps(done))
        self.flush()


async def serve(host: str, port: int, reply_tokens: int) -> None:
    """Serve until cancelled (SIGTERM ends the process)."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Relay(reply_tokens), host, port)
    async with server:
        await server.serve_forever()


def main() -> None:
    """Parse the command line and serve on uvloop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--reply-tokens", type=int, default=40)
    args = parser.parse_args()
    uvloop.run(serve(args.host, args.port, args.reply_tokens))


if __name__ == "__main__":
    main()
