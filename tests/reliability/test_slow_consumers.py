"""Slow consumers: readers that stop never delay anyone else's tokens.

Four clients stop reading in the middle of long replies; a healthy client's
time per output token is measured before and during the stall (the echo
engine paces tokens at 100/s, so the gaps are the server's doing). The
stalled connections' queues stay at one merged ``token`` frame each, and
``WS_SEND_TIMEOUT_S`` drops them (close 1008).
"""

from __future__ import annotations

import asyncio
import socket
import statistics
from contextlib import AsyncExitStack

import pytest
from harness import (
    UNIT,
    Client,
    chat_running,
    client,
    make_settings,
    running_server,
    shrink_send_buffers,
    wait_for,
)

from cadence.server.app import CadenceServer

STALLED = 4
TOKENS_PER_SECOND = 100


async def _gaps(healthy: Client, turns: int = 3) -> list[float]:
    """Arrival gaps between consecutive tokens of ``turns`` healthy turns."""
    loop = asyncio.get_running_loop()
    gaps: list[float] = []
    for _ in range(turns):
        rid = await healthy.send("message", {"user_utterance": "short steady reply",
                                             "sampling": {"max_tokens": 30}})
        last = None
        while True:
            frame = await healthy.recv()
            now = loop.time()
            if frame["type"] == "token" and last is not None:
                gaps.append(now - last)
            last = now
            if frame["request_id"] == rid and frame["type"] in ("done", "cancelled", "error"):
                assert frame["type"] == "done", frame
                break
    return gaps


async def _connections(server: CadenceServer, count: int) -> bool:
    return len(server.handlers) == count


def _queued(server: CadenceServer) -> list[int]:
    """Items queued on each connection's outbound path (white box: the bound)."""
    return [len(handler._outbound._queue) for handler in server.handlers]


async def test_stalled_readers_do_not_slow_a_healthy_one_and_are_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(
        server={"send_timeout_s": 1.5 * UNIT, "write_limit_bytes": 4096},
        sessions={"chat_max_out": 1000, "user_utt_max_tokens": 50},
        echo={"tokens_per_second": TOKENS_PER_SECOND, "reply_tokens": 1000},
    )
    async with running_server(settings) as server, AsyncExitStack() as stack:
        shrink_send_buffers(server)
        healthy = await stack.enter_async_context(client(server))
        await healthy.ready()
        before = await _gaps(healthy)
        stalled: list[Client] = []  # kept open (not read) until the server drops them
        for _ in range(STALLED):
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            reader = await stack.enter_async_context(client(server, sock=sock, max_size=None))
            await reader.ready()
            reader.ws.transport.pause_reading()  # stops reading from here on
            await reader.send("message", {"user_utterance": " ".join(["w" * 2000] * 5),
                                          "sampling": {"max_tokens": 1000}})
            stalled.append(reader)
        await asyncio.sleep(0.3 * UNIT)  # their buffers fill up
        during = await _gaps(healthy)
        assert max(_queued(server)) <= 2, _queued(server)  # merged tokens (+ nothing else)
        p50_before, p50_during = statistics.median(before), statistics.median(during)
        assert p50_during < max(1.5 * p50_before, p50_before + 0.005), (p50_before, p50_during)
        # WS_SEND_TIMEOUT_S after each stalled: dropped (close 1008 queued behind what the
        # socket holds, then cut), their turns aborted, the healthy connection untouched.
        await wait_for(lambda: _connections(server, 1), timeout=10)
        dropped = [r for r in caplog.records if "peer stopped reading" in r.getMessage()]
        assert len(dropped) == STALLED
        assert await chat_running(server) == 0
        assert (await healthy.turn("still here?"))[-1]["type"] == "done"
