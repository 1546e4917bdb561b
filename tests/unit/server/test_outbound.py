"""Outbound: one ordered path for frames, merging queued tokens, bounded."""

from __future__ import annotations

import asyncio

import orjson

from cadence.protocol.codes import CloseCode
from cadence.server.outbound import Outbound


class FakeSink:
    def __init__(self) -> None:
        self.paused = False
        self.sent: list[bytes] = []
        self.closes: list[tuple[int, str]] = []

    def send_text(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self, code: int, reason: str) -> None:
        self.closes.append((code, reason))

    def kinds(self) -> list[tuple[str, str]]:
        frames = [orjson.loads(data) for data in self.sent]
        return [(f["type"], f["payload"].get("text", "")) for f in frames]


def _frame(kind: str) -> bytes:
    return orjson.dumps({"type": kind, "session_id": "s", "request_id": "r", "payload": {}})


async def test_frames_go_out_at_once_while_the_transport_keeps_up() -> None:
    sink = FakeSink()
    out = Outbound(sink, send_timeout_s=1.0)
    out.token("s", "r", "Hel")
    out.token("s", "r", "lo")
    out.frame(_frame("done"))
    assert sink.kinds() == [("token", "Hel"), ("token", "lo"), ("done", "")]


async def test_tokens_queued_while_paused_merge_and_keep_their_order() -> None:
    sink = FakeSink()
    out = Outbound(sink, send_timeout_s=1.0)
    sink.paused = True
    out.paused()
    for text in ("a", "b", "c"):
        out.token("s", "r", text)
    out.frame(_frame("toolcall"))
    out.token("s", "r", "d")
    out.token("s", "r2", "e")  # another turn: never merged with r
    assert sink.sent == []
    sink.paused = False
    out.resumed()
    assert sink.kinds() == [("token", "abc"), ("toolcall", ""), ("token", "d"), ("token", "e")]


async def test_a_peer_that_stays_paused_is_dropped_1008() -> None:
    sink = FakeSink()
    out = Outbound(sink, send_timeout_s=0.05)
    dropped: list[bool] = []
    out.on_drop = lambda: dropped.append(True)
    sink.paused = True
    out.paused()
    out.token("s", "r", "x")
    await asyncio.sleep(0.15)
    assert sink.closes == [(1008, "send timeout")] and dropped == [True]
    out.token("s", "r", "after")  # dropped: the connection is closing
    sink.paused = False
    out.resumed()
    assert sink.sent == []


async def test_resuming_in_time_cancels_the_send_timeout() -> None:
    sink = FakeSink()
    out = Outbound(sink, send_timeout_s=0.05)
    sink.paused = True
    out.paused()
    out.token("s", "r", "x")
    sink.paused = False
    out.resumed()
    await asyncio.sleep(0.1)
    assert sink.closes == [] and sink.kinds() == [("token", "x")]


async def test_too_many_queued_frames_drop_the_peer() -> None:
    sink = FakeSink()
    out = Outbound(sink, send_timeout_s=10.0, max_queued=3)
    dropped: list[bool] = []
    out.on_drop = lambda: dropped.append(True)
    sink.paused = True
    out.paused()
    for kind in ("a", "b", "c", "d"):
        out.frame(_frame(kind))
    await asyncio.sleep(0)
    assert sink.closes == [(1008, "send buffer full")] and dropped == [True]
    out.stop()


async def test_close_waits_behind_queued_frames_and_ends_the_stream() -> None:
    sink = FakeSink()
    out = Outbound(sink, send_timeout_s=1.0)
    sink.paused = True
    out.paused()
    out.token("s", "r", "last words")
    out.close(CloseCode.IDLE_TIMEOUT, "idle_timeout")
    out.frame(_frame("late"))
    assert out.closing and sink.closes == []
    sink.paused = False
    out.resumed()
    assert sink.kinds() == [("token", "last words")]
    assert sink.closes == [(4000, "idle_timeout")]
