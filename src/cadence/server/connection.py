"""One WebSocket connection: take its messages, feed the core, carry out effects.

The handler is the :class:`~cadence.server.wire.WireHandler` of its
connection: messages arrive by callback and are fed to the core at once.
It owns one task per started turn and nothing else; :meth:`run` waits for
the connection to end, then cancels and awaits every turn task, and every
running engine request is aborted, whichever way the connection ends.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

from cadence.engines.base import Delta
from cadence.protocol.codes import ErrorCode
from cadence.server.outbound import Outbound
from cadence.server.turn_runner import DeliverDelta, Feed, TurnRunner
from cadence.server.wire import WireProtocol
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import (
    AbortTurn,
    ClientCancelled,
    CloseConnection,
    Effect,
    SendFrame,
    SendToken,
    StartTurn,
    TurnEnded,
    WarmPrompt,
)

log = logging.getLogger("cadence.server")
turn_log = logging.getLogger("cadence.turns")

TurnObserver = Callable[[TurnEnded], None]
#: How early a deadline counts as reached when its timer fires (the loop's
#: timers have millisecond resolution).
_DEADLINE_SLACK_S = 0.002


def _loggable(text: str | None, limit: int = 200) -> str:
    """Client text for a log line: quoted, escaped, at most ``limit`` characters."""
    return "-" if text is None else repr(text[:limit])


class ConnectionHandler:
    """Drives one :class:`ConnectionCore` over one WebSocket."""

    def __init__(
        self,
        wire: WireProtocol,
        core: ConnectionCore,
        outbound: Outbound,
        make_runner: Callable[[ConnectionCore, Feed, DeliverDelta], TurnRunner],
        idle_timeout_s: float,
        on_turn_ended: TurnObserver,
        on_rejected: Callable[[str], None] = lambda code: None,
    ) -> None:
        self._wire = wire
        self._core = core
        self._outbound = outbound
        self._runner = make_runner(core, self.feed, self.engine_delta)
        self._idle_timeout_s = idle_timeout_s
        self._on_turn_ended = on_turn_ended
        self._on_rejected = on_rejected
        #: The close code the core chose, if it closed the connection.
        self.close_code: int | None = None
        self._loop = asyncio.get_running_loop()
        # Running turns: their task and their deadline (CHAT_TIMEOUT_S). One
        # timer serves every deadline of the connection, armed for the
        # earliest one and re-armed lazily when it fires, so a turn costs
        # no timer of its own (a uvloop timer is ~10k instructions).
        self._turns: dict[str, tuple[asyncio.Task[None], float]] = {}
        self._deadline_timer: asyncio.TimerHandle | None = None
        self._deadline_at = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle: asyncio.TimerHandle | None = None
        self._turn_ended_at = 0.0
        self._closed = asyncio.Event()
        core.on_wakeup = self._apply_pending
        outbound.on_drop = lambda: self.feed(core.disconnected)
        self._reschedule_idle()

    @property
    def core(self) -> ConnectionCore:
        """The connection's protocol core."""
        return self._core

    def feed(self, event: Callable[[float], None]) -> None:
        """Deliver one event to the core and carry out its effects.

        An exception from the core is a bug: the running turn ends with
        ``internal_error`` and the connection closes with 1011.
        """
        now = self._loop.time()
        try:
            event(now)
        except Exception:
            log.exception("internal error in connection %s", self._core.id)
            self._core.fail_internal(now)
        self._apply_pending()

    def engine_delta(self, request_id: str, delta: Delta) -> None:
        """Feed one engine delta. A streaming turn's text (the per-token case)
        goes straight to the outbound path; anything else (its first text, a
        finish, text held for the toolcall) goes through :meth:`feed`."""
        core = self._core
        if delta.finish_reason is None:
            try:
                text = core.stream_text(request_id, delta.text)
            except Exception:
                log.exception("internal error in connection %s", core.id)
                self.feed(core.fail_internal)
                return
            if text is not None:
                if text:
                    self._outbound.token(core.session_id or "", request_id, text)
                return
        self.feed(lambda now: core.engine_delta(request_id, delta, now))

    def _apply_pending(self) -> None:
        for effect in self._core.drain():
            self._apply(effect)

    def _apply(self, effect: Effect) -> None:
        if isinstance(effect, SendToken):
            self._outbound.token(effect.session_id, effect.request_id, effect.text)
        elif isinstance(effect, SendFrame):
            self._outbound.frame(effect.data)
            if effect.rejected is not None:
                self._on_rejected(effect.rejected)
        elif isinstance(effect, StartTurn):
            spec = effect.spec
            task = self._loop.create_task(self._runner.run(spec))
            self._turns[spec.request_id] = (task, spec.deadline)
            if self._deadline_timer is None or spec.deadline < self._deadline_at:
                self._arm_deadlines(spec.deadline)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            # The idle timer stays armed: when it fires during the turn it
            # sees the turn and stops; the turn's end arms it again.
        elif isinstance(effect, AbortTurn):
            aborted = self._forget_turn(effect.request_id)
            if aborted is not None:
                aborted.cancel()
        elif isinstance(effect, CloseConnection):
            self.close_code = int(effect.code)
            self._outbound.close(effect.code, effect.reason)
        elif isinstance(effect, WarmPrompt):
            self._runner.warm(effect.prompt)
        elif isinstance(effect, ClientCancelled):
            turn_log.info("cancel session=%s request=%s turn=%s reason=%s", effect.session_id,
                          effect.request_id, effect.turn, _loggable(effect.reason))
        else:
            self._turn_over(effect)

    def _forget_turn(self, request_id: str) -> asyncio.Task[None] | None:
        # The deadline timer stays armed: when it fires it finds nothing due.
        running = self._turns.pop(request_id, None)
        return None if running is None else running[0]

    def _arm_deadlines(self, when: float) -> None:
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
        self._deadline_at = when
        self._deadline_timer = self._loop.call_at(when, self._check_deadlines)

    def _check_deadlines(self) -> None:
        # CHAT_TIMEOUT_S: the core ends each turn that is due (error frame)
        # and asks for the abort, which cancels its runner (and its engine
        # request). A timer may fire up to a clock tick early: _DEADLINE_SLACK_S.
        self._deadline_timer = None
        due = self._loop.time() + _DEADLINE_SLACK_S
        for request_id in [rid for rid, (_, deadline) in self._turns.items() if deadline <= due]:
            self.feed(functools.partial(
                self._core.turn_failed, request_id, ErrorCode.GENERATION_TIMEOUT,
                "the reply took too long and was stopped"))
            self._forget_turn(request_id)  # ended, or already gone with its connection
        if self._turns and not self._core.closed:
            self._arm_deadlines(min(deadline for _, deadline in self._turns.values()))

    def _turn_over(self, ended: TurnEnded) -> None:
        # A turn that ended by itself lets its runner finish on its own.
        self._forget_turn(ended.request_id)
        self._turn_ended_at = self._loop.time()
        if self._idle is None:  # an armed timer re-arms itself when it fires
            self._reschedule_idle()
        self._on_turn_ended(ended)

    def _idle_deadline(self) -> float | None:
        if self._idle_timeout_s <= 0 or self._core.running_turn is not None:
            return None
        return max(self._core.last_activity, self._turn_ended_at) + self._idle_timeout_s

    def _reschedule_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        deadline = self._idle_deadline()
        if deadline is not None and not self._core.closed:
            self._idle = self._loop.call_at(deadline, self._idle_check)

    def _idle_check(self) -> None:
        # Activity only moves the deadline later: re-arm until it is reached.
        self._idle = None
        deadline = self._idle_deadline()
        if deadline is None or self._core.closed:
            return
        if deadline > self._loop.time():
            self._idle = self._loop.call_at(deadline, self._idle_check)
        else:
            self.feed(self._core.idle_timeout)

    # -- WireHandler -----------------------------------------------------------

    def text_received(self, text: str) -> None:
        """Feed a text message to the core (ignored once the core closed)."""
        if not self._core.closed:
            self.feed(lambda now: self._core.receive_text(text, now))

    def binary_received(self) -> None:
        """Feed a binary message to the core (always a protocol error)."""
        if not self._core.closed:
            self.feed(self._core.receive_binary)

    def writing_paused(self) -> None:
        """The socket is backed up."""
        self._outbound.paused()

    def writing_resumed(self) -> None:
        """The socket drained."""
        self._outbound.resumed()

    def connection_closed(self) -> None:
        """The TCP connection ended: end the turn, stop sending, wake :meth:`run`."""
        if self._closed.is_set():
            return
        self.feed(self._core.disconnected)
        self._outbound.stop()
        for timer in (self._idle, self._deadline_timer):
            if timer is not None:
                timer.cancel()
        self._idle = self._deadline_timer = None
        self._closed.set()

    # -- lifetime --------------------------------------------------------------

    def close(self, code: int, reason: str) -> None:
        """Close the WebSocket now, without the core (server shutdown)."""
        self._wire.close(code, reason)

    async def run(self) -> None:
        """Wait for the connection to end, then cancel and await turn tasks."""
        try:
            await self._closed.wait()
        finally:
            if not self._closed.is_set():  # cancelled: cut the connection
                self._wire.abort()
                self.connection_closed()
            await self._cleanup()

    async def _cleanup(self) -> None:
        tasks = list(self._tasks)
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
            self._deadline_timer = None
        self._turns.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


__all__ = ["ConnectionHandler"]
