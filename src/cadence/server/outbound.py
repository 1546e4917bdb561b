"""One path for every frame a connection sends, with bounded buffers.

Frames leave in the order they were queued. The common case costs one
synchronous write: when nothing is queued and the socket's write buffer is
under ``high_water``, a frame goes out at once through ``websockets``'
documented :func:`~websockets.asyncio.connection.broadcast` (one protocol
call and one ``transport.write``). Otherwise it waits in a queue drained by
the writer task with ``Connection.send``, which applies flow control; queued
``token`` frames of one turn are merged into one frame, so a slow reader
costs memory bounded by the reply, not by the number of tokens.

A peer that does not read for ``send_timeout_s`` (or lets ``max_queued``
frames pile up) is dropped with close code 1008.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
from collections.abc import Callable

from websockets.asyncio.connection import broadcast
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from cadence.protocol import encode
from cadence.protocol.codes import CloseCode

log = logging.getLogger("cadence.server")


@dataclasses.dataclass(slots=True)
class _Token:
    session_id: str
    request_id: str
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class _Close:
    code: int
    reason: str


_Item = bytes | _Token | _Close


class Outbound:
    """The outbound side of one connection; :meth:`run` is its writer task."""

    def __init__(
        self,
        ws: ServerConnection,
        *,
        send_timeout_s: float,
        high_water: int,
        max_queued: int = 1024,
    ) -> None:
        self._ws = ws
        self._send_timeout_s = send_timeout_s
        self._high_water = high_water
        self._max_queued = max_queued
        self._queue: collections.deque[_Item] = collections.deque()
        self._wakeup = asyncio.Event()
        self._closing = False
        self.frames_sent = 0
        #: Called once when the peer is dropped for not reading, so the
        #: connection can abort its turn now rather than after the close.
        self.on_drop: Callable[[], None] | None = None
        # The token encoder of the turn that sent last (ids compared by identity).
        self._token_ids: tuple[str | None, str | None] = (None, None)
        self._encode_token: Callable[[str], bytes] = encode.token_encoder("unknown", "unknown")

    @property
    def closing(self) -> bool:
        """Whether a close has been queued."""
        return self._closing

    def _can_write_now(self) -> bool:
        ws = self._ws
        return (
            not self._queue
            and not self._closing
            and ws.state is State.OPEN
            and ws.transport.get_write_buffer_size() <= self._high_water
        )

    def frame(self, data: bytes) -> None:
        """Send an encoded frame (never blocks)."""
        if self._can_write_now():
            broadcast((self._ws,), data, text=True)
            self.frames_sent += 1
        else:
            self._enqueue(data)

    def token(self, session_id: str, request_id: str, text: str) -> None:
        """Send a ``token`` frame, merged with a queued one of the same turn."""
        # The hot path, once per token: _can_write_now() inlined, less its
        # state check, which broadcast() makes itself (it skips a connection
        # that is not open: nothing can reach that peer any more either way).
        ws = self._ws
        if (
            not self._queue
            and not self._closing
            and ws.transport.get_write_buffer_size() <= self._high_water
        ):
            if request_id is not self._token_ids[1] or session_id is not self._token_ids[0]:
                self._token_ids = (session_id, request_id)
                self._encode_token = encode.token_encoder(session_id, request_id)
            broadcast((ws,), self._encode_token(text), text=True)
            self.frames_sent += 1
            return
        last = self._queue[-1] if self._queue else None
        if isinstance(last, _Token) and last.request_id == request_id:
            last.text += text
        else:
            self._enqueue(_Token(session_id, request_id, text))

    def close(self, code: CloseCode, reason: str) -> None:
        """Close after every frame queued so far; later frames are dropped."""
        if not self._closing:
            self._enqueue(_Close(int(code), reason))
            self._closing = True

    def _enqueue(self, item: _Item) -> None:
        if self._closing:
            return
        if len(self._queue) >= self._max_queued:
            log.warning("dropping a peer with %d unsent frames", len(self._queue))
            self._queue.clear()
            self._queue.append(_Close(int(CloseCode.POLICY_VIOLATION), "send buffer full"))
            self._closing = True
            if self.on_drop is not None:  # not from inside the caller's event
                asyncio.get_running_loop().call_soon(self.on_drop)
        else:
            self._queue.append(item)
        self._wakeup.set()

    async def run(self) -> None:
        """Drain the queue until the connection closes. Safe to cancel."""
        ws = self._ws
        try:
            while True:
                if not self._queue:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                item = self._queue.popleft()
                if isinstance(item, _Close):
                    await ws.close(item.code, item.reason)
                    return
                data = item if isinstance(item, bytes) else encode.token_frame(
                    item.session_id, item.request_id, item.text
                )
                try:
                    async with asyncio.timeout(self._send_timeout_s):
                        await ws.send(data, text=True)
                except TimeoutError:
                    log.warning("peer stopped reading for %.1fs: closing 1008", self._send_timeout_s)
                    self._queue.clear()
                    self._closing = True
                    if self.on_drop is not None:
                        self.on_drop()
                    await ws.close(int(CloseCode.POLICY_VIOLATION), "send timeout")
                    return
                self.frames_sent += 1
        except ConnectionClosed:
            return


__all__ = ["Outbound"]
