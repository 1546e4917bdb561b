"""The scheduler thread of the ``hf`` engine: one owner for the model.

One thread loads the model, warms it up, then loops: take new jobs, drop
cancelled ones, run one prefill chunk of the oldest waiting job (if a
decode slot is free), then one decode step of every batch. New requests are
admitted between steps, so a long reply never blocks a new one, and a
cancelled job is dropped before the next forward pass (abort latency is at
most one step, or one prefill chunk).

Finished and cancelled requests leave their KV cache in a
:class:`~cadence.engines.hf_prefix.PrefixCache`; new prompts start from the
longest kept prefix. Every forward pass, tokenization and sampling runs on this thread; other
threads only call :meth:`Scheduler.submit`, :meth:`Scheduler.stop`,
:meth:`Job.cancel` and read :meth:`Scheduler.stats`.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import threading
from collections.abc import Callable

import torch

from cadence.engines.base import (
    ChatMessage,
    Delta,
    EngineError,
    GenerationRequest,
    SamplingParams,
)
from cadence.engines.hf_batch import DecodeBatch, Row
from cadence.engines.hf_config import HFEngineConfig
from cadence.engines.hf_loader import LoadedModel, load_model
from cadence.engines.hf_prefill import Prefilled, PrefillQueue
from cadence.engines.hf_prefix import LayerKV, PrefixCache, PrefixCacheStats, cache_layers
from cadence.engines.hf_request import Job

logger = logging.getLogger(__name__)

OnReady = Callable[[LoadedModel | BaseException], None]


@dataclasses.dataclass(frozen=True, slots=True)
class SchedulerStats:
    """A snapshot of the scheduler's work (approximate across threads)."""

    waiting: int
    decoding: int
    decode_steps: int
    prefix_cache: PrefixCacheStats = PrefixCacheStats()


class Scheduler:
    """Owns the model thread. Lifecycle: :meth:`start`, :meth:`stop`, :meth:`join`."""

    def __init__(self, config: HFEngineConfig) -> None:
        self._config = config
        self._cond = threading.Condition()
        self._inbox: collections.deque[Job] = collections.deque()
        self._stopping = False
        self._exited = False
        self._on_exit: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None
        # Owned by the scheduler thread.
        self._prefix = PrefixCache(config.prefix_cache_mb * 1024 * 1024)
        self._pending = PrefillQueue(config.prefill_chunk_tokens, self._prefix)
        self._batches: list[DecodeBatch] = []
        self._stats = SchedulerStats(0, 0, 0)
        self._ready_sent = False

    def start(self, on_ready: OnReady) -> None:
        """Start the thread; it calls ``on_ready`` once, from that thread.

        ``on_ready`` gets the :class:`LoadedModel` after warm-up, or the
        exception that stopped loading (the thread then exits).

        Raises:
            EngineError: already started.
        """
        with self._cond:
            if self._thread is not None:
                raise EngineError("the hf scheduler was already started")
            self._thread = threading.Thread(
                target=self._run, args=(on_ready,), name="cadence-hf-scheduler", daemon=True
            )
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job``; the thread tokenizes and prefills it. Any thread.

        Raises:
            EngineError: the scheduler is stopping or has exited.
        """
        with self._cond:
            if self._stopping or self._exited:
                raise EngineError("the hf engine is not running")
            self._inbox.append(job)
            self._cond.notify()

    def stop(self, on_exit: Callable[[], None]) -> None:
        """Ask the thread to drop every job and exit. Idempotent, any thread.

        ``on_exit`` is called once the thread has released the model (from
        that thread), or at once if it has already exited or never started.
        """
        with self._cond:
            self._stopping = True
            run_now = self._exited or self._thread is None
            if not run_now:
                self._on_exit.append(on_exit)
            self._cond.notify()
        if run_now:
            on_exit()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end (after :meth:`stop`)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stats(self) -> SchedulerStats:
        """Jobs waiting for a prefill, rows decoding and decode steps so far."""
        return self._stats

    # Scheduler thread.

    def _run(self, on_ready: OnReady) -> None:
        try:
            if self._config.cpu_threads is not None:
                torch.set_num_threads(self._config.cpu_threads)
            with torch.inference_mode():
                self._serve(on_ready)
        except BaseException as exc:
            if not self._ready_sent:
                on_ready(exc)
            else:
                logger.exception("hf scheduler crashed")
                self._fail_all(EngineError(f"hf engine crashed: {type(exc).__name__}"))
        finally:
            self._release()

    def _serve(self, on_ready: OnReady) -> None:
        """Load, warm up, report ready, then schedule until stopped.

        The model lives in this frame only, so it is freed when this returns.
        """
        loaded = load_model(self._config)
        if self._config.warmup:
            self._warm_up(loaded)
        self._ready_sent = True
        on_ready(loaded)
        while True:
            with self._cond:
                while not (self._inbox or self._stopping or self._has_work()):
                    self._cond.wait()
                if self._stopping:
                    break
                self._pending.extend(self._inbox)
                self._inbox.clear()
            self._iterate(loaded)
        self._fail_all(EngineError("the hf engine was closed"))

    def _release(self) -> None:
        """Drop every job and cached memory, then run the exit callbacks."""
        self._pending.clear()
        self._batches.clear()
        self._prefix.clear()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        with self._cond:
            self._exited = True
            callbacks, self._on_exit = self._on_exit, []
        for callback in callbacks:
            callback()

    def _has_work(self) -> bool:
        return bool(self._pending) or any(self._batches)

    def _iterate(self, loaded: LoadedModel) -> None:
        """One scheduling round: drop cancelled, one prefill chunk, one decode step."""
        self._pending.drop_cancelled()
        for batch in self._batches:
            batch.keep([not row.job.cancelled for row in batch.rows], self._retire)
        decoding = sum(len(batch) for batch in self._batches)
        if self._pending and decoding < self._config.max_batch_size:
            done = self._pending.step(loaded)
            if done is not None:
                self._admit(loaded, done)
        steps = self._stats.decode_steps
        for batch in self._batches:
            if batch:
                self._decode_step(loaded, batch)
                steps += 1
        self._batches = [batch for batch in self._batches if batch]
        self._stats = SchedulerStats(len(self._pending), sum(len(b) for b in self._batches), steps,
                                     self._prefix.stats())

    def _admit(self, loaded: LoadedModel, done: Prefilled) -> None:
        """Emit the first token of a prefilled job and put it in a batch."""
        try:
            if not self._emit(done.job, done.reply.accept(done.token)) or done.reply.finished:
                self._keep_prefix(done.reply.fed_ids(), cache_layers(done.cache))
                return
            row = Row(done.job, done.reply)
            limit = self._config.max_batch_size
            batch = next((b for b in self._batches if len(b) < limit and b.accepts(done.cache)), None)
            if batch is None:
                batch = DecodeBatch(loaded.device)
                self._batches.append(batch)
            batch.add(row, done.cache, done.token)
        except Exception as exc:
            logger.exception("hf admission failed")
            done.job.emit(EngineError(f"hf admission failed: {type(exc).__name__}"))

    def _decode_step(self, loaded: LoadedModel, batch: DecodeBatch) -> None:
        """Run one forward pass of ``batch``; sample, emit, drop finished rows."""
        try:
            logits = batch.step(loaded.model, loaded.decode_weights, loaded.lean_decoder)
        except Exception as exc:
            logger.exception("hf decode step failed")
            for row in batch.rows:
                row.job.emit(EngineError(f"hf decode step failed: {type(exc).__name__}"))
            batch.clear()
            return
        tokens: list[int] = []
        keep: list[bool] = []
        for index, row in enumerate(batch.rows):
            try:
                token = row.reply.sample(logits[index])
                alive = self._emit(row.job, row.reply.accept(token))
            except Exception as exc:
                logger.exception("hf sampling failed")
                row.job.emit(EngineError(f"hf sampling failed: {type(exc).__name__}"))
                token, alive = 0, False
            tokens.append(token)
            keep.append(alive and not row.reply.finished)
        batch.set_next(tokens)
        batch.keep(keep, self._retire)

    def _retire(self, row: Row, layers: LayerKV) -> None:
        """Keep a finished or cancelled row's cache for later prompts."""
        self._keep_prefix(row.reply.fed_ids(), layers)

    def _keep_prefix(self, ids: list[int], layers: LayerKV | None) -> None:
        if layers is None or not layers or layers[0][0].shape[-2] != len(ids):
            return  # not a full-attention cache, or not the tokens we think: keep nothing
        try:
            self._prefix.store(ids, layers)
        except Exception:  # a failed copy must not fail the request that just ended
            logger.exception("hf prefix cache: could not keep a cache")

    @staticmethod
    def _emit(job: Job, delta: Delta | None) -> bool:
        """Send ``delta`` unless the job is cancelled; False if the job is gone."""
        if job.cancelled:
            return False
        if delta is not None and not job.emit(delta):
            job.cancel()
            return False
        return True

    def _fail_all(self, error: EngineError) -> None:
        """Deliver ``error`` to every job the thread still holds."""
        jobs = self._pending.jobs()
        jobs += [row.job for batch in self._batches for row in batch.rows]
        with self._cond:
            jobs += list(self._inbox)
            self._inbox.clear()
        for job in jobs:
            if not job.cancelled:
                job.emit(error)
        self._pending.clear()
        self._batches.clear()

    def _warm_up(self, loaded: LoadedModel) -> None:
        """Run two short greedy replies through the real path (batched).

        Raises:
            EngineError: a warm-up reply failed.
        """
        errors: list[EngineError] = []

        def collect(item: Delta | EngineError) -> bool:
            if isinstance(item, EngineError):
                errors.append(item)
            return True

        sampling = SamplingParams(temperature=0.0, max_tokens=3)
        for index, text in enumerate(("Hi", "Say hello to everyone in the room, please.")):
            prompt = loaded.tokenizer.render([ChatMessage("user", text)])
            self._pending.extend([Job(GenerationRequest(f"warmup-{index}", prompt, sampling), collect)])
        while self._has_work():
            self._iterate(loaded)
        if errors:
            raise EngineError(f"the hf warm-up failed: {errors[0]}")


__all__ = ["OnReady", "Scheduler", "SchedulerStats"]
