"""One TCP connection carrying one WebSocket, on websockets' sans-I/O layer.

:class:`WireProtocol` is an :class:`asyncio.Protocol` driving websockets' documented sans-I/O
``ServerProtocol``, as uvicorn does; nothing here runs a task, everything is handled as data
arrives. A frame costs one protocol call; a step's frames leave in one write when the server's
:class:`~cadence.server.flush.FlushScheduler` flushes the connection (handshake responses,
pings and closes go at once, behind what waits).

Contract with the layers above:
- the :class:`WireOpener` (the server) vets the HTTP request and, once the
  101 response is sent, returns the :class:`WireHandler` of the connection;
- the handler gets each complete message, the transport's flow-control
  signals (``writing_paused`` above ``write_limit_bytes`` buffered,
  ``writing_resumed`` once drained) and exactly one ``connection_closed``.

Protocol errors (oversized: 1009, invalid UTF-8: 1007, bad framing: 1002) close as RFC 6455
says; a peer late to finish a close or the handshake, or to answer a ping, is cut off.
"""

from __future__ import annotations

import asyncio
import dataclasses
import http
import logging
from typing import Protocol, cast

from websockets.exceptions import InvalidState
from websockets.frames import CloseCode as WsCloseCode
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.server import ServerProtocol

from cadence.protocol.codes import CloseCode
from cadence.server.flush import FlushScheduler
from cadence.server.keepalive import Keepalive

log = logging.getLogger("cadence.server")
_OPEN = State.OPEN
_TEXT, _BINARY, _CONT, _PONG = Opcode.TEXT, Opcode.BINARY, Opcode.CONT, Opcode.PONG


@dataclasses.dataclass(frozen=True, slots=True)
class WireLimits:
    """Per-connection limits (``ping_interval_s`` 0 disables keepalive)."""

    max_message_bytes: int
    write_limit_bytes: int
    ping_interval_s: float
    ping_timeout_s: float
    open_timeout_s: float = 10.0
    close_timeout_s: float = 5.0


class WireHandler(Protocol):
    """What an open connection reports to the layer above."""

    def text_received(self, text: str) -> None:
        """A complete text message."""

    def binary_received(self) -> None:
        """A complete binary message (its content is not needed)."""

    def writing_paused(self) -> None:
        """The transport buffers more than the write limit."""

    def writing_resumed(self) -> None:
        """The transport drained below the write limit again."""

    def connection_closed(self) -> None:
        """The TCP connection is gone (called once, last)."""


class WireOpener(Protocol):
    """The server's side of the opening handshake."""

    def process_request(self, wire: WireProtocol, request: Request) -> Response | None:
        """A response to send instead of the upgrade, or ``None`` to upgrade."""

    def process_response(self, wire: WireProtocol, request: Request, response: Response) -> None:
        """Called with the response about to be sent, whatever it is."""

    def opened(self, wire: WireProtocol) -> WireHandler:
        """The upgrade succeeded: return the connection's handler."""


class WireProtocol(asyncio.Protocol):
    """Adapter between an asyncio transport and a sans-I/O ServerProtocol."""

    def __init__(self, opener: WireOpener, limits: WireLimits, flusher: FlushScheduler) -> None:
        self._opener = opener
        self._limits = limits
        self._flusher = flusher
        self._loop = asyncio.get_running_loop()
        self._ws = ServerProtocol(max_size=limits.max_message_bytes, logger=log)
        self._transport: asyncio.Transport | None = None
        self._handler: WireHandler | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._keepalive: Keepalive | None = None
        self._parts: list[bytes] = []
        self._fragmented: Opcode | None = None
        #: True while the transport buffers more than the write limit.
        self.paused = False
        self.remote_address: object = None
        self.connected_at = 0.0  # loop time of the TCP connection: the handshake wait starts there
        self._flush_requested = False

    # -- what the layers above use ------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the WebSocket is fully closed."""
        return self._ws.state is State.CLOSED

    @property
    def is_open(self) -> bool:
        """Whether messages can still be sent."""
        return self._ws.state is _OPEN

    def respond(self, status: http.HTTPStatus, text: str) -> Response:
        """A plain HTTP response for the handshake (see ``ServerProtocol.reject``)."""
        return self._ws.reject(status, text)

    def send_text(self, data: bytes) -> None:
        """Send a UTF-8 text frame (written with the loop step's other frames); a no-op once closing."""
        try:  # a lost connection is CLOSED (connection_lost), an aborted one is skipped at the flush
            self._ws.send_text(data)
        except InvalidState:  # the WebSocket is closing
            return
        if not self._flusher.coalescing:
            self._write()
        elif not self._flush_requested:  # (still listed after a direct write: no second request)
            self._flush_requested = True
            self._flusher.request(self)

    def flush_now(self) -> None:
        """The scheduler's flush: write every frame held so far."""
        self._flush_requested = False
        self._write()

    def _write(self) -> None:
        """Write every frame held so far, in order, in one system call."""
        transport = self._transport
        chunks = self._ws.data_to_send()
        if not chunks or transport is None or transport.is_closing():
            return  # nothing to send, or the socket is gone
        if len(chunks) == 1 and chunks[0]:
            transport.write(chunks[0])  # the common case: cheaper than writelines
            return
        data = [chunk for chunk in chunks if chunk]
        transport.writelines(data)  # one system call for all of them
        if len(data) < len(chunks):  # end of stream (always last): close TCP once the data is out
            transport.close()

    def close(self, code: int, reason: str) -> None:
        """Start the closing handshake; the TCP connection ends within
        ``close_timeout_s`` whatever the peer does. Idempotent."""
        if self._ws.state is _OPEN:
            self._ws.send_close(code, reason)
            self._write()
        self._expect_close()

    def abort(self) -> None:
        """Drop the TCP connection now."""
        if self._transport is not None:
            self._transport.abort()

    # -- asyncio.Protocol ----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)
        self.connected_at = self._loop.time()
        self._flusher.connection_opened()
        self._transport.set_write_buffer_limits(high=self._limits.write_limit_bytes)
        self.remote_address = transport.get_extra_info("peername")
        self._timer = self._loop.call_later(self._limits.open_timeout_s, self.abort)

    def data_received(self, data: bytes) -> None:
        ws = self._ws
        ws.receive_data(data)
        self._write()
        for event in ws.events_received():
            if type(event) is Frame:
                self._frame_received(event)
            else:
                self._handshake(cast(Request, event))
        if ws.state is not _OPEN:
            self._expect_close()

    def eof_received(self) -> bool | None:
        self._ws.receive_eof()
        self._write()
        return None  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._flusher.connection_closed()
        self._ws.receive_eof()
        self._cancel_timer()
        if self._keepalive is not None:
            self._keepalive.stop()
        self.paused = False
        handler, self._handler = self._handler, None
        if handler is not None:
            handler.connection_closed()

    def pause_writing(self) -> None:
        self.paused = True
        if self._handler is not None:
            self._handler.writing_paused()

    def resume_writing(self) -> None:
        self.paused = False
        if self._handler is not None:
            self._handler.writing_resumed()

    # -- internals -------------------------------------------------------------

    def _expect_close(self) -> None:
        if self._timer is None and self._transport is not None:
            self._timer = self._loop.call_later(self._limits.close_timeout_s, self.abort)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _handshake(self, request: Request) -> None:
        self._cancel_timer()
        ws, opener = self._ws, self._opener
        try:
            response = opener.process_request(self, request)
            if response is None:
                response = ws.accept(request)
            opener.process_response(self, request, response)
        except Exception:
            log.exception("opening handshake failed")
            response = ws.reject(
                http.HTTPStatus.INTERNAL_SERVER_ERROR, "Failed to open a WebSocket connection.\n"
            )
        ws.send_response(response)
        self._write()
        if ws.state is _OPEN:
            self._handler = opener.opened(self)
            limits = self._limits
            self._keepalive = Keepalive(
                self._loop, limits.ping_interval_s, limits.ping_timeout_s,
                self._send_ping, self._ping_timed_out,
            )
            self._keepalive.start()
        else:
            self._expect_close()

    def _send_ping(self, payload: bytes) -> None:
        if self._ws.state is _OPEN:
            self._ws.send_ping(payload)
            self._write()

    def _ping_timed_out(self) -> None:
        log.info("closing a connection that did not answer a ping")
        self._fail(CloseCode.INTERNAL_ERROR, "keepalive ping timeout")

    def _fail(self, code: int, reason: str) -> None:
        self._ws.fail(code, reason)
        self._write()
        self._expect_close()

    def _frame_received(self, frame: Frame) -> None:
        opcode = frame.opcode
        if opcode is _TEXT or opcode is _BINARY:
            if frame.fin:
                self._deliver(opcode, bytes(frame.data))
            else:
                self._fragmented, self._parts = opcode, [bytes(frame.data)]
        elif opcode is _CONT:
            self._parts.append(bytes(frame.data))
            if frame.fin and self._fragmented is not None:
                data, self._parts = b"".join(self._parts), []
                self._deliver(self._fragmented, data)
                self._fragmented = None
        elif opcode is _PONG and self._keepalive is not None:
            self._keepalive.pong(bytes(frame.data))
        # PING is answered and CLOSE echoed by ServerProtocol itself.

    def _deliver(self, opcode: Opcode, data: bytes) -> None:
        handler = self._handler
        if handler is None or self._ws.state is not _OPEN:
            return
        if opcode is _BINARY:
            handler.binary_received()
            return
        try:
            text = data.decode()
        except UnicodeDecodeError:
            self._fail(WsCloseCode.INVALID_DATA, "invalid UTF-8")
            return
        handler.text_received(text)


__all__ = ["WireHandler", "WireLimits", "WireOpener", "WireProtocol"]
