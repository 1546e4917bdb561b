"""The tool classifier the turn runner calls: asyncio in front, one worker behind.

Typical use, owned by the server for its whole life::

    classifier = ToolClassifier(ToolConfig(model="models/screenshot-intent-minilm"))
    await classifier.start()                 # loads + warms up in the worker
    decision = await classifier.classify(user_turns, utterance)
    frame_payload = decision.to_payload()    # the ``toolcall`` payload
    await classifier.aclose()

A request that gets no answer within ``timeout_s`` answers ``"no"`` with
``timed_out=True``; a failed forward pass answers ``"no"`` with
``error=True``. Both are logged as warnings and counted in :meth:`stats`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence

from cadence.tools.batcher import BatchModel, MicroBatcher
from cadence.tools.config import ToolConfig
from cadence.tools.types import (
    BatchLimits,
    ToolDecision,
    ToolInferenceError,
    ToolInput,
    ToolModelLoadError,
    ToolStats,
    decide,
    fallback,
)

logger = logging.getLogger(__name__)

Loader = Callable[[ToolConfig], BatchModel]


def _default_loader(config: ToolConfig) -> BatchModel:
    from cadence.tools.runtime import load_tool_model

    return load_tool_model(config)


@dataclasses.dataclass(slots=True)
class _Decisions:
    requests: int = 0
    yes: int = 0
    no: int = 0
    timeouts: int = 0
    errors: int = 0


class ToolClassifier:
    """Screenshot-intent decisions for many concurrent sessions.

    ``loader`` builds the model in the worker thread (default: the real
    ``transformers`` model of ``config.model``); tests pass a fake.
    """

    def __init__(self, config: ToolConfig, *, loader: Loader | None = None) -> None:
        self.config = config
        load = loader or _default_loader
        self._batcher = MicroBatcher(lambda: load(config))
        self._counts = _Decisions()
        self._lock = threading.Lock()

    @property
    def limits(self) -> BatchLimits | None:
        """Resolved batching limits once started, else ``None``."""
        return self._batcher.limits

    async def start(self) -> None:
        """Load and warm up the model in the worker thread; return when ready.

        Call once. Safe to cancel (call :meth:`aclose` afterwards).

        Raises:
            ToolModelLoadError: the model could not be loaded.
            RuntimeError: :meth:`start` was already called.
        """
        if self._batcher.started:
            raise RuntimeError("ToolClassifier.start() called twice")
        try:
            await self._batcher.start()
        except ToolModelLoadError:
            raise
        except Exception as exc:
            raise ToolModelLoadError(f"cannot start the tool classifier: {exc}") from exc
        logger.info("tool classifier ready: %s, %s", self.config.model, self.limits)

    async def classify(self, user_turns: Sequence[str], utterance: str,
                       looked: Sequence[bool] = ()) -> ToolDecision:
        """Decide whether the client should take a screenshot for this turn.

        ``user_turns`` are the session's earlier user messages, oldest first;
        ``looked`` flags those the assistant looked at the screen for (same
        order). They are fitted to the model with ``utterance`` (see
        :mod:`cadence.tools.fitting`). Never raises for a slow or failing
        model: those answer ``"no"``. Safe to cancel: the request is abandoned
        and the batcher goes on serving the others.

        Raises:
            ToolClosedError: called before :meth:`start` or after :meth:`aclose`.
        """
        started = time.perf_counter()
        item = ToolInput(tuple(user_turns), utterance, tuple(looked))
        self._count(requests=1)
        try:
            async with asyncio.timeout(self.config.timeout_s):
                score = await self._batcher.submit(item)
        except TimeoutError:
            self._count(timeouts=1, no=1)
            logger.warning(
                "tool classifier timed out after %.2f s; answering no",
                self.config.timeout_s,
            )
            return fallback(_ms_since(started), timed_out=True)
        except ToolInferenceError as exc:
            self._count(errors=1, no=1)
            logger.warning("tool classifier failed (%s); answering no", exc)
            return fallback(_ms_since(started), timed_out=False)
        decision = decide(score, self.config.threshold, self.config.tool_name, _ms_since(started))
        self._count(yes=int(decision.status == "yes"), no=int(decision.status == "no"))
        return decision

    async def aclose(self) -> None:
        """Stop the worker after the queued requests and join its thread.

        Idempotent; safe to cancel (the worker still stops).
        """
        await self._batcher.aclose()

    def stats(self) -> ToolStats:
        """Counters since start: decisions, timeouts, errors and batching."""
        batching = self._batcher.stats()
        with self._lock:
            return dataclasses.replace(batching, **dataclasses.asdict(self._counts))

    def _count(self, **deltas: int) -> None:
        with self._lock:
            for name, delta in deltas.items():
                setattr(self._counts, name, getattr(self._counts, name) + delta)


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


__all__ = ["Loader", "ToolClassifier"]
