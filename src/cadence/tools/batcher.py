"""Micro-batching of classification requests from many sessions.

One worker thread owns the model for its whole life: it builds it (the
factory runs in that thread, so loading never blocks the event loop), then
loops: take the first waiting request, gather more until
``max_batch_size`` or ``max_delay_ms`` after the first, run one forward pass,
and hand each result back to the event loop of the caller.

Cancel-safety: a cancelled :meth:`MicroBatcher.submit` marks its request
abandoned; the worker skips it if it has not run yet and drops its result
otherwise. Neither the worker nor other requests notice.

Backpressure: the queue is unbounded. Callers bound their own wait (the
classifier's ``TOOL_TIMEOUT_S``); a caller that gives up leaves an abandoned
request that costs the worker nothing but a skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Final, Protocol, TypeVar

from cadence.tools.types import (
    BatchLimits,
    ToolClosedError,
    ToolInferenceError,
    ToolInput,
    ToolStats,
)

logger = logging.getLogger(__name__)


class BatchModel(Protocol):
    """What the worker needs from a model: its limits and a batched scorer."""

    @property
    def limits(self) -> BatchLimits:
        """Batching limits to use with this model."""
        ...

    def score(self, items: Sequence[ToolInput]) -> Sequence[float]:
        """Return one positive-class probability per item, in order (runs in the worker)."""
        ...


@dataclasses.dataclass(slots=True)
class _Pending:
    item: ToolInput
    future: asyncio.Future[float]
    loop: asyncio.AbstractEventLoop
    abandoned: bool = False


@dataclasses.dataclass(slots=True)
class _Counters:
    forward_passes: int = 0
    batched_requests: int = 0
    largest_batch: int = 0
    skipped_cancelled: int = 0


_STOP: Final = object()
T = TypeVar("T")


def _settle(future: asyncio.Future[T], value: T, error: BaseException | None) -> None:
    """Complete ``future`` unless its caller already gave up (runs on its loop)."""
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class MicroBatcher:
    """Groups concurrent :meth:`submit` calls into batched forward passes.

    Lifecycle: :meth:`start` once, :meth:`submit` any number of times from
    any event loop, :meth:`aclose` once (idempotent). Requests queued before
    :meth:`aclose` are still answered.
    """

    def __init__(self, factory: Callable[[], BatchModel], *, name: str = "cadence-tool") -> None:
        self._factory = factory
        self._name = name
        self._queue: queue.SimpleQueue[_Pending | object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._counters = _Counters()
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Future[None] | None = None
        self._accepting = False
        self._limits: BatchLimits | None = None

    @property
    def started(self) -> bool:
        """Whether :meth:`start` was called (whatever came of it)."""
        return self._thread is not None

    @property
    def limits(self) -> BatchLimits | None:
        """The model's batching limits once started, else ``None``."""
        return self._limits

    async def start(self) -> None:
        """Start the worker thread, build the model there and wait until it is ready.

        Safe to cancel: the worker goes on loading and :meth:`aclose` stops it.

        Raises:
            RuntimeError: :meth:`start` was already called.
            BaseException: whatever the factory raised (the worker has exited).
        """
        if self._thread is not None:
            raise RuntimeError("MicroBatcher.start() called twice")
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[BatchLimits] = loop.create_future()
        # If start() is cancelled, nobody awaits ``ready``: consume its outcome.
        ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._stopped = loop.create_future()
        self._accepting = True
        self._thread = threading.Thread(target=self._run, args=(loop, ready), name=self._name, daemon=True)
        self._thread.start()
        try:
            self._limits = await asyncio.shield(ready)
        except BaseException:
            if ready.done() and ready.exception() is not None:
                self._accepting = False
            raise

    async def submit(self, item: ToolInput) -> float:
        """Queue ``item`` and return its positive-class probability.

        Safe to cancel at any point: the request is abandoned, nothing else
        is affected.

        Raises:
            ToolClosedError: not started, or :meth:`aclose` was called.
            ToolInferenceError: the forward pass of its batch failed.
        """
        if not self._accepting:
            raise ToolClosedError("the tool classifier is not running")
        loop = asyncio.get_running_loop()
        pending = _Pending(item, loop.create_future(), loop)
        self._queue.put(pending)
        try:
            return await pending.future
        except asyncio.CancelledError:
            pending.abandoned = True
            raise

    async def aclose(self) -> None:
        """Stop accepting requests, let the worker finish the queue, join it.

        Idempotent. Safe to cancel: the worker still stops; call again to wait.
        """
        self._accepting = False
        thread, stopped = self._thread, self._stopped
        if thread is None or stopped is None:
            return
        if not stopped.done():
            self._queue.put(_STOP)
            await asyncio.shield(stopped)
        thread.join()

    def stats(self) -> ToolStats:
        """Return a snapshot of the batching counters (the decision counters stay 0)."""
        with self._lock:
            return ToolStats(**dataclasses.asdict(self._counters))

    # -- worker thread -------------------------------------------------------

    def _run(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[BatchLimits]) -> None:
        stopped = self._stopped
        assert stopped is not None
        try:
            loaded = self._load(loop, ready)
            if loaded is not None:
                self._serve(*loaded)
        except Exception:
            logger.exception("tool batcher worker crashed")
        finally:
            self._accepting = False
            # No-op when start() already got its answer: the first settle wins.
            early = ToolClosedError("the tool worker stopped before it was ready")
            self._call(loop, _settle, ready, BatchLimits(1, 0.0), early)
            self._fail_queued()
            self._call(loop, _settle, stopped, None, None)

    def _load(
        self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[BatchLimits]
    ) -> tuple[BatchModel, BatchLimits] | None:
        try:
            model = self._factory()
            limits = model.limits
        except Exception as exc:  # start() re-raises it
            self._call(loop, _settle, ready, BatchLimits(1, 0.0), exc)
            return None
        self._call(loop, _settle, ready, limits, None)
        return model, limits

    def _serve(self, model: BatchModel, limits: BatchLimits) -> None:
        while True:
            batch, stop = self._collect(limits)
            live = [p for p in batch if not p.abandoned]
            with self._lock:
                self._counters.skipped_cancelled += len(batch) - len(live)
            if live:
                self._process(model, live)
            if stop:
                return

    def _collect(self, limits: BatchLimits) -> tuple[list[_Pending], bool]:
        first = self._queue.get()
        if not isinstance(first, _Pending):
            return [], True
        batch = [first]
        deadline = time.monotonic() + limits.max_delay_ms / 1000.0
        while len(batch) < limits.max_batch_size:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, _Pending):
                return batch, True
            batch.append(item)
        return batch, False

    def _process(self, model: BatchModel, live: list[_Pending]) -> None:
        try:
            scores = list(model.score([p.item for p in live]))
            if len(scores) != len(live):
                raise ValueError(f"model returned {len(scores)} scores for {len(live)} inputs")
        except Exception as exc:
            logger.exception("tool model forward pass failed for a batch of %d", len(live))
            error = ToolInferenceError(f"forward pass failed: {type(exc).__name__}")
            for p in live:
                self._call(p.loop, _settle, p.future, 0.0, error)
            scores = []
        with self._lock:
            self._counters.forward_passes += 1
            self._counters.batched_requests += len(live)
            self._counters.largest_batch = max(self._counters.largest_batch, len(live))
        for p, score in zip(live, scores, strict=False):
            if not p.abandoned:
                self._call(p.loop, _settle, p.future, float(score), None)

    def _fail_queued(self) -> None:
        error = ToolClosedError("the tool classifier stopped")
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Pending):
                self._call(item.loop, _settle, item.future, 0.0, error)

    @staticmethod
    def _call(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: object) -> None:
        # A closed loop has nobody waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(fn, *args)


__all__ = ["BatchModel", "MicroBatcher"]
