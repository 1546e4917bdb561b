"""Prefix KV reuse on the real SmolLM2 model: a reused prefix gives the same
greedy tokens as a cold prefill, after finished, cancelled and trimmed turns."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from hf_helpers import UNIT

from cadence.engines.base import ChatMessage, Delta, GenerationRequest, SamplingParams
from cadence.engines.hf import HFEngine
from cadence.engines.hf_config import HFEngineConfig

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]
GREEDY = SamplingParams(temperature=0.0, max_tokens=10)
PERSONA = ("You are Rosa, the voice assistant of a small bakery in Lisbon. You know the menu by heart: "
           "custard tarts, sourdough, rye, almond cake and coffee. Answer in one short sentence.")


async def _engine(model: Path, **config: object) -> HFEngine:
    # float32 decode steps: the keys and values of a reply's tokens then come out as a cold prefill
    # computes them. With the half-size decode copies (the CPU default) a kept reply carries their
    # rounding, and a near tie can flip, the way vLLM's reused decode blocks can: not a reuse error.
    engine = HFEngine(HFEngineConfig(model=str(model), device="cpu", cpu_threads=1, warmup=False,
                                     decode_dtype="float32", **config))
    await engine.start()
    return engine


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engines(smollm2_dir: Path) -> AsyncIterator[tuple[HFEngine, HFEngine]]:
    """(reusing, cold): the same model with and without the prefix cache."""
    warm = await _engine(smollm2_dir, prefill_chunk_tokens=32)
    cold = await _engine(smollm2_dir, prefix_cache_mb=0)
    yield warm, cold
    await warm.aclose()
    await cold.aclose()


def _request(engine: HFEngine, messages: list[ChatMessage], **sampling: object) -> GenerationRequest:
    prompt = engine.tokenizer.render([ChatMessage("system", PERSONA), *messages])
    return GenerationRequest(f"t-{uuid.uuid4().hex[:10]}", prompt, GREEDY._replace(**sampling))


async def _until_idle(engine: HFEngine) -> None:
    """Wait until the engine runs no request (an abort has landed)."""
    deadline = asyncio.get_running_loop().time() + 5 * UNIT
    while engine.running_requests():
        assert asyncio.get_running_loop().time() < deadline, "the request was not aborted"
        await asyncio.sleep(0.01)


async def _reply(engine: HFEngine, request: GenerationRequest) -> tuple[str, Delta]:
    deltas = [d async for d in engine.generate(request)]
    return "".join(d.text for d in deltas), deltas[-1]


async def test_a_conversation_reuses_its_prefix_and_says_the_same(engines: tuple[HFEngine, HFEngine]) -> None:
    warm, cold = engines
    messages: list[ChatMessage] = []
    cached: list[int] = []
    for question in ("Hi! What do you sell?", "How much is a custard tart?", "Do you have rye bread?"):
        messages.append(ChatMessage("user", question))
        text, last = await _reply(warm, _request(warm, messages))
        reference, _ = await _reply(cold, _request(cold, messages))
        assert text == reference
        assert last.usage is not None
        cached.append(last.usage.cached_prompt_tokens)
        messages.append(ChatMessage("assistant", text))
    assert cached[1] > 40 and cached[2] > cached[1]  # each turn reuses the conversation so far
    stats = warm.stats().prefix_cache
    assert stats.hits >= 2 and stats.bytes <= stats.budget_bytes


async def test_a_cancelled_turn_leaves_a_reusable_prefix(engines: tuple[HFEngine, HFEngine]) -> None:
    warm, cold = engines
    first = [ChatMessage("user", "Tell me everything about your sourdough, in detail.")]
    request = _request(warm, first, max_tokens=60)
    stream = warm.generate(request)
    async for delta in stream:
        if delta.text:
            break
    await stream.aclose()  # the consumer leaves: the engine aborts the request
    await _until_idle(warm)
    later = [*first, ChatMessage("assistant", "Our sourdough"), ChatMessage("user", "And the rye?")]
    text, last = await _reply(warm, _request(warm, later))
    reference, _ = await _reply(cold, _request(cold, later))
    assert text == reference
    assert last.usage is not None and last.usage.cached_prompt_tokens > 40


async def test_a_trimmed_history_still_matches_a_cold_prefill(engines: tuple[HFEngine, HFEngine]) -> None:
    warm, cold = engines
    long = [ChatMessage("user", "What time do you open?"), ChatMessage("assistant", "At seven."),
            ChatMessage("user", "And on Sundays?"), ChatMessage("assistant", "At eight."),
            ChatMessage("user", "Great, any almond cake today?")]
    await _reply(warm, _request(warm, long))
    trimmed = long[2:]  # the oldest exchange dropped: the common prefix ends at the system prompt
    text, last = await _reply(warm, _request(warm, trimmed))
    reference, _ = await _reply(cold, _request(cold, trimmed))
    assert text == reference and last.usage is not None and last.usage.cached_prompt_tokens > 0


async def test_abort_during_the_prefill_of_the_uncached_part(engines: tuple[HFEngine, HFEngine]) -> None:
    warm, cold = engines
    essay = " ".join(f"Line {i}: the oven was warm and the bread was rising." for i in range(40))
    request = _request(warm, [ChatMessage("user", essay)])
    stream = warm.generate(request)
    task = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.05)  # a few 32-token prefill chunks in
    await warm.abort(request.request_id)
    await asyncio.gather(task, return_exceptions=True)
    await stream.aclose()
    await _until_idle(warm)
    messages = [ChatMessage("user", essay + " Summarise that in five words.")]
    text, _ = await _reply(warm, _request(warm, messages))
    reference, _ = await _reply(cold, _request(cold, messages))
    assert text == reference


async def test_a_tiny_budget_evicts_and_never_exceeds_itself(smollm2_dir: Path) -> None:
    engine = await _engine(smollm2_dir, prefix_cache_mb=6)  # about two short conversations
    try:
        for question in ("What is sourdough?", "Why is rye dark?", "Is coffee hot?", "Who bakes at night?"):
            await _reply(engine, _request(engine, [ChatMessage("user", question)]))
        stats = engine.stats().prefix_cache
        assert stats.evictions >= 1 and 0 < stats.bytes <= stats.budget_bytes
    finally:
        await engine.aclose()
