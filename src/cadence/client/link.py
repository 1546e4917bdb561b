"""The connection under a :class:`~cadence.client.session.CadenceClient`.

:class:`SessionLink` owns the WebSocket, its reader task and the frame
router; it sends turn-starting and control frames and reconnects lazily. See
:mod:`cadence.client.session` for the behaviour users see.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from cadence.client.backoff import ReconnectPolicy
from cadence.client.connection import AuthMode, normalize_url, open_connection, with_auth
from cadence.client.errors import ConnectionLost, FrameError, SessionClosed, TurnTimeout
from cadence.client.frames import ServerFrame, parse_frame
from cadence.client.outbound import encode, new_id
from cadence.client.router import FrameRouter, Route, RouterStats
from cadence.client.turn import Turn

#: Close code of a session taken over by another connection.
TAKEN_OVER = 4001


class SessionLink:
    """One session's connection: connect, read, route, send, reconnect.

    ``recv_timeout`` is the longest silence allowed while waiting for a
    turn's next frame or a control answer (``None``: wait forever).
    Not safe to share between event loops; calls from several tasks of one
    loop are fine (sends are serialized by the connection).
    """

    def __init__(self, url: str, *, api_key: str | None = None, auth: AuthMode = "header",
                 session_id: str | None = None, recv_timeout: float | None = 60.0,
                 open_timeout: float = 10.0, reconnect: ReconnectPolicy | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 uniform: Callable[[], float] = random.random) -> None:
        self.url = normalize_url(url)
        self._url, self._headers = with_auth(self.url, api_key, auth)
        self.session_id = session_id or new_id("s")
        self.recv_timeout = recv_timeout
        self._open_timeout = open_timeout
        self._policy = reconnect or ReconnectPolicy()
        self._clock, self._uniform = clock, uniform
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._router = FrameRouter()
        self._controls: dict[str, asyncio.Future[ServerFrame]] = {}
        self._final: str | None = None
        self._connections = 0
        self.close_code: int | None = None
        self.close_reason = ""
        self.violations: list[str] = []

    # -- lifecycle ---------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        """Whether a connection is open right now."""
        return self._ws is not None and self._ws.state is State.OPEN

    @property
    def reconnects(self) -> int:
        """How many times the client connected again after its first connection."""
        return max(0, self._connections - 1)

    @property
    def stats(self) -> RouterStats:
        """Late and stale frame counts (frames never delivered to a turn)."""
        return self._router.stats

    @property
    def running_turn(self) -> Turn | None:
        """The most recent turn without its terminal frame yet."""
        return next(reversed(self._router.turns.values()), None)

    async def connect(self) -> None:
        """Open the connection (idempotent while open), retrying as the policy says.

        Raises:
            SessionClosed: after ``end()``, ``close()`` or a takeover.
            AuthenticationError | HandshakeRejected | OSError: see
                :func:`~cadence.client.connection.open_connection`.
        """
        async with self._lock:
            if self._final is not None:
                raise SessionClosed(f"client is {self._final}")
            if self.connected:
                return
            if self._reader is not None:
                await asyncio.shield(self._reader)
            ws = await open_connection(self._url, self._headers, self._policy, self._open_timeout,
                                       self._uniform)
            self._ws, self.close_code, self.close_reason = ws, None, ""
            self._connections += 1
            self._reader = asyncio.create_task(self._read(ws), name=f"cadence-reader-{self.session_id}")

    async def close(self) -> None:
        """Close the connection without ``end``: the server keeps the session
        (detached, ``SESSION_TTL_S``). Idempotent; later calls raise SessionClosed."""
        self._final = self._final or "closed"
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.shield(self._reader)

    async def wait_closed(self) -> tuple[int, str]:
        """Wait until the current connection closes; returns (close code, reason).

        Wrap it in ``asyncio.timeout`` to bound the wait; cancelling it leaves
        the connection alone.
        """
        if self._reader is not None:
            await asyncio.shield(self._reader)
        return self.close_code or 1006, self.close_reason

    # -- reading -----------------------------------------------------------

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                now = self._clock()
                if not isinstance(raw, str):
                    self.violations.append("binary frame from the server")
                    continue
                try:
                    frame = parse_frame(raw)
                except FrameError as exc:
                    self.violations.append(str(exc))
                    continue
                self.dispatch(frame, now)
        except ConnectionClosed:
            pass
        finally:
            self._closed(ws)

    def dispatch(self, frame: ServerFrame, now: float) -> Route:
        """Deliver one parsed frame received at ``now``; never awaits."""
        route, turn = self._router.route(frame)
        if turn is not None:
            try:
                if turn.feed(frame, now):
                    self._router.finish(turn.request_id)
            except FrameError as exc:
                self.violations.append(f"{turn.request_id}: {exc}")
        elif route is Route.CONTROL:
            waiter = self._controls.pop(frame.request_id, None)
            self._router.drop_control(frame.request_id)
            if waiter is not None and not waiter.done():
                waiter.set_result(frame)
        elif route is Route.LATE:
            self.violations.append(f"{frame.type} after the terminal frame of {frame.request_id}")
        return route

    def _closed(self, ws: ClientConnection) -> None:
        if ws is not self._ws:
            return
        code, reason = ws.close_code or 1006, ws.close_reason or ""
        self.close_code, self.close_reason = code, reason
        if code == TAKEN_OVER:
            self._final = self._final or "taken over"
        now = self._clock()
        for turn in self._router.abandon_all():
            turn.lose(code, reason, now)
        for waiter in self._controls.values():
            if not waiter.done():
                waiter.set_exception(ConnectionLost(code, reason))
        self._controls.clear()

    # -- sending -----------------------------------------------------------

    async def _open(self) -> ClientConnection:
        if self._final is not None:
            raise SessionClosed(f"client is {self._final}")
        if not self.connected:
            if self._connections and not self._policy.enabled:
                raise ConnectionLost(self.close_code or 1006, self.close_reason)
            await self.connect()
        assert self._ws is not None
        return self._ws

    async def _after_send_failure(self, attempt: int) -> None:
        if self._reader is not None:
            await asyncio.shield(self._reader)
        if attempt or not self._policy.enabled:
            raise ConnectionLost(self.close_code or 1006, self.close_reason)

    async def _turn(self, kind: str, payload: dict[str, Any], request_id: str | None,
                    ends_at_ack: bool = False) -> Turn:
        rid = request_id or new_id()
        text = encode(kind, self.session_id, rid, payload)
        for attempt in range(2):
            ws = await self._open()
            turn = Turn(rid, kind, self._clock(), self.recv_timeout, ends_at_ack, self._clock)
            self._router.add_turn(turn)
            try:
                await ws.send(text)
                return turn
            except ConnectionClosed:
                await self._after_send_failure(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def send_cancel(self, reason: str | None = None) -> bool:
        """Send ``cancel`` and return at once, without waiting for any answer.

        The running turn still ends with its own terminal frame (``cancelled``,
        or ``done`` if it won the race), which reaches its :class:`Turn`. With
        nothing running the server's ``cancelled`` (``active`` false) is
        counted as a stale frame. Never reconnects: returns ``False`` when no
        connection is open (a turn cannot be running then).
        """
        ws = self._ws
        if ws is None or not self.connected:
            return False
        try:
            await ws.send(encode("cancel", self.session_id, new_id("c"), {"reason": reason} if reason else None))
        except ConnectionClosed:
            return False
        return True

    async def _control(self, kind: str, payload: dict[str, Any] | None = None) -> asyncio.Future[ServerFrame]:
        rid = new_id(kind[0])
        text = encode(kind, self.session_id, rid, payload)
        for attempt in range(2):
            ws = await self._open()
            waiter: asyncio.Future[ServerFrame] = asyncio.get_running_loop().create_future()
            self._controls[rid] = waiter
            self._router.add_control(rid)
            try:
                await ws.send(text)
                return waiter
            except ConnectionClosed:
                await self._after_send_failure(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _answer(self, waiter: asyncio.Future[ServerFrame], what: str) -> ServerFrame:
        try:
            async with asyncio.timeout(self.recv_timeout):
                return await waiter
        except TimeoutError:
            raise TurnTimeout(f"no answer to {what} within {self.recv_timeout}s") from None


__all__ = ["TAKEN_OVER", "SessionLink"]
