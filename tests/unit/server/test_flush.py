"""FlushScheduler: the writes of one loop step, coalesced per connection."""

from __future__ import annotations

import asyncio

import pytest
from wire_fakes import Peer

from cadence.server.flush import FlushScheduler


class Recorder:
    """A connection that records when it is flushed."""

    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.name, self.log, self.fail = name, log, fail

    def flush_now(self) -> None:
        self.log.append(self.name)
        if self.fail:
            raise RuntimeError("bug")


def scheduler(open_connections: int = 2, **kwargs: int) -> FlushScheduler:
    """A scheduler with ``open_connections`` connections open."""
    flusher = FlushScheduler(asyncio.get_running_loop(), **kwargs)
    for _ in range(open_connections):
        flusher.connection_opened()
    return flusher


async def test_connections_are_flushed_at_the_next_step_in_the_order_they_asked() -> None:
    log: list[str] = []
    flusher = scheduler()
    for name in "abc":
        flusher.request(Recorder(name, log))
    assert log == []
    await asyncio.sleep(0)
    assert log == ["a", "b", "c"]
    await asyncio.sleep(0)
    assert log == ["a", "b", "c"]  # each request is flushed once


async def test_a_full_batch_is_flushed_at_once() -> None:
    log: list[str] = []
    flusher = scheduler(max_batch=3)
    for name in "abcd":
        flusher.request(Recorder(name, log))
    assert log == ["a", "b", "c"]  # the third filled the batch
    await asyncio.sleep(0)
    assert log == ["a", "b", "c", "d"]


async def test_a_failing_flush_does_not_lose_the_others(caplog: pytest.LogCaptureFixture) -> None:
    log: list[str] = []
    flusher = scheduler()
    flusher.request(Recorder("a", log, fail=True))
    flusher.request(Recorder("b", log))
    await asyncio.sleep(0)
    assert log == ["a", "b"]
    assert "flushing a connection failed" in caplog.text


async def test_writes_coalesce_only_while_more_than_one_connection_is_open() -> None:
    flusher = scheduler(open_connections=0)
    assert not flusher.coalescing
    flusher.connection_opened()
    assert not flusher.coalescing  # a lone connection writes at once (see test_wire)
    flusher.connection_opened()
    assert flusher.coalescing and flusher.open_connections == 2
    flusher.connection_closed()
    assert not flusher.coalescing and flusher.open_connections == 1


async def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        FlushScheduler(asyncio.get_running_loop(), max_batch=0)


async def test_many_connections_each_get_one_write_per_step() -> None:
    flusher = FlushScheduler(asyncio.get_running_loop())
    peers = [Peer(flusher=flusher) for _ in range(5)]
    for peer in peers:
        peer.handshake()
    for index, peer in enumerate(peers):
        peer.wire.send_text(b'{"a":%d}' % index)
        peer.wire.send_text(b'{"b":%d}' % index)
    assert all(peer.transport.written == [] for peer in peers)
    await asyncio.sleep(0)
    assert [len(peer.transport.written) for peer in peers] == [1] * 5
    assert [f.data for f in peers[4].frames()] == [b'{"a":4}', b'{"b":4}']
    assert flusher.open_connections == 5
    for peer in peers:
        peer.wire.connection_lost(None)
    assert flusher.open_connections == 0
