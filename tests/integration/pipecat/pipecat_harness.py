"""A real Pipecat pipeline around ``CadenceLLMService``, driven like a bot.

The pipeline is what a Pipecat voice bot runs between its speech-to-text and
text-to-speech stages: the user context aggregator, the LLM service, a
recorder that timestamps every frame the service pushes downstream, and the
assistant context aggregator. User turns enter as ``LLMMessagesAppendFrame``
(what the user aggregator does with a transcription); interruptions as
``InterruptionFrame`` (what it broadcasts when the user speaks over the bot).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from pipecat.frames.frames import (
    EndFrame,
    ErrorFrame,
    Frame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMMessagesAppendFrame,
    LLMTextFrame,
    MetricsFrame,
)
from pipecat.metrics.metrics import LLMUsageMetricsData, TTFBMetricsData
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import LLMContextAggregatorPair
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.workers.runner import WorkerRunner

from cadence.client.pipecat import CadenceLLMService

Stamped = tuple[float, Frame]


class Recorder(FrameProcessor):
    """Keeps every frame that passes, with ``time.perf_counter()`` at arrival."""

    def __init__(self) -> None:
        super().__init__(enable_direct_mode=True)
        self.down: list[Stamped] = []
        self.up: list[Stamped] = []
        self._changed = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        (self.down if direction is FrameDirection.DOWNSTREAM else self.up).append((time.perf_counter(), frame))
        self._changed.set()
        await self.push_frame(frame, direction)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def count(self, kind: type[Frame]) -> int:
        return sum(isinstance(f, kind) for _, f in self.down)

    def metrics(self, kind: type[Any]) -> list[Any]:
        return [d for _, f in self.down if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, kind)]

    def ttfb_s(self) -> list[float]:
        """TTFB values in seconds (the worker's all-zero initial report left out)."""
        return [d.value for d in self.metrics(TTFBMetricsData) if d.value > 0]

    def wake(self) -> None:
        self._changed.set()

    def usage(self) -> list[Any]:
        return [d.value for d in self.metrics(LLMUsageMetricsData)]

    def texts_between(self, start: int, end: int | None = None) -> str:
        frames = self.down[start:end]
        return "".join(f.text for _, f in frames if isinstance(f, LLMTextFrame))


class Bot:
    """A running pipeline; ``say`` a user turn, ``interrupt``, read the record."""

    def __init__(self, llm: CadenceLLMService, context: LLMContext, worker: PipelineWorker,
                 recorder: Recorder, upstream: Recorder) -> None:
        self.llm = llm
        self.context = context
        self.worker = worker
        self.recorder = recorder
        self.upstream = upstream
        self.assistant_turns = 0

    async def say(self, text: str) -> float:
        """Append a user message and run the LLM; returns when it was queued."""
        at = time.perf_counter()
        await self.worker.queue_frame(LLMMessagesAppendFrame(
            messages=[{"role": "user", "content": text}], run_llm=True))
        return at

    async def interrupt(self) -> float:
        at = time.perf_counter()
        await self.worker.queue_frame(InterruptionFrame())
        return at

    async def interrupted(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Interrupt the running response and wait until the assistant
        aggregator has recorded what was said of it."""
        ends, turns = self.recorder.count(LLMFullResponseEndFrame), self.assistant_turns
        await self.interrupt()
        await self.wait_responses(ends + 1, timeout)
        await self.recorder.wait_for(lambda: self.assistant_turns > turns, timeout)

    async def reply(self, text: str, timeout: float = 10.0) -> str:  # noqa: ASYNC109
        """Say ``text`` and wait for the whole response; returns its text."""
        ends = self.recorder.count(LLMFullResponseEndFrame)
        start = len(self.recorder.down)
        turns = self.assistant_turns
        await self.say(text)
        await self.wait_responses(ends + 1, timeout)
        await self.recorder.wait_for(lambda: self.assistant_turns > turns, timeout)
        return self.recorder.texts_between(start)

    async def wait_responses(self, count: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until ``count`` ``LLMFullResponseEndFrame``s went by in all."""
        await self.recorder.wait_for(lambda: self.recorder.count(LLMFullResponseEndFrame) >= count, timeout)

    async def wait_text(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait for the next ``LLMTextFrame`` after the frames seen so far."""
        seen = self.recorder.count(LLMTextFrame)
        await self.recorder.wait_for(lambda: self.recorder.count(LLMTextFrame) > seen, timeout)

    def errors(self) -> list[ErrorFrame]:
        """The ``ErrorFrame``s the service pushed (upstream, as Pipecat does)."""
        return [f for _, f in self.upstream.up if isinstance(f, ErrorFrame)]

    async def wait_error(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.upstream.wait_for(lambda: bool(self.errors()), timeout)

    def messages(self) -> list[dict[str, Any]]:
        """The context's plain messages (framework-specific ones left out)."""
        return [m for m in self.context.get_messages() if isinstance(m, dict)]


@asynccontextmanager
async def running_bot(llm: CadenceLLMService, system_prompt: str | None = "You are a helpful voice assistant.",
                      **worker: Any) -> AsyncIterator[Bot]:
    """The pipeline ``user aggregator -> upstream tap -> llm -> recorder ->
    assistant aggregator``, started."""
    messages: list[Any] = [{"role": "system", "content": system_prompt}] if system_prompt else []
    context = LLMContext(messages=messages)
    pair = LLMContextAggregatorPair(context)
    recorder, upstream = Recorder(), Recorder()
    pipeline = Pipeline([pair.user(), upstream, llm, recorder, pair.assistant()])
    task = PipelineWorker(pipeline, cancel_on_idle_timeout=False,
                          params=PipelineParams(enable_metrics=True, enable_usage_metrics=True), **worker)
    started = asyncio.Event()

    @task.event_handler("on_pipeline_started")
    async def _started(_worker: PipelineWorker, _frame: Frame) -> None:
        started.set()

    bot = Bot(llm, context, task, recorder, upstream)

    @pair.assistant().event_handler("on_assistant_turn_stopped")
    async def _assistant_stopped(_aggregator: Any, _message: Any) -> None:
        bot.assistant_turns += 1
        recorder.wake()

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(task)
    running = asyncio.create_task(runner.run(), name="pipecat-runner")
    try:
        async with asyncio.timeout(15):
            await started.wait()
        yield bot
        await task.queue_frame(EndFrame())
        async with asyncio.timeout(15):
            await running
    finally:
        if not running.done():
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)


def responses(recorder: Recorder) -> list[str]:
    """The text of each response, from its start frame to its end frame."""
    out: list[str] = []
    current: list[str] | None = None
    for _, frame in recorder.down:
        if isinstance(frame, LLMFullResponseStartFrame):
            current = []
        elif isinstance(frame, LLMTextFrame) and current is not None:
            current.append(frame.text)
        elif isinstance(frame, LLMFullResponseEndFrame) and current is not None:
            out.append("".join(current))
            current = None
    return out


__all__ = ["Bot", "Recorder", "responses", "running_bot"]
