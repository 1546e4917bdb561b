"""SIGTERM with 32 turns in flight, on the real ``cadence serve`` process.

Every turn ends with ``done`` (the short ones finish inside the drain) or
``cancelled`` reason ``shutdown`` (the long ones), every connection closes
with 1001, and the process exits 0 within ``DRAIN_TIMEOUT_S`` plus a second.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).parents[1] / "e2e"))
from e2e_server import API_KEY, serve

pytestmark = pytest.mark.slow

TURNS = 32
DRAIN_TIMEOUT_S = 2.0
SHORT_TOKENS = 3  # at 10 tokens/s: done after 0.3 s, inside the drain
LONG_TOKENS = 400  # 40 s: still running when the drain ends


async def _open_turn(url: str, index: int) -> tuple[ClientConnection, str]:
    """Connect, start a turn and wait for its first token."""
    ws = await connect(url, compression=None)
    rid = f"t{index}-{uuid.uuid4().hex[:6]}"
    tokens = SHORT_TOKENS if index % 2 == 0 else LONG_TOKENS
    await ws.send(orjson.dumps({
        "type": "start", "session_id": f"s{index}-{uuid.uuid4().hex[:6]}", "request_id": rid,
        "payload": {"chat_prompt": "Be brief.", "user_utterance": "tell me more",
                    "sampling": {"max_tokens": tokens}},
    }).decode())
    first = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
    assert first["type"] == "token", first
    return ws, rid


async def _until_closed(ws: ClientConnection) -> tuple[list[dict[str, Any]], int | None]:
    frames = []
    try:
        while True:
            frames.append(orjson.loads(await asyncio.wait_for(ws.recv(), 15)))
    except ConnectionClosed as exc:
        return frames, exc.rcvd.code if exc.rcvd else None


async def test_sigterm_with_32_turns_in_flight(tmp_path: Path) -> None:
    env = {"ECHO_TOKENS_PER_SECOND": "10", "ECHO_REPLY_TOKENS": "1000", "CHAT_MAX_OUT": "1000",
           "DRAIN_TIMEOUT_S": str(DRAIN_TIMEOUT_S), "MAX_CONCURRENT_CONNECTIONS": "64"}
    with serve("echo", env, tmp_path) as server:
        url = f"{server.ws_url}?api_key={API_KEY}"
        opened = await asyncio.gather(*(_open_turn(url, i) for i in range(TURNS)))
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        results = await asyncio.gather(*(_until_closed(ws) for ws, _ in opened))
        code = await asyncio.to_thread(server.process.wait, DRAIN_TIMEOUT_S + 5)
        exited_after = time.monotonic() - signalled
    endings = []
    for (_, rid), (frames, close_code) in zip(opened, results, strict=True):
        terminals = [f for f in frames if f["type"] in ("done", "cancelled", "error")]
        assert [f["request_id"] for f in terminals] == [rid], frames[-3:]
        assert frames[-1] is terminals[0] and all(f["type"] == "token" for f in frames[:-1])
        ending = terminals[0]
        assert ending["type"] == "done" or ending["payload"]["reason"] == "shutdown", ending
        endings.append(ending["type"])
        assert close_code == 1001
    assert endings.count("done") == TURNS // 2 and endings.count("cancelled") == TURNS // 2
    assert code == 0, server.log()[-2000:]
    assert exited_after < DRAIN_TIMEOUT_S + 1.0, f"exited {exited_after:.2f} s after SIGTERM"
