"""Write every connection's frames of one event-loop step together.

A frame is not written when it is sent: its connection asks the server's
:class:`FlushScheduler` to flush it, and the scheduler writes every
connection that asked, one system call each, in one callback at the next
loop step (after the current step's callbacks and I/O events). This is how
Redis writes its replies before the loop sleeps, and what Netty's flush
consolidation does:

- frames of one connection that are ready in the same step (a turn's last
  token and its ``done``, an error and a close) leave in one write;
- the writes of many connections come in one burst instead of being spread
  between the steps that produced them, so a peer's socket wakes its reader
  once per burst rather than once per frame (on loopback that wake-up is
  most of a write's kernel time; see ``docs/benchmarks/server.md``).

A frame waits at most for the rest of the step that produced it, and never
behind more than ``max_batch`` other connections: the connection that fills
the batch flushes it at once. While at most one connection is open there is
nothing to coalesce with, and frames are written at once. A flush of one
connection (a close, a handshake response, a ping) may also happen
directly; the scheduled flush then finds nothing left to write.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

log = logging.getLogger("cadence.server")


class Flushable(Protocol):
    """A connection with frames waiting to be written."""

    def flush_now(self) -> None:
        """Write everything the connection holds, in order, in one write."""


class FlushScheduler:
    """Coalesces the writes of one event loop's connections (owned by the server)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, max_batch: int = 64) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._loop = loop
        self._max_batch = max_batch
        self._pending: list[Flushable] = []
        self._open = 0
        #: Whether writes wait for the step's end: more than one connection
        #: is open (a lone connection has nothing to coalesce with, so its
        #: connection writes at once, without :meth:`request`).
        self.coalescing = False

    @property
    def open_connections(self) -> int:
        """Connections between :meth:`connection_opened` and :meth:`connection_closed`."""
        return self._open

    def connection_opened(self) -> None:
        """A connection was made."""
        self._open += 1
        self.coalescing = self._open > 1

    def connection_closed(self) -> None:
        """A connection was lost."""
        self._open -= 1
        self.coalescing = self._open > 1

    def request(self, connection: Flushable) -> None:
        """Flush ``connection`` at the next step (callers ask while
        :attr:`coalescing`, once until it is flushed)."""
        pending = self._pending
        pending.append(connection)
        if len(pending) == 1:
            self._loop.call_soon(self.flush)
        elif len(pending) >= self._max_batch:
            self.flush()  # the callback already scheduled will find nothing

    def flush(self) -> None:
        """Write every connection that asked, in the order they asked.

        A connection whose flush raises (a bug) is logged; the others are
        still written."""
        pending, self._pending = self._pending, []
        for connection in pending:
            try:
                connection.flush_now()
            except Exception:
                log.exception("flushing a connection failed")


__all__ = ["FlushScheduler", "Flushable"]
