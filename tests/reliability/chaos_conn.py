"""One WebSocket of a chaos client and its reader task (see :mod:`chaos`):
:class:`ChaosConn`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import orjson
from chaos_checker import ConnChecker
from chaos_config import Frame
from harness import UNIT
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed


class ChaosConn:
    """One WebSocket of a chaos client. Its reader task (owned here: awaited
    or cancelled by :meth:`finish`) feeds every frame to its checker."""

    def __init__(self, ws: ClientConnection, checker: ConnChecker, life: int) -> None:
        self.ws = ws
        self.checker = checker
        self.life = life
        self.opened_at = time.monotonic()
        self.close_code: int | None = None
        self.finished = False
        self._arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    @property
    def open(self) -> bool:
        return not self.reader.done()

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                try:
                    self.checker.feed(orjson.loads(data))
                except Exception as exc:  # a garbled frame: record it, keep reading
                    self.checker.violate("-", f"unreadable server frame {data[:200]!r}: {exc!r}")
                self._arrived.set()
        except ConnectionClosed:
            pass
        finally:
            rcvd = self.ws.protocol.close_rcvd
            self.close_code = rcvd.code if rcvd else None
            self._arrived.set()

    async def send(self, data: Frame | str | bytes) -> bool:
        """Send a frame (a dict is JSON-encoded); False once the socket is closed."""
        payload = orjson.dumps(data).decode() if isinstance(data, dict) else data
        try:
            await self.ws.send(payload)
        except ConnectionClosed:
            return False
        return True

    async def until(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        """Wait for ``predicate``; False if the socket closed or ``timeout_s``
        (times UNIT) passed first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s * UNIT
        while not predicate():
            remaining = deadline - loop.time()
            if self.reader.done() or remaining <= 0:
                return predicate()
            self._arrived.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()
            except TimeoutError:
                return predicate()
        return True

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        transport = self.ws.transport
        if transport is not None:
            transport.abort()

    async def finish(self, how: str, timeout_s: float) -> None:
        """Wait for the socket to close (aborting it after ``timeout_s``),
        then run the checker's end-of-connection checks. Idempotent."""
        if self.finished:
            return
        self.finished = True
        done, _ = await asyncio.wait({self.reader}, timeout=timeout_s * UNIT)
        if not done:
            self.checker.violate("-", f"socket still open {timeout_s * UNIT:.0f} s after {how}")
            self.abort()
            self.reader.cancel()
        await asyncio.gather(self.reader, return_exceptions=True)
        self.checker.finish(self.close_code, how, time.monotonic() - self.opened_at)


__all__ = ["ChaosConn"]
