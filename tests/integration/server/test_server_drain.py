"""Shutdown drain and slow readers over a socket (PROTOCOL.md section 6)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from harness import (
    UNIT,
    chat_running,
    check_turn_frames,
    client,
    make_settings,
    running_server,
    shrink_send_buffers,
    stats,
    ws_url,
)
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus


async def test_drain_lets_turns_finish_refuses_new_work_then_closes_1001() -> None:
    settings = make_settings(server={"drain_timeout_s": 2 * UNIT},
                             echo={"tokens_per_second": 40, "reply_tokens": 12})
    async with running_server(settings) as server, client(server) as busy, client(server) as idle:
        await idle.ready()
        rid = await busy.start("finish this")
        first = await busy.recv()
        drain = asyncio.create_task(server.drain())
        await asyncio.sleep(0.02)
        for kind, payload in (("message", {"user_utterance": "x"}), ("followup", {"analysis_text": "y"}),
                              ("start", {"chat_prompt": "z"})):
            refused = await idle.send(kind, payload)
            frame = await idle.recv()
            assert (frame["request_id"], frame["payload"]["code"]) == (refused, "server_shutting_down")
        await idle.send("ping")
        assert (await idle.recv())["type"] == "pong"
        with pytest.raises(InvalidStatus) as info:
            async with connect(ws_url(server), compression=None):
                pass
        assert info.value.response.status_code == 503
        frames, code, _ = await busy.until_closed()
        frames.insert(0, first)
        check_turn_frames(frames, {rid})
        assert [f for f in frames if f["request_id"] == rid][-1]["type"] == "done"
        assert code == 1001
        assert (await idle.until_closed())[1] == 1001
        await asyncio.wait_for(drain, 5 * UNIT)
        assert server.handlers == set()


async def test_drain_timeout_cancels_running_turns_with_shutdown() -> None:
    settings = make_settings(server={"drain_timeout_s": 0.2 * UNIT},
                             echo={"tokens_per_second": 10, "reply_tokens": 40})
    async with running_server(settings) as server, client(server) as c:
        rid = await c.start("a very long reply")
        first = await c.recv()
        loop = asyncio.get_running_loop()
        began = loop.time()
        drain = asyncio.create_task(server.drain())
        frames, code, _ = await c.until_closed()
        frames.insert(0, first)
        check_turn_frames(frames, {rid})
        assert frames[-1]["type"] == "cancelled" and frames[-1]["payload"]["reason"] == "shutdown"
        assert code == 1001
        assert 0.15 * UNIT <= loop.time() - began < 2 * UNIT
        await asyncio.wait_for(drain, 5 * UNIT)
        assert await chat_running(server) == 0


async def test_a_reader_that_stops_is_dropped_1008_without_slowing_others() -> None:
    settings = make_settings(
        server={"send_timeout_s": 0.3 * UNIT, "write_limit_bytes": 4096},
        sessions={"chat_max_out": 1000, "user_utt_max_tokens": 50},
        echo={"tokens_per_second": 0, "reply_tokens": 1000},
    )
    async with running_server(settings) as server:
        shrink_send_buffers(server)
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        async with client(server, sock=sock, max_size=None) as stalled, client(server) as healthy:
            word = "w" * 1000
            await stalled.ready()
            await stalled.send("message", {"user_utterance": " ".join([word] * 10),
                                            "sampling": {"max_tokens": 1000}})
            stalled.ws.transport.pause_reading()  # the peer stops reading
            await healthy.ready()
            loop = asyncio.get_running_loop()
            began = loop.time()
            frames = await healthy.turn("quick one", sampling={"max_tokens": 10})
            assert frames[-1]["type"] == "done"
            assert loop.time() - began < 0.25 * UNIT
            await asyncio.sleep(0.6 * UNIT)  # past the send timeout
            stalled.ws.transport.resume_reading()
            _, code, _ = await stalled.until_closed(timeout=10)
            assert code == 1008
        await asyncio.sleep(0.05)
        assert await chat_running(server) == 0
        assert (await stats(server))["connections"] == 0


async def test_dropping_a_stalled_reader_aborts_its_turn_at_once() -> None:
    settings = make_settings(
        server={"send_timeout_s": 0.2 * UNIT, "write_limit_bytes": 4096},
        sessions={"chat_max_out": 1000, "user_utt_max_tokens": 50},
        echo={"tokens_per_second": 400, "reply_tokens": 1000},  # 2.5 s of reply
    )
    async with running_server(settings) as server:
        shrink_send_buffers(server)
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        async with client(server, sock=sock, max_size=None) as stalled:
            await stalled.ready()
            stalled.ws.transport.pause_reading()
            await stalled.send("message", {"user_utterance": " ".join(["w" * 1000] * 10),
                                           "sampling": {"max_tokens": 1000}})
            loop = asyncio.get_running_loop()
            began = loop.time()
            while await chat_running(server):  # long before the reply (or the close) is over
                assert loop.time() - began < 1.5 * UNIT, "the stalled turn still runs"
                await asyncio.sleep(0.01)
            assert (await stats(server))["running_turns"] == 0
            stalled.ws.transport.resume_reading()
            assert (await stalled.until_closed())[1] == 1008


async def test_a_peer_that_stops_answering_pings_is_closed_and_its_turn_aborted() -> None:
    settings = make_settings(
        server={"ping_interval_s": 0.1 * UNIT, "ping_timeout_s": 0.2 * UNIT},
        echo={"tokens_per_second": 20, "reply_tokens": 1000},
        sessions={"chat_max_out": 1000},
    )
    async with running_server(settings) as server, client(server) as dead, client(server) as alive:
        await dead.ready()
        await alive.ready()
        await dead.start("a long reply nobody will hear", sampling={"max_tokens": 1000})
        await dead.recv()
        dead.ws.transport.pause_reading()  # the peer vanishes: no pong comes back
        loop = asyncio.get_running_loop()
        began = loop.time()
        while (await stats(server))["connections"] > 1:
            assert loop.time() - began < 3 * UNIT, "the silent peer is still connected"
            await asyncio.sleep(0.02)
        assert await chat_running(server) == 0
        dead.ws.transport.resume_reading()
        assert (await dead.until_closed())[1] == 1011  # "keepalive ping timeout"
        frames = await alive.turn("still here?", sampling={"max_tokens": 3})
        assert frames[-1]["type"] == "done"  # the live connection kept its pings answered
