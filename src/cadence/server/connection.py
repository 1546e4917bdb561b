"""One WebSocket connection: read frames, feed the core, carry out effects.

The handler owns three kinds of tasks: the writer (:class:`Outbound.run`),
one turn runner per started turn, and nothing else. All of them are
cancelled and awaited before :meth:`ConnectionHandler.run` returns, and every
running engine request is aborted, whichever way the connection ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from cadence.server.outbound import Outbound
from cadence.server.turn_runner import TurnRunner
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import (
    AbortTurn,
    CloseConnection,
    Effect,
    SendFrame,
    SendToken,
    StartTurn,
    TurnEnded,
)

log = logging.getLogger("cadence.server")
turn_log = logging.getLogger("cadence.turns")

TurnObserver = Callable[[TurnEnded], None]


class ConnectionHandler:
    """Drives one :class:`ConnectionCore` over one WebSocket."""

    def __init__(
        self,
        ws: ServerConnection,
        core: ConnectionCore,
        outbound: Outbound,
        make_runner: Callable[[ConnectionCore, Callable[[Callable[[float], None]], None]], TurnRunner],
        idle_timeout_s: float,
        on_turn_ended: TurnObserver,
        close_grace_s: float = 10.0,
    ) -> None:
        self._ws = ws
        self._core = core
        self._outbound = outbound
        self._runner = make_runner(core, self.feed)
        self._idle_timeout_s = idle_timeout_s
        self._on_turn_ended = on_turn_ended
        self._close_grace_s = close_grace_s
        self._loop = asyncio.get_running_loop()
        self._turns: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle: asyncio.Timeout | None = None
        self._turn_ended_at = 0.0
        core.on_wakeup = self._apply_pending
        outbound.on_drop = lambda: self.feed(core.disconnected)

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
        # _apply_pending() inlined: this runs once per token.
        outbound = self._outbound
        for effect in self._core.drain():
            if type(effect) is SendToken:
                outbound.token(effect.session_id, effect.request_id, effect.text)
            else:
                self._apply(effect)

    def _apply_pending(self) -> None:
        for effect in self._core.drain():
            self._apply(effect)

    def _apply(self, effect: Effect) -> None:
        if isinstance(effect, SendToken):
            self._outbound.token(effect.session_id, effect.request_id, effect.text)
        elif isinstance(effect, SendFrame):
            self._outbound.frame(effect.data)
        elif isinstance(effect, StartTurn):
            task = self._loop.create_task(self._runner.run(effect.spec))
            self._turns[effect.spec.request_id] = task
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            self._reschedule_idle()
        elif isinstance(effect, AbortTurn):
            running = self._turns.pop(effect.request_id, None)
            if running is not None:
                running.cancel()
        elif isinstance(effect, CloseConnection):
            self._outbound.close(effect.code, effect.reason)
        else:
            self._turn_over(effect)

    def _turn_over(self, ended: TurnEnded) -> None:
        # A turn that ended by itself lets its runner finish on its own.
        self._turns.pop(ended.request_id, None)
        self._turn_ended_at = self._loop.time()
        self._reschedule_idle()
        self._on_turn_ended(ended)

    def _idle_deadline(self) -> float | None:
        if self._idle_timeout_s <= 0 or self._core.running_turn is not None:
            return None
        return max(self._core.last_activity, self._turn_ended_at) + self._idle_timeout_s

    def _reschedule_idle(self) -> None:
        if self._idle is not None:
            self._idle.reschedule(self._idle_deadline())

    async def run(self) -> None:
        """Serve the connection until it closes; always cleans up."""
        writer = self._loop.create_task(self._outbound.run())
        try:
            await self._read_loop(writer)
        finally:
            self.feed(self._core.disconnected)
            await self._cleanup(writer)

    async def _read_loop(self, writer: asyncio.Task[None]) -> None:
        ws = self._ws
        while not self._core.closed:
            try:
                async with asyncio.timeout_at(self._idle_deadline()) as idle:
                    self._idle = idle
                    message = await ws.recv()
            except TimeoutError:
                self.feed(self._core.idle_timeout)
                break
            except ConnectionClosed:
                break
            finally:
                self._idle = None
            if isinstance(message, str):
                self.feed(lambda now, m=message: self._core.receive_text(m, now))  # type: ignore[misc]
            else:
                self.feed(self._core.receive_binary)
        if self._outbound.closing:
            # Let the writer send what is queued, then the close frame.
            await asyncio.wait({writer}, timeout=self._close_grace_s)

    async def _cleanup(self, writer: asyncio.Task[None]) -> None:
        tasks = list(self._tasks)
        self._turns.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if not writer.done():
            writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)


__all__ = ["ConnectionHandler"]
