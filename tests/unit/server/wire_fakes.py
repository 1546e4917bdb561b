"""A fake transport and a real websockets client protocol to drive a
:class:`WireProtocol` byte for byte, without sockets."""

from __future__ import annotations

import asyncio
import http
from typing import Any

from websockets.client import ClientProtocol
from websockets.frames import Frame
from websockets.http11 import Request, Response
from websockets.uri import parse_uri

from cadence.server.flush import FlushScheduler
from cadence.server.wire import WireHandler, WireLimits, WireProtocol


class FakeTransport(asyncio.Transport):
    """Collects writes; ``pause``/``resume`` drive the protocol's flow control."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closed = False
        self.aborted = False
        self.high_water: int | None = None
        self.protocol: WireProtocol | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "write after close"
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = self.aborted = True

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.high_water = high

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 5555) if name == "peername" else default

    def take(self) -> bytes:
        data, self.written = b"".join(self.written), []
        return data


class RecordingHandler:
    """A :class:`WireHandler` that records what it is told."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.binaries = 0
        self.paused = 0
        self.resumed = 0
        self.closed = 0

    def text_received(self, text: str) -> None:
        self.texts.append(text)

    def binary_received(self) -> None:
        self.binaries += 1

    def writing_paused(self) -> None:
        self.paused += 1

    def writing_resumed(self) -> None:
        self.resumed += 1

    def connection_closed(self) -> None:
        self.closed += 1


class Opener:
    """Accepts every upgrade unless ``reject`` is set; records the handler."""

    def __init__(self, reject: http.HTTPStatus | None = None) -> None:
        self.reject = reject
        self.handler = RecordingHandler()
        self.responses: list[int] = []

    def process_request(self, wire: WireProtocol, request: Request) -> Response | None:
        return wire.respond(self.reject, "no\n") if self.reject is not None else None

    def process_response(self, wire: WireProtocol, request: Request, response: Response) -> None:
        self.responses.append(response.status_code)

    def opened(self, wire: WireProtocol) -> WireHandler:
        return self.handler


LIMITS = WireLimits(max_message_bytes=1024, write_limit_bytes=4096, ping_interval_s=0, ping_timeout_s=0,
                    open_timeout_s=5, close_timeout_s=5)


class Peer:
    """A wire under test with a websockets client on the other end."""

    def __init__(
        self, opener: Opener | None = None, limits: WireLimits = LIMITS, flusher: FlushScheduler | None = None
    ) -> None:
        self.opener = opener or Opener()
        self.flusher = flusher or FlushScheduler(asyncio.get_running_loop())
        self.wire = WireProtocol(self.opener, limits, self.flusher)
        self.transport = FakeTransport()
        self.wire.connection_made(self.transport)
        self.client = ClientProtocol(parse_uri("ws://127.0.0.1/ws"))

    def handshake(self) -> Response:
        self.client.send_request(self.client.connect())
        self.pump_to_server()
        events = self.pump_to_client()
        assert isinstance(events[0], Response)
        return events[0]

    def pump_to_server(self) -> None:
        for chunk in self.client.data_to_send():
            if chunk:
                self.wire.data_received(chunk)
            else:
                self.wire.eof_received()

    def pump_to_client(self) -> list[Any]:
        """What the client gets once the frames of this loop step are flushed."""
        self.flusher.flush()
        data = self.transport.take()
        if data:
            self.client.receive_data(data)
        return list(self.client.events_received())

    def frames(self) -> list[Frame]:
        return [event for event in self.pump_to_client() if isinstance(event, Frame)]


__all__ = ["LIMITS", "FakeTransport", "Opener", "Peer", "RecordingHandler"]
