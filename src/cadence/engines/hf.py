"""The ``hf`` engine: Hugging Face transformers on CPU or one GPU.

The embedded default. One scheduler thread owns the model and runs a
continuous-batching decode loop (:mod:`cadence.engines.hf_scheduler`); each
request streams through its own mailbox on the event loop
(:mod:`cadence.engines.hf_stream`). Nothing here blocks the event loop:
loading, tokenizing prompts and forward passes all run on that thread.

Usage::

    engine = HFEngine(HFEngineConfig(model="models/smollm2-135m-instruct"))
    await engine.start()
    prompt = engine.tokenizer.render([ChatMessage("user", "Hi!")])
    async for delta in engine.generate(GenerationRequest("r1", prompt, params)):
        ...
    await engine.aclose()
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import functools
import itertools
from collections.abc import AsyncGenerator, Mapping

from cadence.engines.base import (
    Delta,
    EngineError,
    GenerationRequest,
    InvalidRequestError,
    SamplingParams,
)
from cadence.engines.checks import check_sampling
from cadence.engines.hf_config import HFEngineConfig
from cadence.engines.hf_loader import LoadedModel
from cadence.engines.hf_request import Job
from cadence.engines.hf_scheduler import Scheduler, SchedulerStats
from cadence.engines.hf_stream import RequestStream
from cadence.engines.hf_tokenizer import HFPromptTokenizer


class _State(enum.Enum):
    NEW = "new"
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"
    CLOSED = "closed"


@dataclasses.dataclass(frozen=True, slots=True)
class _Running:
    stream: RequestStream
    job: Job


def _resolve(future: asyncio.Future[object], result: object) -> None:
    if not future.done():
        future.set_result(result)


def _resolve_threadsafe(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[object], result: object
) -> None:
    """Complete ``future`` from another thread; a closed loop is ignored."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_resolve, future, result)


#: A warm-up prefill samples one token (greedy) and keeps the prompt's KV.
_WARM_SAMPLING = SamplingParams(temperature=0.0, max_tokens=1)


def _ignore(item: Delta | EngineError) -> bool:
    """The ``emit`` of a warm-up job: nobody reads its output."""
    return True


class HFEngine:
    """A :class:`~cadence.engines.base.ChatEngine` over transformers.

    Lifecycle: :meth:`start` once, then any number of concurrent
    :meth:`generate` calls from one event loop at a time, then
    :meth:`aclose`. Requests decode together in one batch of up to
    ``max_batch_size`` rows; more wait for a free row before their prefill
    (and count in :meth:`running_requests` while they wait).
    """

    def __init__(self, config: HFEngineConfig) -> None:
        """Keep ``config``; nothing is loaded before :meth:`start`."""
        self.name = "hf"
        self.config = config
        self._scheduler = Scheduler(config)
        self._running: dict[str, _Running] = {}
        self._tokenizer: HFPromptTokenizer | None = None
        self._state = _State.NEW
        self._warm_serial = itertools.count(1)

    @property
    def tokenizer(self) -> HFPromptTokenizer:
        """The model's tokenizer (thread-safe).

        Raises:
            EngineError: :meth:`start` has not completed.
        """
        if self._tokenizer is None:
            raise EngineError("the hf engine is not started")
        return self._tokenizer

    async def start(self) -> None:
        """Load the model on the scheduler thread and warm it up.

        Idempotent once it has succeeded. Safe to cancel: loading goes on in
        the thread, and :meth:`aclose` waits for it to stop.

        Raises:
            EngineError: loading failed, or the engine was closed or failed.
        """
        if self._state is _State.READY:
            return
        if self._state is not _State.NEW:
            raise EngineError(f"cannot start an hf engine that is {self._state.value}")
        self._state = _State.STARTING
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[object] = loop.create_future()
        self._scheduler.start(functools.partial(_resolve_threadsafe, loop, ready))
        result = await ready
        if isinstance(result, BaseException):
            self._state = _State.FAILED
            if isinstance(result, EngineError):
                raise result
            raise EngineError(f"cannot load the hf model: {type(result).__name__}") from result
        if not isinstance(result, LoadedModel):  # pragma: no cover - defensive
            raise EngineError("the hf scheduler returned no model")
        if self._state is _State.STARTING:
            self._tokenizer = result.tokenizer
            self._state = _State.READY

    async def generate(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        """Stream the reply to ``request``; see ``ChatEngine.generate``.

        Deltas queued together are merged into one. Closing or cancelling
        the iterator aborts the request. The prompt is tokenized on the
        scheduler thread, so a prompt that is too long for the context is
        reported by the first iteration.

        Raises:
            InvalidRequestError: empty prompt, bad sampling settings, a
                request id already running, or a prompt longer than the
                context.
            EngineError: the engine is not running or the backend failed.
        """
        running = self._open(request)
        try:
            async for delta in running.stream.deltas():
                yield delta
        finally:
            self._forget(request.request_id, running, abort=True)

    def _open(self, request: GenerationRequest) -> _Running:
        """Validate and submit ``request``; raises as :meth:`generate` says."""
        if self._state is not _State.READY:
            raise EngineError(f"the hf engine is {self._state.value}, not ready")
        if not request.prompt.strip():
            raise InvalidRequestError("the prompt is empty")
        check_sampling(request.sampling)
        if request.request_id in self._running:
            raise InvalidRequestError("a request with this id is already running")
        request_id = request.request_id
        stream = RequestStream(
            asyncio.get_running_loop(),
            lambda ended: self._forget(request_id, ended, abort=False),
        )
        running = _Running(stream, Job(request, stream.send))
        self._scheduler.submit(running.job)
        self._running[request_id] = running
        return running

    def _forget(self, request_id: str, which: _Running | RequestStream, *, abort: bool) -> None:
        """Stop tracking ``request_id`` if it is still ``which``; maybe abort it."""
        running = self._running.get(request_id)
        if running is None or (which is not running and which is not running.stream):
            return
        del self._running[request_id]
        if abort:
            running.job.cancel()
            running.stream.abort()

    async def abort(self, request_id: str) -> None:
        """Stop ``request_id``; its stream ends with no final delta.

        Idempotent; a no-op for unknown or finished ids. On return
        :meth:`running_requests` no longer counts it; the scheduler drops it
        before its next forward pass.
        """
        running = self._running.get(request_id)
        if running is not None:
            self._forget(request_id, running, abort=True)

    def warm(self, prompt: str) -> None:
        """Queue a prefill of ``prompt`` into the prefix cache; return at once.

        See :class:`~cadence.engines.base.WarmsPrompts`: real requests are
        prefilled first, and a busy engine (more prompts waiting than
        ``max_batch_size``) or one without a prefix cache warms nothing.
        Not counted in :meth:`running_requests`; never raises.
        """
        config = self.config
        busy = self._scheduler.stats().waiting >= config.max_batch_size
        if self._state is not _State.READY or config.prefix_cache_mb == 0 or busy or not prompt.strip():
            return
        request = GenerationRequest(f"warm-{next(self._warm_serial)}", prompt, _WARM_SAMPLING)
        with contextlib.suppress(EngineError):  # stopping: nothing to warm
            self._scheduler.submit(Job(request, _ignore, warm=True))

    def running_requests(self) -> int:
        """Requests submitted and not yet finished, failed or aborted."""
        return len(self._running)

    def cache_stats(self) -> Mapping[str, int]:
        """The prefix cache's counters (see :class:`PrefixCacheStats`), for ``/stats``."""
        return dataclasses.asdict(self._scheduler.stats().prefix_cache)

    def stats(self) -> SchedulerStats:
        """What the scheduler thread is doing now (for metrics and tests)."""
        return self._scheduler.stats()

    async def aclose(self) -> None:
        """Fail running requests with ``EngineError``, stop the thread, free the model.

        Idempotent (a second call returns at once). Waits for the current
        forward pass, or a load in progress, to finish, then joins the
        thread. If the caller is cancelled meanwhile, the thread still stops
        and frees the model on its own, unjoined.
        """
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        for running in list(self._running.values()):
            running.job.cancel()
            running.stream.fail(EngineError("the hf engine was closed"))
        self._running.clear()
        loop = asyncio.get_running_loop()
        exited: asyncio.Future[object] = loop.create_future()
        self._scheduler.stop(functools.partial(_resolve_threadsafe, loop, exited, None))
        await exited
        self._scheduler.join()


__all__ = ["HFEngine", "HFEngineConfig", "HFPromptTokenizer"]
