"""A light WebSocket load client for ``scripts/bench_server.py``.

Each session is an :class:`asyncio.Protocol` with a hand-rolled reader of
server frames (unmasked, RFC 6455 section 5.2): no task, no future and no
JSON parse per ``token`` frame, only a prefix check and a timestamp, so
the client costs far less CPU per frame than the servers it measures (the
driver reports it). A session sends ``start`` (masked, as RFC 6455 requires
of clients), reads ``token`` frames up to ``done``, parses ``done`` and
sends its next ``start`` at once from the same callback.

Timestamps are taken once per ``data_received`` call, so frames that arrive
in one read share one timestamp.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import os
import time
import typing
import uuid

import orjson

TOKEN_PREFIX = b'{"type":"token"'
DONE_PREFIX = b'{"type":"done"'
UTTERANCE = "please tell me about the weather in the mountains this weekend"


def client_frame(opcode: int, payload: bytes) -> bytes:
    """One masked client frame."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    key = (mask * (size // 4 + 1))[:size]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(size, "big")
    return head + mask + masked


@dataclasses.dataclass
class Stats:
    """What every session of one run collects."""

    token_frames: int = 0
    tokens: int = 0
    turns: int = 0
    bad_turns: int = 0
    gaps: list[float] = dataclasses.field(default_factory=list)
    ttft: list[float] = dataclasses.field(default_factory=list)
    tpot: list[float] = dataclasses.field(default_factory=list)
    turn_ms: list[float] = dataclasses.field(default_factory=list)


class Session(asyncio.Protocol):
    """One WebSocket session that runs turns back to back."""

    def __init__(self, host: str, path: str, stats: Stats, reply_tokens: int) -> None:
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.stats = stats
        self._reply_tokens = reply_tokens
        self._sid = f"bench-{uuid.uuid4().hex[:12]}"
        self._buf = bytearray()
        self._open = False
        self._transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.idle: asyncio.Future[None] | None = None
        self._turns_left = 0
        self._sent_at = 0.0
        self._last = 0.0
        self._first_at = 0.0
        self._first = True
        self._parts = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = typing.cast(asyncio.Transport, transport)
        self._transport.write(self._request)

    def connection_lost(self, exc: Exception | None) -> None:
        error = ConnectionError(f"session {self._sid} lost its connection: {exc}")
        for future in (self.opened, self.idle):
            if future is not None and not future.done():
                future.set_exception(error)

    def run_turns(self, turns: int) -> asyncio.Future[None]:
        """Run ``turns`` turns back to back; the future resolves after the last ``done``."""
        self.idle = asyncio.get_running_loop().create_future()
        self._turns_left = turns
        self._send_start()
        return self.idle

    def close(self) -> None:
        """Send a close frame and drop the connection."""
        if self._transport is not None:
            self._transport.write(client_frame(0x8, (1000).to_bytes(2, "big")))
            self._transport.close()

    def _send_start(self) -> None:
        assert self._transport is not None
        frame = {
            "type": "start", "session_id": self._sid, "request_id": uuid.uuid4().hex[:16],
            "payload": {"chat_prompt": "You are a helpful voice assistant.", "user_utterance": UTTERANCE,
                        "sampling": {"max_tokens": self._reply_tokens}},
        }
        self._first = True
        self._parts = 0
        self._sent_at = time.perf_counter()
        self._transport.write(client_frame(0x1, orjson.dumps(frame)))

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        buf = self._buf
        buf += data
        if not self._open and not self._handshake(buf):
            return
        pos, end = 0, len(buf)
        while end - pos >= 2:
            size = buf[pos + 1] & 0x7F
            head = 2
            if size == 126:
                if end - pos < 4:
                    break
                size, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif size == 127:
                if end - pos < 10:
                    break
                size, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if end - pos < head + size:
                break
            start = pos + head
            pos = start + size
            opcode = buf[start - head] & 0x0F
            if opcode == 0x1:
                self._on_text(buf, start, pos, now)
            elif opcode == 0x9:
                assert self._transport is not None
                self._transport.write(client_frame(0xA, bytes(buf[start:pos])))
        del buf[:pos]

    def _handshake(self, buf: bytearray) -> bool:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        status = bytes(buf[: buf.find(b"\r\n")])
        del buf[: end + 4]
        if b" 101 " not in status:
            self.opened.set_exception(ConnectionError(f"handshake refused: {status!r}"))
            return False
        self._open = True
        self.opened.set_result(None)
        return True

    def _on_text(self, buf: bytearray, start: int, end: int, now: float) -> None:
        stats = self.stats
        if buf.startswith(TOKEN_PREFIX, start):
            stats.token_frames += 1
            self._parts += 1
            if self._first:
                self._first = False
                self._first_at = now
                stats.ttft.append(now - self._sent_at)
            else:
                stats.gaps.append(now - self._last)
            self._last = now
            return
        if not buf.startswith(DONE_PREFIX, start):
            self._fail(f"unexpected frame {bytes(buf[start:end])[:200]!r}")
            return
        payload = orjson.loads(bytes(buf[start:end]))["payload"]
        stats.turns += 1
        stats.tokens += payload["usage"]["completion_tokens"]
        stats.turn_ms.append(now - self._sent_at)
        if self._parts > 1:
            stats.tpot.append((self._last - self._first_at) / (self._parts - 1))
        if payload["usage"]["completion_tokens"] != self._reply_tokens or self._parts == 0:
            stats.bad_turns += 1
        self._turns_left -= 1
        if self._turns_left > 0:
            self._send_start()
        elif self.idle is not None and not self.idle.done():
            self.idle.set_result(None)

    def _fail(self, message: str) -> None:
        if self.idle is not None and not self.idle.done():
            self.idle.set_exception(RuntimeError(message))


async def open_sessions(
    host: str, port: int, path: str, count: int, stats: Stats, reply_tokens: int
) -> list[Session]:
    """Open ``count`` sessions (in batches, so the listen backlog never overflows)."""
    loop = asyncio.get_running_loop()
    sessions: list[Session] = []
    for first in range(0, count, 64):
        batch = [Session(f"{host}:{port}", path, stats, reply_tokens) for _ in range(first, min(count, first + 64))]
        for session in batch:
            await loop.create_connection(lambda s=session: s, host, port)  # type: ignore[misc]
        await asyncio.gather(*(session.opened for session in batch))
        sessions.extend(batch)
    return sessions


__all__ = ["Session", "Stats", "client_frame", "open_sessions"]
