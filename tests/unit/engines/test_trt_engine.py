"""The ``trt`` engine adapter against a fake of TensorRT-LLM's LLM API.

TensorRT-LLM cannot be installed here; ``fake_tensorrt_llm`` models the
documented surface the adapter uses (see its docstring), and these tests
drive the adapter through it: streaming, finishes, usage, aborts on every
exit path, error mapping, configuration and the Python 3.10 timeout case.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fake_tensorrt_llm as fake
from trt_support import PROMPT, collect, request, started, text_of

from cadence.engines.base import Delta, EngineError, InvalidRequestError, Usage
from cadence.engines.trt import TRTEngine
from cadence.engines.trt_config import TRTEngineConfig


@pytest.fixture
async def engine(trt: fake.Registry, model_dir: Path) -> AsyncIterator[TRTEngine]:
    started_engine = await started(TRTEngineConfig(model=str(model_dir)))
    yield started_engine
    await started_engine.aclose()


async def test_deltas_reassemble_the_text_exactly(engine: TRTEngine, trt: fake.Registry) -> None:
    trt.llm.plans.append(fake.Plan(pieces=["Hel", "lo", " wör", "ld", " 👋"], finish_reason="length"))
    deltas = await collect(engine, request())
    result = trt.llm.requests[-1]
    assert text_of(deltas) == result.outputs[0].text == "Hello wörld 👋"
    *body, final = deltas
    assert all(d.text and d.finish_reason is None and d.usage is None for d in body)
    assert final.finish_reason == "length"
    assert final.usage == Usage(prompt_tokens=6, completion_tokens=5, cached_prompt_tokens=0)
    assert result.prompt_token_ids == engine.tokenizer.encode(PROMPT)
    assert result.streaming is True
    assert trt.llm.aborted == [], "a finished request is not aborted"
    assert engine.running_requests() == 0


async def test_a_stop_string_never_streams_text_it_takes_back(engine: TRTEngine, trt: fake.Registry) -> None:
    trt.llm.plans.append(fake.Plan(pieces=["Hel", "lo ", "wo", "rld"]))
    deltas = await collect(engine, request(stop=("o w",)))
    assert text_of(deltas) == trt.llm.requests[-1].outputs[0].text == "Hell"
    assert deltas[-1].finish_reason == "stop"
    assert len(trt.llm.aborted) == 1, "only TensorRT-LLM's own stop-string abort"


@pytest.mark.parametrize(("trt_reason", "finish"), [("stop", "stop"), ("length", "length")])
async def test_finish_reasons_map(engine: TRTEngine, trt: fake.Registry, trt_reason: str, finish: str) -> None:
    trt.llm.plans.append(fake.Plan(pieces=["a", "b"], finish_reason=trt_reason))
    deltas = await collect(engine, request())
    assert deltas[-1].finish_reason == finish


@pytest.mark.parametrize("trt_reason", ["cancelled", "timeout", "not_finished"])
async def test_an_end_without_a_protocol_finish_is_an_engine_error(
    engine: TRTEngine, trt: fake.Registry, trt_reason: str
) -> None:
    trt.llm.plans.append(fake.Plan(pieces=["a", "b"], finish_reason=trt_reason))
    with pytest.raises(EngineError, match=trt_reason):
        await collect(engine, request())
    assert engine.running_requests() == 0


@pytest.mark.parametrize(("cached", "reported"), [(3, 3), (99, 6)])
async def test_reused_prompt_tokens_are_reported(
    engine: TRTEngine, trt: fake.Registry, cached: int, reported: int
) -> None:
    trt.llm.plans.append(fake.Plan(pieces=["a"], cached_tokens=cached))
    usage = (await collect(engine, request()))[-1].usage
    assert usage is not None and usage.cached_prompt_tokens == reported


async def until(condition: Callable[[], bool]) -> None:
    """Let the event loop run until ``condition()`` holds."""
    while True:
        if condition():
            return
        await asyncio.sleep(0)


async def first_delta(engine: TRTEngine, trt: fake.Registry, into: list[Delta]) -> asyncio.Task[None]:
    """A consumer task of a manual 10-step request, once it holds its first delta."""
    trt.llm.plans.append(fake.Plan(pieces=["w "] * 10, manual=True))

    async def consume() -> None:
        async for delta in engine.generate(request()):
            into.append(delta)

    task = asyncio.ensure_future(consume())
    await until(lambda: bool(trt.llm.requests))
    trt.llm.requests[-1].release()
    await until(lambda: bool(into))
    return task


@pytest.mark.parametrize("exit_path", ["abort", "consumer_cancelled", "wait_for_timeout"])
async def test_every_exit_path_aborts_the_backend_request(
    engine: TRTEngine, trt: fake.Registry, exit_path: str
) -> None:
    """cancel, barge-in and the turn deadline reach ``engine.abort``; a client
    disconnect cancels the consumer; a timeout around the stream cancels it too."""
    got: list[Delta] = []
    task = await first_delta(engine, trt, got)
    if exit_path == "abort":
        await engine.abort("r1")
        assert engine.running_requests() == 0
        await asyncio.wait_for(task, 5)
        await engine.abort("r1")  # idempotent
    elif exit_path == "consumer_cancelled":
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    else:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(task, 0.01)
    assert trt.llm.aborted == [trt.llm.requests[-1].request_id]
    assert all(d.finish_reason is None for d in got), "an aborted stream has no final delta"
    assert engine.running_requests() == 0


@pytest.mark.parametrize("how", ["aclose", "dropped"])
async def test_leaving_the_iteration_aborts_the_backend_request(
    engine: TRTEngine, trt: fake.Registry, how: str
) -> None:
    """TensorRT-LLM does not abort when its iteration is left: the adapter does."""
    trt.llm.plans.append(fake.Plan(pieces=["w "] * 10, manual=True))
    stream = engine.generate(request())
    pending = asyncio.ensure_future(stream.__anext__())
    await until(lambda: bool(trt.llm.requests))
    trt.llm.requests[-1].release()
    assert (await pending).text == "w "
    assert trt.llm.aborted == []
    if how == "aclose":
        await stream.aclose()
    else:
        del stream, pending
        gc.collect()
        for _ in range(5):  # the event loop's async-generator finalizer closes it
            await asyncio.sleep(0)
    assert trt.llm.aborted == [trt.llm.requests[-1].request_id]
    assert engine.running_requests() == 0


async def test_closing_the_engine_fails_running_requests(trt: fake.Registry, model_dir: Path) -> None:
    engine = await started(TRTEngineConfig(model=str(model_dir)))
    task = await first_delta(engine, trt, [])
    await engine.aclose()
    with pytest.raises(EngineError, match="closed"):
        await task
    assert trt.llm.aborted == [trt.llm.requests[-1].request_id]
    assert trt.llm.shutdown_calls == 1
    await engine.aclose()  # idempotent
    assert trt.llm.shutdown_calls == 1


async def test_a_backend_error_mid_stream_is_an_engine_error(engine: TRTEngine, trt: fake.Registry) -> None:
    error = RuntimeError("CUDA error: an illegal memory access was encountered")
    trt.llm.plans.append(fake.Plan(pieces=["a", "b", "c"], error=error, error_at=1))
    got: list[Delta] = []

    async def consume() -> None:
        async for delta in engine.generate(request()):
            got.append(delta)

    with pytest.raises(EngineError, match="RuntimeError: CUDA error") as caught:
        await consume()
    assert caught.value.__cause__ is error
    assert text_of(got) == "a"
    assert trt.llm.aborted == [trt.llm.requests[-1].request_id]
    assert engine.running_requests() == 0


@pytest.mark.parametrize(("error", "mapped"), [
    (ValueError("The sum of prompt length and max_tokens should not exceed max_seq_len"), InvalidRequestError),
    (RuntimeError("LLM is shutting down"), EngineError),
])
async def test_submit_errors_are_translated(
    engine: TRTEngine, trt: fake.Registry, error: Exception, mapped: type[Exception]
) -> None:
    trt.llm.submit_error = error
    with pytest.raises(mapped, match="TensorRT-LLM"):
        await collect(engine, request())
    assert engine.running_requests() == 0


async def test_requests_are_checked_before_submission(trt: fake.Registry, model_dir: Path) -> None:
    engine = await started(TRTEngineConfig(model=str(model_dir), max_input_len=6, max_output_len=4))
    assert engine.max_prompt_tokens == 6 and engine.max_model_len == 10
    for bad in (request(prompt="  "), request(prompt=PROMPT + " more"), request(max_tokens=5),
                request(top_p=0.0)):
        with pytest.raises(InvalidRequestError):
            await collect(engine, bad)
    assert trt.llm.requests == []
    await engine.aclose()


async def test_a_running_request_id_is_refused(engine: TRTEngine, trt: fake.Registry) -> None:
    task = await first_delta(engine, trt, [])
    with pytest.raises(InvalidRequestError, match="already running"):
        await collect(engine, request())
    await engine.abort("r1")
    await task


async def test_sampling_settings_reach_tensorrt_llm(engine: TRTEngine, trt: fake.Registry) -> None:
    await collect(engine, request(temperature=0.7, top_p=0.9, top_k=40, min_p=0.05, seed=11,
                                  repetition_penalty=1.05, presence_penalty=0.5, stop=("\n\n",)))
    params = trt.llm.requests[-1].sampling_params
    assert (params.temperature, params.top_p, params.top_k, params.min_p, params.seed) == (0.7, 0.9, 40, 0.05, 11)
    assert (params.repetition_penalty, params.presence_penalty, params.frequency_penalty) == (1.05, 0.5, None)
    assert params.stop == ["\n\n"] and params.max_tokens == 16
    assert params.stop_token_ids == [2, 5, 7], "EOS, generation_config eos ids and <|im_end|>"
    assert params.include_stop_str_in_output is False and params.skip_special_tokens is True


async def test_greedy_is_top_k_1_and_unseeded_requests_get_a_seed(engine: TRTEngine, trt: fake.Registry) -> None:
    await collect(engine, request(temperature=0.0, top_p=0.5, top_k=0))
    await collect(engine, request(temperature=1.0))
    greedy, sampled = (r.sampling_params for r in trt.llm.requests)
    assert (greedy.top_k, greedy.temperature, greedy.top_p) == (1, None, None)
    assert sampled.top_k is None and isinstance(sampled.seed, int)


def timeout_310(monkeypatch: pytest.MonkeyPatch) -> type[Exception]:
    """Make ``asyncio`` behave as on Python 3.10: ``asyncio.TimeoutError`` is its
    own class (not the builtin ``TimeoutError``) and ``wait_for`` raises it."""

    class AsyncioTimeoutError310(Exception):
        pass

    async def wait_for(awaitable: object, *_timeout: float) -> None:
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        elif isinstance(awaitable, asyncio.Future):
            awaitable.cancel()
        raise AsyncioTimeoutError310

    monkeypatch.setattr(asyncio, "TimeoutError", AsyncioTimeoutError310)
    monkeypatch.setattr(asyncio, "wait_for", wait_for)
    assert not issubclass(AsyncioTimeoutError310, TimeoutError)
    return AsyncioTimeoutError310


async def test_python_310_timeouts_are_caught(monkeypatch: pytest.MonkeyPatch, trt: fake.Registry,
                                              model_dir: Path) -> None:
    from cadence.engines.trt_request import finish_within

    engine = await started(TRTEngineConfig(model=str(model_dir)))
    timeout_310(monkeypatch)
    assert await finish_within(asyncio.sleep(0), 1.0, "a step") is False
    await engine.aclose()  # LLM.shutdown "timed out": aclose still returns
    assert engine.running_requests() == 0


async def test_timeouts_are_caught_on_this_python() -> None:
    from cadence.engines.trt_request import finish_within

    assert await finish_within(asyncio.sleep(5), 0.01, "a slow step") is False
    assert await finish_within(asyncio.sleep(0), 1.0, "a quick step") is True

