"""The event-loop side of one ``hf`` request: a mailbox the scheduler fills."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Callable

from cadence.engines.base import Delta, EngineError


class _Signal(enum.Enum):
    ABORTED = "aborted"


Item = Delta | EngineError | _Signal


class RequestStream:
    """Mailbox of one request, owned by the event loop that created it.

    The scheduler thread calls :meth:`send`; the consumer iterates
    :meth:`deltas`. The queue is unbounded (no backpressure): the producer
    is bounded by the request's ``max_tokens``, and it must never block the
    model thread. Items after the stream has ended are ignored.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_end: Callable[[RequestStream], None],
    ) -> None:
        """``on_end`` runs on the loop when a final delta or error arrives."""
        self._loop = loop
        self._on_end = on_end
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._ended = False

    def send(self, item: Delta | EngineError) -> bool:
        """Deliver ``item`` from any thread; False if the loop is closed."""
        try:
            self._loop.call_soon_threadsafe(self._push, item)
        except RuntimeError:
            return False
        return True

    def abort(self) -> None:
        """End the stream now with no final delta (loop thread). Idempotent."""
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(_Signal.ABORTED)

    def fail(self, error: EngineError) -> None:
        """End the stream now with ``error`` (loop thread). Idempotent."""
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(error)

    def _push(self, item: Delta | EngineError) -> None:
        if self._ended:
            return
        self._queue.put_nowait(item)
        if isinstance(item, EngineError) or item.finish_reason is not None:
            self._ended = True
            self._on_end(self)

    async def deltas(self) -> AsyncIterator[Delta]:
        """Yield deltas, merging every one already queued into one.

        Ends after the final delta (``finish_reason`` set) or, silently,
        after :meth:`abort`; text queued before an abort is dropped.

        Raises:
            EngineError: the engine failed the request; text queued before
                the error is yielded first.
        """
        while True:
            items = [await self._queue.get()]
            while not self._queue.empty():
                items.append(self._queue.get_nowait())
            text: list[str] = []
            for item in items:
                if item is _Signal.ABORTED:
                    return
                if isinstance(item, EngineError):
                    if text:
                        yield Delta("".join(text))
                    raise item
                text.append(item.text)
                if item.finish_reason is not None:
                    yield Delta("".join(text), item.finish_reason, item.usage)
                    return
            yield Delta("".join(text))


__all__ = ["RequestStream"]
