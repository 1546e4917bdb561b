"""One turn as the client sees it: a mailbox of frames and a final result.

The client's reader feeds a :class:`Turn` the frames carrying its
``request_id`` (:meth:`Turn.feed`, never awaits); the caller consumes them
with ``async for`` and/or ``await turn.result()``. The inbound mailbox is
unbounded: one turn's frames are bounded by the server's ``max_tokens``.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import AsyncGenerator, Callable
from typing import Any

from cadence.client.errors import FrameError, TurnTimeout
from cadence.client.frames import (
    AckFrame,
    CancelledFrame,
    DoneFrame,
    ErrorFrame,
    ServerFrame,
    TokenFrame,
    ToolcallFrame,
    Usage,
)
from cadence.client.result import Outcome, TurnResult
from cadence.client.timings import TimingRecorder


class TurnState(enum.Enum):
    """Where a turn is: sent, tool decision seen, streaming, finished."""

    SENT = "sent"
    TOOLCALL = "toolcall"
    STREAMING = "streaming"
    FINISHED = "finished"


#: ``{state: {event: next_state}}``; a missing entry is a protocol violation.
TRANSITIONS: dict[TurnState, dict[str, TurnState]] = {
    TurnState.SENT: {"toolcall": TurnState.TOOLCALL, "token": TurnState.STREAMING,
                     "terminal": TurnState.FINISHED, "lost": TurnState.FINISHED},
    TurnState.TOOLCALL: {"token": TurnState.STREAMING, "terminal": TurnState.FINISHED,
                         "lost": TurnState.FINISHED},
    TurnState.STREAMING: {"token": TurnState.STREAMING, "terminal": TurnState.FINISHED,
                          "lost": TurnState.FINISHED},
    TurnState.FINISHED: {},
}


def transition(state: TurnState, event: str) -> TurnState:
    """The state after ``event``.

    Raises:
        FrameError: ``event`` is not allowed in ``state``.
    """
    try:
        return TRANSITIONS[state][event]
    except KeyError:
        raise FrameError(f"turn frame {event!r} not allowed in state {state.value!r}") from None


def _event(frame: ServerFrame, ends_at_ack: bool) -> str:
    if isinstance(frame, ToolcallFrame):
        return "toolcall"
    if isinstance(frame, TokenFrame):
        return "token"
    if isinstance(frame, DoneFrame | CancelledFrame | ErrorFrame):
        return "terminal"
    if isinstance(frame, AckFrame) and ends_at_ack:
        return "terminal"
    return f"unexpected {frame.type}"


class Turn:
    """Handle of one turn (``start``, ``message`` or ``followup``).

    ``async for frame in turn`` yields the turn's frames (``toolcall``,
    ``token``s, then its terminal frame) and stops after the terminal one;
    iterate it at most once. ``await turn.result()`` works whether or not
    the turn was iterated. A receive timeout is the longest silence allowed
    between two frames of the turn.
    """

    def __init__(self, request_id: str, kind: str, sent_at: float, recv_timeout: float | None,
                 ends_at_ack: bool = False, clock: Callable[[], float] = time.perf_counter) -> None:
        self.request_id = request_id
        self.kind = kind
        self.state = TurnState.SENT
        self._ends_at_ack = ends_at_ack
        self._recv_timeout = recv_timeout
        self._clock = clock
        self._recorder = TimingRecorder(sent_at)
        self._last_at = sent_at
        self._text: list[str] = []
        self._toolcall: ToolcallFrame | None = None
        self._queue: asyncio.Queue[ServerFrame | None] = asyncio.Queue()
        self._result: asyncio.Future[TurnResult] = asyncio.get_running_loop().create_future()

    @property
    def finished(self) -> bool:
        """Whether the terminal frame (or the connection loss) was seen."""
        return self.state is TurnState.FINISHED

    @property
    def text(self) -> str:
        """The text streamed so far."""
        return "".join(self._text)

    def peek(self) -> TurnResult | None:
        """The result if the turn has ended, else ``None``; never waits."""
        return self._result.result() if self._result.done() else None

    def feed(self, frame: ServerFrame, now: float) -> bool:
        """Deliver ``frame`` (received at ``now``); returns whether it ended the turn.

        Raises:
            FrameError: the frame breaks the turn's order (PROTOCOL.md section
                5.2); the turn is left as it was.
        """
        event = _event(frame, self._ends_at_ack)
        self.state = transition(self.state, event)
        self._last_at = now
        self._recorder.feed(frame, now)
        if isinstance(frame, TokenFrame):
            self._text.append(frame.text)
        elif isinstance(frame, ToolcallFrame):
            self._toolcall = frame
        self._queue.put_nowait(frame)
        if event == "terminal":
            self._result.set_result(self._finish(frame, now))
            return True
        return False

    def lose(self, code: int, reason: str, now: float) -> None:
        """End the turn because its connection closed (outcome ``disconnected``)."""
        if self.finished:
            return
        self.state = TurnState.FINISHED
        result = TurnResult(self.request_id, self.kind, Outcome.DISCONNECTED, self.text,
                            timings=self._recorder.finish(None, now), toolcall=self._toolcall,
                            close=(code, reason))
        self._result.set_result(result)
        self._queue.put_nowait(None)

    def _finish(self, frame: ServerFrame, now: float) -> TurnResult:
        timings = self._recorder.finish(frame, now)
        base = TurnResult(self.request_id, self.kind, Outcome.DONE, self.text, timings=timings,
                          toolcall=self._toolcall)
        if isinstance(frame, DoneFrame):
            return base.replace(text=frame.text, finish_reason=frame.finish_reason, usage=frame.usage,
                                truncated=frame.truncated)
        if isinstance(frame, CancelledFrame):
            return base.replace(outcome=Outcome.CANCELLED, cancel_reason=frame.reason,
                                cancel_active=frame.active)
        if isinstance(frame, ErrorFrame):
            return base.replace(outcome=Outcome.ERROR, error=frame)
        if isinstance(frame, AckFrame):
            return base.replace(outcome=Outcome.ACK, ack=frame, usage=Usage())
        raise FrameError(f"{frame.type} cannot end a turn")  # pragma: no cover - _event excludes it

    def _deadline_passed(self) -> bool:
        return self._recv_timeout is not None and self._clock() - self._last_at >= self._recv_timeout

    async def _wait(self, awaitable: asyncio.Future[Any]) -> None:
        """Wait for ``awaitable`` until the turn is silent for the receive timeout."""
        while not awaitable.done():
            remaining = None
            if self._recv_timeout is not None:
                remaining = max(0.0, self._last_at + self._recv_timeout - self._clock())
            await asyncio.wait([awaitable], timeout=remaining)
            if not awaitable.done() and self._deadline_passed():
                raise TurnTimeout(f"turn {self.request_id}: no frame for {self._recv_timeout}s")

    async def __aiter__(self) -> AsyncGenerator[ServerFrame, None]:
        """Yield the turn's frames up to and including its terminal frame.

        Raises:
            TurnTimeout: no frame within the receive timeout.
        """
        while not (self.finished and self._queue.empty()):
            getter = asyncio.ensure_future(self._queue.get())
            try:
                await self._wait(getter)
            finally:
                if not getter.done():
                    getter.cancel()
            frame = getter.result()
            if frame is None:
                return
            yield frame
            if _event(frame, self._ends_at_ack) == "terminal":
                return

    async def result(self) -> TurnResult:
        """The turn's result once it ended; safe to call several times.

        Raises:
            TurnTimeout: no frame within the receive timeout.
        """
        await self._wait(self._result)
        return self._result.result()


__all__ = ["TRANSITIONS", "Turn", "TurnState", "transition"]
