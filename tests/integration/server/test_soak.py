"""Soak: 32 clients doing random turns, cancels, barge-ins, takeovers and
abrupt disconnects against one server; afterwards nothing may be left over.

Bounded by ``CADENCE_SOAK_S`` seconds of traffic (default 20).
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from typing import Any

import orjson
import pytest
from harness import (
    API_KEY,
    PROMPT,
    UNIT,
    check_turn_frames,
    is_terminal,
    make_settings,
    running_server,
    stats,
    wait_for,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cadence.server.app import CadenceServer

SOAK_S = float(os.environ.get("CADENCE_SOAK_S", "20"))
CLIENTS = 32
TURN_TYPES = ("start", "message", "followup")


class SoakConnection:
    """One connection: a reader task records every frame in order."""

    def __init__(self, ws: ClientConnection, session_id: str) -> None:
        self.ws = ws
        self.session_id = session_id
        self.frames: list[dict[str, Any]] = []
        self.turns: list[str] = []  # request ids of turn-starting frames
        self.arrived = asyncio.Event()
        self.close_code: int | None = None
        self.aborted = False
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                assert isinstance(data, str)
                self.frames.append(orjson.loads(data))
                self.arrived.set()
        except ConnectionClosed:
            pass
        rcvd = self.ws.protocol.close_rcvd
        self.close_code = rcvd.code if rcvd else None
        self.arrived.set()

    async def send(self, kind: str, payload: dict[str, Any]) -> str:
        rid = uuid.uuid4().hex[:12]
        frame = {"type": kind, "session_id": self.session_id, "request_id": rid, "payload": payload}
        try:
            await self.ws.send(orjson.dumps(frame).decode())
        except ConnectionClosed:
            return rid  # the server closed first (takeover): never sent
        if kind in TURN_TYPES:
            self.turns.append(rid)
        return rid

    async def answered(self, rid: str, within: float = 15.0) -> None:
        """Wait for the terminal frame (or the rejection) of ``rid``, or a close."""
        async with asyncio.timeout(within * UNIT):
            while True:
                if any(f["request_id"] == rid and f["type"] not in ("token", "toolcall")
                       for f in self.frames):
                    return
                if self.reader.done():
                    return
                self.arrived.clear()
                await self.arrived.wait()

    def check(self) -> None:
        """Guarantees 1 and 2 for everything this connection received."""
        answered = {f["request_id"] for f in self.frames}
        rejected = {f["request_id"] for f in self.frames
                    if f["type"] == "ack" or (f["type"] == "error" and not is_terminal(f))}
        started = {rid for rid in self.turns if rid in answered and rid not in rejected}
        must_end = set() if self.aborted else started
        check_turn_frames(self.frames, must_end)
        if self.close_code == 1000:  # closed by our end: every turn frame was answered
            assert set(self.turns) <= answered, set(self.turns) - answered


async def _one_action(conn: SoakConnection, rng: random.Random) -> bool:
    """Do one random thing; return False when the connection is over."""
    roll = rng.random()
    utterance = " ".join(rng.choice(("hi", "tell", "me", "more", "now")) for _ in range(rng.randint(1, 6)))
    if roll < 0.2:
        rid = await conn.send("start", {"chat_prompt": PROMPT, "user_utterance": utterance})
    elif roll < 0.55:
        rid = await conn.send("message", {"user_utterance": utterance})
    elif roll < 0.65:
        rid = await conn.send("followup", {"analysis_text": utterance})
    elif roll < 0.75:
        await conn.send("ping", {})
        return True
    elif roll < 0.8:
        try:
            await conn.ws.send("not json")
        except ConnectionClosed:
            return False
        return True
    elif roll < 0.85:
        conn.aborted = True
        conn.ws.transport.abort()  # abrupt disconnect, maybe mid-turn
        return False
    elif roll < 0.88:
        await conn.answered(await conn.send("end", {}))
        return False
    else:
        await conn.send("cancel", {})  # answered with the running turn's id, if any
        await asyncio.sleep(rng.uniform(0, 0.02))
        return True
    follow = rng.random()
    if follow < 0.3:
        await asyncio.sleep(rng.uniform(0, 0.05))
        await conn.send("cancel", {})
    elif follow < 0.5:
        await asyncio.sleep(rng.uniform(0, 0.03))
        await conn.send("message", {"user_utterance": "barge in"})
        return True
    elif follow < 0.6:
        return True  # back to back: next action barges in at once
    await conn.answered(rid)
    return conn.reader.done() is False


async def _client(server: CadenceServer, rng: random.Random, deadline: float,
                  done: list[SoakConnection]) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        session_id = f"soak-{rng.randrange(CLIENTS + 8)}"  # shared ids cause takeovers
        url = f"ws://127.0.0.1:{server.port}/ws?api_key={API_KEY}"
        # Liveness bounds only: this machine may stall the loop for seconds.
        async with connect(url, compression=None, open_timeout=30 * UNIT) as ws:
            conn = SoakConnection(ws, session_id)
            await conn.send("start", {"chat_prompt": PROMPT})
            while loop.time() < deadline and not conn.reader.done():
                if not await _one_action(conn, rng):
                    break
            if not conn.aborted and not conn.reader.done():
                await conn.answered(await conn.send("end", {}))
            await asyncio.wait_for(asyncio.shield(conn.reader), 10 * UNIT)
        done.append(conn)


@pytest.mark.slow
async def test_soak() -> None:
    settings = make_settings(
        server={"max_connections": 64, "idle_timeout_s": 60},
        limits={"max_messages": 0, "max_cancels": 0, "max_invalid": 0},
        echo={"tokens_per_second": 400, "reply_tokens": 12},
    )
    async with running_server(settings) as server:
        baseline = asyncio.all_tasks()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SOAK_S
        finished: list[SoakConnection] = []
        rngs = [random.Random(seed) for seed in range(CLIENTS)]
        await asyncio.gather(*(_client(server, rng, deadline, finished) for rng in rngs))

        async def idle() -> bool:
            body = await stats(server)
            return (body["connections"], body["running_turns"],
                    body["engines"]["chat"]["running_requests"]) == (0, 0, 0)

        await wait_for(idle, timeout=10)
        await wait_for(_no_new_tasks(baseline), timeout=5)

        async def no_open_sockets() -> bool:  # every socket the scheduler counted was lost
            return server.flusher is not None and server.flusher.open_connections == 0

        await wait_for(no_open_sockets, timeout=5)
        turns = sum(len(conn.turns) for conn in finished)
        assert len(finished) > CLIENTS and turns > 500, (len(finished), turns)
        for conn in finished:
            conn.check()
        codes = {conn.close_code for conn in finished}
        assert 4001 in codes and 1000 in codes, codes


def _no_new_tasks(baseline: set[asyncio.Task[Any]]) -> Any:
    async def check() -> bool:
        current = asyncio.current_task()
        extra = [t for t in asyncio.all_tasks() - baseline if t is not current and not t.done()]
        return not extra

    return check
