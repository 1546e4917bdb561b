"""Keepalive pings: find peers that went away without closing.

Every ``interval_s`` a ping with a fresh payload is sent; if its pong has
not come back ``timeout_s`` later, ``on_timeout`` runs once. Timer handles
only: no task, nothing to await, :meth:`Keepalive.stop` is idempotent.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable


class Keepalive:
    """Ping scheduler for one connection (``interval_s <= 0`` disables it)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        interval_s: float,
        timeout_s: float,
        send_ping: Callable[[bytes], None],
        on_timeout: Callable[[], None],
    ) -> None:
        self._loop = loop
        self._interval_s = interval_s
        self._timeout_s = timeout_s
        self._send_ping = send_ping
        self._on_timeout = on_timeout
        self._payload: bytes | None = None
        self._tick: asyncio.TimerHandle | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Schedule the first ping one interval from now."""
        if self._interval_s > 0 and self._tick is None:
            self._tick = self._loop.call_later(self._interval_s, self._ping)

    def _ping(self) -> None:
        self._tick = self._loop.call_later(self._interval_s, self._ping)
        if self._payload is not None:  # the previous ping is still out
            return
        self._payload = os.urandom(4)
        self._send_ping(self._payload)
        if self._timeout_s > 0:
            self._deadline = self._loop.call_later(self._timeout_s, self._timed_out)

    def pong(self, payload: bytes) -> None:
        """A pong arrived; one echoing the outstanding ping clears it."""
        if self._payload is not None and payload == self._payload:
            self._payload = None
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        self.stop()
        self._on_timeout()

    def stop(self) -> None:
        """Cancel every timer."""
        for handle in (self._tick, self._deadline):
            if handle is not None:
                handle.cancel()
        self._tick = self._deadline = None


__all__ = ["Keepalive"]
