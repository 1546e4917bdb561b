"""Abort, cancellation, concurrency and errors of the hf engine on SmolLM2."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hf_helpers import UNIT, request, run, text_of

from cadence.engines.base import (
    Delta,
    EngineError,
    GenerationRequest,
    InvalidRequestError,
    SamplingParams,
)
from cadence.engines.hf import HFEngine
from cadence.engines.hf_config import HFEngineConfig

pytestmark = [pytest.mark.hf, pytest.mark.slow]

LONG = "Write a long poem about the sea."


async def eventually(predicate: Callable[[], bool], within: float) -> None:
    """Poll ``predicate`` (scheduler stats are not awaitable) until true."""
    deadline = time.monotonic() + within
    for _ in itertools.count():
        if predicate():
            return
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


async def idle(engine: HFEngine) -> None:
    """Wait until the scheduler thread holds no request at all."""
    await eventually(lambda: not (engine.stats().waiting or engine.stats().decoding), 5 * UNIT)


async def test_abort_mid_stream_stops_within_a_step(engine: HFEngine) -> None:
    req = request(engine, LONG, max_tokens=200)
    stream = engine.generate(req)
    assert (await anext(stream)).text
    steps = engine.stats().decode_steps
    started = time.monotonic()
    await engine.abort(req.request_id)
    assert engine.running_requests() == 0
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 1 * UNIT)
    await idle(engine)
    assert time.monotonic() - started < 3 * UNIT  # coarse guard only
    assert engine.stats().decode_steps - steps <= 2
    await engine.abort(req.request_id)  # idempotent


async def test_abort_before_the_first_token(engine: HFEngine) -> None:
    req = request(engine, LONG, max_tokens=200)
    received: list[Delta] = []

    async def consume() -> None:
        received.extend([delta async for delta in engine.generate(req)])

    task = asyncio.create_task(consume())
    await eventually(lambda: engine.running_requests() == 1, 1 * UNIT)
    await engine.abort(req.request_id)
    assert engine.running_requests() == 0
    await asyncio.wait_for(task, 2 * UNIT)
    assert received == []
    await idle(engine)


async def test_cancelling_the_consumer_aborts(engine: HFEngine) -> None:
    req = request(engine, LONG, max_tokens=200)
    first = asyncio.Event()

    async def consume() -> None:
        async for _delta in engine.generate(req):
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 10 * UNIT)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.running_requests() == 0
    await idle(engine)


async def test_closing_the_iterator_aborts(engine: HFEngine) -> None:
    stream = engine.generate(request(engine, LONG, max_tokens=200))
    await anext(stream)
    await stream.aclose()
    assert engine.running_requests() == 0
    await idle(engine)


async def test_concurrent_requests_interleave(engine: HFEngine) -> None:
    events: list[tuple[str, bool]] = []

    async def consume(name: str, req: GenerationRequest) -> None:
        async for delta in engine.generate(req):
            events.append((name, delta.finish_reason is not None))

    first = request(engine, LONG, max_tokens=12)
    second = request(engine, "Tell me a story.", max_tokens=12)
    await asyncio.gather(consume("a", first), consume("b", second))
    a_done = events.index(("a", True))
    b_done = events.index(("b", True))
    assert any(name == "b" for name, _ in events[:a_done])
    assert any(name == "a" for name, _ in events[:b_done])


async def test_slow_consumer_gets_merged_deltas(engine: HFEngine) -> None:
    stream = engine.generate(request(engine, LONG, max_tokens=12))
    deltas = [await anext(stream)]
    await asyncio.sleep(1.5 * UNIT)  # several steps queue up meanwhile
    deltas += [delta async for delta in stream]
    usage = deltas[-1].usage
    assert usage is not None
    assert len(deltas) < usage.completion_tokens
    assert text_of(deltas)


@pytest.mark.parametrize("prompt", ["", "  \n\t "])
async def test_empty_prompt_is_invalid(engine: HFEngine, prompt: str) -> None:
    req = request(engine, "x")
    with pytest.raises(InvalidRequestError):
        await run(engine, GenerationRequest(req.request_id, prompt, req.sampling))
    assert engine.running_requests() == 0


async def test_bad_sampling_is_invalid(engine: HFEngine) -> None:
    with pytest.raises(InvalidRequestError, match="top_p"):
        await run(engine, request(engine, "Hi", top_p=0.0))


async def test_duplicate_running_id_is_invalid(engine: HFEngine) -> None:
    req = request(engine, LONG, max_tokens=50)
    stream = engine.generate(req)
    await anext(stream)
    with pytest.raises(InvalidRequestError):
        await run(engine, req)
    await stream.aclose()
    assert engine.running_requests() == 0


async def test_prompt_longer_than_the_context_is_invalid(engine: HFEngine) -> None:
    req = request(engine, "hello " * 9000)
    with pytest.raises(InvalidRequestError, match="context"):
        await run(engine, req)
    assert engine.running_requests() == 0


async def test_missing_model_folder_fails_start(tmp_path: Path) -> None:
    hf = HFEngine(HFEngineConfig(model=str(tmp_path / "nothing-here"), warmup=False))
    with pytest.raises(EngineError, match="models prepare"):
        await hf.start()
    with pytest.raises(EngineError, match="failed"):
        await run(hf, GenerationRequest("x", "Hi", SamplingParams()))
    await hf.aclose()
    await hf.aclose()  # idempotent
