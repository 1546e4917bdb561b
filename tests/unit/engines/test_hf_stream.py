"""The per-request mailbox of the hf engine: merging, ending, errors."""

from __future__ import annotations

import asyncio
import threading

import pytest

from cadence.engines.base import Delta, EngineError, Usage
from cadence.engines.hf_stream import RequestStream

USAGE = Usage(prompt_tokens=3, completion_tokens=2)


async def collect(stream: RequestStream) -> list[Delta]:
    return [delta async for delta in stream.deltas()]


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_deltas_queued_together_are_merged() -> None:
    ended: list[RequestStream] = []
    stream = RequestStream(asyncio.get_running_loop(), ended.append)
    assert stream.send(Delta("Hel"))
    assert stream.send(Delta("lo"))
    assert stream.send(Delta("!", "stop", USAGE))
    await settle()
    assert ended == [stream]
    assert await collect(stream) == [Delta("Hello!", "stop", USAGE)]


async def test_sends_from_another_thread_arrive_in_order() -> None:
    stream = RequestStream(asyncio.get_running_loop(), lambda _s: None)

    def produce() -> None:
        for index in range(50):
            stream.send(Delta(f"{index},"))
        stream.send(Delta("", "length", USAGE))

    thread = threading.Thread(target=produce)
    thread.start()
    deltas = await collect(stream)
    thread.join()
    assert "".join(d.text for d in deltas) == "".join(f"{i}," for i in range(50))
    assert deltas[-1].finish_reason == "length"


async def test_error_yields_queued_text_then_raises() -> None:
    stream = RequestStream(asyncio.get_running_loop(), lambda _s: None)
    stream.send(Delta("partial"))
    stream.send(EngineError("boom"))
    await settle()
    deltas = stream.deltas()
    assert await anext(deltas) == Delta("partial")
    with pytest.raises(EngineError, match="boom"):
        await anext(deltas)


async def test_abort_ends_silently_and_ignores_later_items() -> None:
    ended: list[RequestStream] = []
    stream = RequestStream(asyncio.get_running_loop(), ended.append)
    stream.send(Delta("dropped"))
    await settle()
    stream.abort()
    stream.send(Delta("late", "stop", USAGE))
    await settle()
    assert await collect(stream) == []
    assert ended == []


async def test_fail_ends_with_the_error() -> None:
    stream = RequestStream(asyncio.get_running_loop(), lambda _s: None)
    stream.fail(EngineError("closed"))
    stream.fail(EngineError("twice"))
    with pytest.raises(EngineError, match="closed"):
        await collect(stream)


async def test_send_after_the_loop_closed_returns_false() -> None:
    loop = asyncio.new_event_loop()
    stream = RequestStream(loop, lambda _s: None)
    loop.close()
    assert not stream.send(Delta("x"))
