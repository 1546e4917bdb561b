"""One path for every frame a connection sends, with bounded buffers.

Frames leave in the order they were queued. The common case is one
synchronous write: while nothing is queued and the transport is not paused
(it buffers less than the write limit), a frame goes straight to
:meth:`WireProtocol.send_text`. While the transport is paused, frames wait
in a queue that is drained, in order, as soon as it resumes; queued
``token`` frames of one turn are merged into one frame, so a slow reader
costs memory bounded by the reply, not by the number of tokens.

A peer that keeps the transport paused for ``send_timeout_s`` (or lets
``max_queued`` frames pile up) is dropped with close code 1008. No task:
everything here runs inside the caller's event or a timer callback.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
from collections.abc import Callable
from typing import Protocol

from cadence.protocol import encode
from cadence.protocol.codes import CloseCode

log = logging.getLogger("cadence.server")


class FrameSink(Protocol):
    """Where frames go (a :class:`~cadence.server.wire.WireProtocol`)."""

    @property
    def paused(self) -> bool:
        """True while the transport buffers more than its write limit."""

    def send_text(self, data: bytes) -> None:
        """Write one text frame now (a no-op once closing)."""

    def close(self, code: int, reason: str) -> None:
        """Start the closing handshake (idempotent)."""


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
    """The outbound side of one connection."""

    def __init__(self, sink: FrameSink, *, send_timeout_s: float, max_queued: int = 1024) -> None:
        self._sink = sink
        self._loop = asyncio.get_running_loop()
        self._send_timeout_s = send_timeout_s
        self._max_queued = max_queued
        self._queue: collections.deque[_Item] = collections.deque()
        self._closing = False
        self._stall: asyncio.TimerHandle | None = None
        #: Called once when the peer is dropped for not reading, so the
        #: connection can abort its turn now rather than after the close.
        self.on_drop: Callable[[], None] | None = None
        # The token encoder of the turn that sent last (ids compared by identity).
        self._token_session: str | None = None
        self._token_request: str | None = None
        self._encode_token: Callable[[str], bytes] = encode.token_encoder("unknown", "unknown")

    @property
    def closing(self) -> bool:
        """Whether a close has been queued."""
        return self._closing

    def frame(self, data: bytes) -> None:
        """Send an encoded frame (never blocks)."""
        if not self._queue and not self._closing and not self._sink.paused:
            self._sink.send_text(data)
        else:
            self._enqueue(data)

    def token(self, session_id: str, request_id: str, text: str) -> None:
        """Send a ``token`` frame, merged with a queued one of the same turn."""
        # The hot path, once per token.
        if not self._queue and not self._closing and not self._sink.paused:
            if request_id is not self._token_request or session_id is not self._token_session:
                self._token_session, self._token_request = session_id, request_id
                self._encode_token = encode.token_encoder(session_id, request_id)
            self._sink.send_text(self._encode_token(text))
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
            self._drain()

    def paused(self) -> None:
        """The transport is full: the peer has ``send_timeout_s`` to read."""
        if self._stall is None and self._send_timeout_s > 0:
            self._stall = self._loop.call_later(self._send_timeout_s, self._stalled)

    def resumed(self) -> None:
        """The transport drained: send what waited."""
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        self._drain()

    def stop(self) -> None:
        """The connection is gone: forget queued frames and timers."""
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        self._queue.clear()
        self._closing = True

    def _enqueue(self, item: _Item) -> None:
        if self._closing:
            return
        if len(self._queue) >= self._max_queued:
            log.warning("dropping a peer with %d unsent frames", len(self._queue))
            self._drop("send buffer full")
        else:
            self._queue.append(item)

    def _drain(self) -> None:
        queue, sink = self._queue, self._sink
        while queue and not sink.paused:
            item = queue.popleft()
            if isinstance(item, _Close):
                queue.clear()
                sink.close(item.code, item.reason)
                return
            if isinstance(item, _Token):
                item = encode.token_frame(item.session_id, item.request_id, item.text)
            sink.send_text(item)

    def _stalled(self) -> None:
        self._stall = None
        log.warning("peer stopped reading for %.1fs: closing 1008", self._send_timeout_s)
        self._drop("send timeout")

    def _drop(self, reason: str) -> None:
        self._queue.clear()
        self._closing = True
        # The close frame goes behind what the transport holds (bounded by
        # the write limit); the wire cuts the connection if it never leaves.
        self._sink.close(int(CloseCode.POLICY_VIOLATION), reason)
        if self.on_drop is not None:  # not from inside the caller's event
            self._loop.call_soon(self.on_drop)


__all__ = ["FrameSink", "Outbound"]
