"""Micro-batching, timeout fallback and cancel safety, with fake models (no torch)."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Sequence

import pytest

from cadence.tools import (
    BatchLimits,
    ToolClassifier,
    ToolClosedError,
    ToolConfig,
    ToolInput,
    ToolModelLoadError,
)
from cadence.tools.batcher import BatchModel

UNIT = float(os.environ.get("CADENCE_TEST_UNIT", "1.0"))


class FakeModel:
    """Scores 0.9 for utterances containing "look", 0.1 otherwise.

    ``delay_s`` makes each forward pass slow; ``gate`` (if set) blocks each
    forward pass until it is set; ``fail`` makes it raise.
    """

    def __init__(
        self,
        limits: BatchLimits,
        *,
        delay_s: float = 0.0,
        gate: threading.Event | None = None,
        fail: bool = False,
    ) -> None:
        self.limits = limits
        self.delay_s = delay_s
        self.gate = gate
        self.fail = fail
        self.batches: list[list[str]] = []
        self.entered = threading.Event()

    def score(self, items: Sequence[ToolInput]) -> list[float]:
        self.batches.append([item.utterance for item in items])
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10 * UNIT)
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail:
            raise RuntimeError("boom")
        return [0.9 if "look" in item.utterance else 0.1 for item in items]


def make(model: FakeModel, timeout_s: float = 3.0) -> ToolClassifier:
    config = ToolConfig(model="fake", timeout_s=timeout_s)

    def loader(_: ToolConfig) -> BatchModel:
        return model

    return ToolClassifier(config, loader=loader)


async def test_concurrent_sessions_share_forward_passes() -> None:
    model = FakeModel(BatchLimits(8, 20.0 * UNIT), delay_s=0.01)
    classifier = make(model)
    await classifier.start()
    try:
        texts = [f"look at this {i}" if i % 2 else f"hello {i}" for i in range(16)]
        decisions = await asyncio.gather(*(classifier.classify([], t) for t in texts))
    finally:
        await classifier.aclose()
    stats = classifier.stats()
    assert [d.status for d in decisions] == ["yes" if i % 2 else "no" for i in range(16)]
    assert stats.forward_passes < 16
    assert stats.forward_passes == len(model.batches)
    assert stats.largest_batch <= 8
    assert stats.batched_requests == 16
    assert stats.requests == 16 and stats.yes == 8 and stats.no == 8


async def test_batches_never_exceed_max_batch_size() -> None:
    model = FakeModel(BatchLimits(3, 50.0 * UNIT))
    classifier = make(model)
    await classifier.start()
    try:
        await asyncio.gather(*(classifier.classify([], f"u{i}") for i in range(10)))
    finally:
        await classifier.aclose()
    assert max(len(batch) for batch in model.batches) <= 3
    assert sum(len(batch) for batch in model.batches) == 10


async def test_timeout_falls_back_to_no_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = FakeModel(BatchLimits(1, 0.0), delay_s=0.4 * UNIT)
    classifier = make(model, timeout_s=0.05 * UNIT)
    await classifier.start()
    try:
        with caplog.at_level(logging.WARNING, logger="cadence.tools"):
            decision = await classifier.classify([], "look at this")
        assert decision.status == "no"
        assert decision.timed_out
        assert decision.raw == [] and decision.score == 0.0
        assert decision.latency_ms < 300 * UNIT
        assert any("timed out" in r.getMessage() for r in caplog.records)
        assert classifier.stats().timeouts == 1
        # The worker survives and serves the next request once it is free.
        model.delay_s = 0.0
        await asyncio.sleep(0.5 * UNIT)
        later = await classifier.classify([], "look here")
        assert later.status == "yes" and not later.timed_out
    finally:
        await classifier.aclose()


async def test_cancelled_request_is_skipped_and_others_are_served() -> None:
    gate = threading.Event()
    model = FakeModel(BatchLimits(1, 0.0), gate=gate)
    classifier = make(model)
    await classifier.start()
    try:
        first = asyncio.create_task(classifier.classify([], "look first"))
        await asyncio.to_thread(model.entered.wait, 5 * UNIT)  # worker is busy with it
        doomed = asyncio.create_task(classifier.classify([], "look doomed"))
        third = asyncio.create_task(classifier.classify([], "third"))
        await asyncio.sleep(0.01)
        doomed.cancel()
        with pytest.raises(asyncio.CancelledError):
            await doomed
        gate.set()
        assert (await first).status == "yes"
        assert (await third).status == "no"
    finally:
        await classifier.aclose()
    assert ["look doomed"] not in model.batches
    assert classifier.stats().skipped_cancelled == 1


async def test_cancel_during_forward_pass_does_not_break_the_batch() -> None:
    gate = threading.Event()
    model = FakeModel(BatchLimits(4, 50.0 * UNIT), gate=gate)
    classifier = make(model)
    await classifier.start()
    try:
        tasks = [asyncio.create_task(classifier.classify([], f"look {i}")) for i in range(3)]
        await asyncio.to_thread(model.entered.wait, 5 * UNIT)
        tasks[1].cancel()
        gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert isinstance(results[1], asyncio.CancelledError)
        assert [getattr(r, "status", None) for r in (results[0], results[2])] == [
            "yes",
            "yes",
        ]
        assert (await classifier.classify([], "look again")).status == "yes"
    finally:
        await classifier.aclose()


async def test_failed_forward_pass_answers_no_with_error() -> None:
    model = FakeModel(BatchLimits(4, 0.0), fail=True)
    classifier = make(model)
    await classifier.start()
    try:
        decision = await classifier.classify([], "look at this")
        assert decision.status == "no" and decision.error and not decision.timed_out
        model.fail = False
        assert (await classifier.classify([], "look at this")).status == "yes"
        assert classifier.stats().errors == 1
    finally:
        await classifier.aclose()


async def test_lifecycle_start_close_and_closed_errors() -> None:
    model = FakeModel(BatchLimits(4, 0.0))
    classifier = make(model)
    with pytest.raises(ToolClosedError):
        await classifier.classify([], "too early")
    await classifier.start()
    with pytest.raises(RuntimeError):
        await classifier.start()
    workers = [t for t in threading.enumerate() if t.name == "cadence-tool"]
    assert len(workers) == 1 and workers[0].is_alive()
    worker = workers[0]
    await classifier.aclose()
    assert not worker.is_alive()
    await classifier.aclose()  # idempotent
    with pytest.raises(ToolClosedError):
        await classifier.classify([], "too late")


async def test_requests_queued_before_close_are_answered() -> None:
    gate = threading.Event()
    model = FakeModel(BatchLimits(1, 0.0), gate=gate)
    classifier = make(model)
    await classifier.start()
    tasks = [asyncio.create_task(classifier.classify([], f"look {i}")) for i in range(3)]
    await asyncio.to_thread(model.entered.wait, 5 * UNIT)
    closing = asyncio.create_task(classifier.aclose())
    await asyncio.sleep(0.01)
    gate.set()
    await closing
    assert [(await t).status for t in tasks] == ["yes", "yes", "yes"]


async def test_load_failure_is_reported_by_start() -> None:
    def loader(_: ToolConfig) -> BatchModel:
        raise OSError("no such model")

    classifier = ToolClassifier(ToolConfig(model="missing"), loader=loader)
    with pytest.raises(ToolModelLoadError, match="no such model"):
        await classifier.start()
    with pytest.raises(ToolClosedError):
        await classifier.classify([], "hello")
    await classifier.aclose()


async def test_history_reaches_the_model() -> None:
    seen: list[ToolInput] = []

    class Recorder(FakeModel):
        def score(self, items: Sequence[ToolInput]) -> list[float]:
            seen.extend(items)
            return [0.5 for _ in items]

    classifier = make(Recorder(BatchLimits(1, 0.0)))
    await classifier.start()
    decision = await classifier.classify(["I'm on Amazon", "shoes"], "this one?")
    await classifier.aclose()
    assert seen == [ToolInput(("I'm on Amazon", "shoes"), "this one?")]
    assert decision.status == "no" and decision.score == 0.5  # 0.5 < 0.66
