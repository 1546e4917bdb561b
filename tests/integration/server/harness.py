"""Starting a real server on a free port, a thin test client, HTTP probes."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cadence.config.settings import EchoSettings, LimitSettings, ServerSettings, SessionSettings, Settings
from cadence.engines.echo import EchoConfig, EchoEngine
from cadence.server.app import CadenceServer
from cadence.turns.config import CoreConfig


def _load_unit() -> float:
    """``UNIT`` from tests/conftest.py (pytest registers another ``conftest``)."""
    spec = importlib.util.spec_from_file_location(
        "_cadence_tests_root_conftest", Path(__file__).parents[2] / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return float(module.UNIT)


#: Every timeout in these tests is a multiple of this (CADENCE_TEST_UNIT).
UNIT = _load_unit()
API_KEY = "test-key"
TERMINAL = {"done", "cancelled", "error"}
TURN_ENDING_ERRORS = {"generation_timeout", "engine_error", "internal_error"}
PROMPT = "You are a helpful voice assistant."


def make_settings(**overrides: Any) -> Settings:
    """Echo-engine settings on a free port; keyword groups override parts."""
    server = dataclasses.replace(
        ServerSettings(host="127.0.0.1", port=0, api_key=API_KEY), **overrides.pop("server", {})
    )
    limits = dataclasses.replace(LimitSettings(), **overrides.pop("limits", {}))
    sessions = dataclasses.replace(SessionSettings(), **overrides.pop("sessions", {}))
    echo = dataclasses.replace(EchoSettings(), **overrides.pop("echo", {}))
    return Settings(server=server, limits=limits, sessions=sessions, echo=echo, **overrides)


@asynccontextmanager
async def running_server(settings: Settings | None = None, **core: Any) -> AsyncIterator[CadenceServer]:
    """A started server with the echo engine; closed on exit."""
    settings = settings or make_settings()
    max_prompt_tokens = core.pop("max_prompt_tokens", None)
    engine = core.pop("engine", None) or EchoEngine(
        EchoConfig(settings.echo.tokens_per_second, settings.echo.reply_tokens)
    )
    config = CoreConfig(
        mode=settings.mode,
        limits=settings.limits,
        sessions=settings.sessions,
        chat_timeout_s=core.pop("chat_timeout_s", settings.chat.timeout_s),
        **core,
    )
    server = CadenceServer(settings, config, engine if settings.has_chat else None,
                           max_prompt_tokens=max_prompt_tokens)
    await server.start()
    try:
        yield server
    finally:
        await server.aclose()


def ws_url(server: CadenceServer, key: str | None = API_KEY) -> str:
    base = f"ws://127.0.0.1:{server.port}/ws"
    return base if key is None else f"{base}?api_key={key}"


def is_terminal(frame: dict[str, Any]) -> bool:
    """Whether ``frame`` ends a turn (an error only if it is turn-ending)."""
    kind = frame["type"]
    if kind == "error":
        return frame["payload"]["code"] in TURN_ENDING_ERRORS
    return kind in ("done", "cancelled")


def check_turn_frames(frames: list[dict[str, Any]], started: set[str] | None = None) -> None:
    """Guarantees 1 and 2 on one connection's frames: per ``request_id``,
    toolcall, then tokens, then exactly one terminal frame, then nothing;
    ``done.text`` is the concatenation of the tokens. ``started``: turns
    that must have a terminal frame."""
    ended: set[str] = set()
    text: dict[str, str] = {}
    for frame in frames:
        rid, kind = frame["request_id"], frame["type"]
        turn_frame = kind in ("toolcall", "token") or is_terminal(frame)
        if not turn_frame:
            continue
        assert rid not in ended, f"frame after the terminal frame of {rid}: {frame}"
        if kind == "toolcall":
            assert rid not in text, f"toolcall after tokens: {frame}"
        elif kind == "token":
            assert frame["payload"]["text"], frame
            text[rid] = text.get(rid, "") + frame["payload"]["text"]
        else:
            ended.add(rid)
            if kind in ("done", "cancelled") and frame["payload"].get("active", True):
                assert frame["payload"]["text"] == text.get(rid, ""), frame
    missing = (started or set()) - ended
    assert not missing, f"turns without a terminal frame: {missing}"


class Client:
    """A test client speaking PROTOCOL.md over a real socket."""

    def __init__(self, ws: ClientConnection, session_id: str) -> None:
        self.ws = ws
        self.session_id = session_id

    async def send(self, type_: str, payload: dict[str, Any] | None = None,
                   request_id: str | None = None, session_id: str | None = None) -> str:
        rid = request_id or uuid.uuid4().hex[:10]
        frame: dict[str, Any] = {"type": type_, "session_id": session_id or self.session_id,
                                 "request_id": rid}
        if payload is not None:
            frame["payload"] = payload
        await self.ws.send(orjson.dumps(frame).decode())
        return rid

    async def send_raw(self, data: str | bytes) -> None:
        await self.ws.send(data)

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        data = await asyncio.wait_for(self.ws.recv(), timeout * UNIT)
        assert isinstance(data, str), "server sent a binary frame"
        frame: dict[str, Any] = orjson.loads(data)
        return frame

    async def until_terminal(self, request_id: str, timeout: float = 10.0) -> list[dict[str, Any]]:  # noqa: ASYNC109
        """Frames up to and including ``request_id``'s terminal frame (or any
        error with that id, such as a rejection). Timeouts scale with UNIT."""
        frames = []
        while True:
            frame = await self.recv(timeout)
            frames.append(frame)
            if frame["request_id"] == request_id and frame["type"] in TERMINAL:
                return frames

    async def until_type(self, type_: str, timeout: float = 10.0) -> list[dict[str, Any]]:  # noqa: ASYNC109
        """Frames up to and including the first one of type ``type_``."""
        frames = []
        while True:
            frames.append(await self.recv(timeout))
            if frames[-1]["type"] == type_:
                return frames

    async def until_closed(self, timeout: float = 10.0) -> tuple[list[dict[str, Any]], int | None, str]:  # noqa: ASYNC109
        """Every frame until the server closes; then the close code and reason."""
        frames = []
        try:
            while True:
                frames.append(await self.recv(timeout))
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            return frames, (rcvd.code if rcvd else None), (rcvd.reason if rcvd else "")

    async def start(self, utterance: str = "", **payload: Any) -> str:
        body = {"chat_prompt": PROMPT, **payload}
        if utterance:
            body["user_utterance"] = utterance
        return await self.send("start", body, request_id=payload.pop("request_id", None))

    async def ready(self, **payload: Any) -> dict[str, Any]:
        """Send a ``start`` without an utterance and return its ``ack``."""
        rid = await self.start(**payload)
        frame = await self.recv()
        assert frame["type"] == "ack" and frame["request_id"] == rid, frame
        return frame

    async def turn(self, utterance: str, **payload: Any) -> list[dict[str, Any]]:
        """Run a ``message`` turn to its end and return its frames."""
        rid = await self.send("message", {"user_utterance": utterance, **payload})
        return await self.until_terminal(rid)


@asynccontextmanager
async def client(server: CadenceServer, session_id: str | None = None,
                 key: str | None = API_KEY, **kwargs: Any) -> AsyncIterator[Client]:
    async with connect(ws_url(server, key), compression=None, **kwargs) as ws:
        yield Client(ws, session_id or f"s-{uuid.uuid4().hex[:8]}")


@dataclasses.dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


async def http_get(server: CadenceServer, path: str, headers: dict[str, str] | None = None,
                   upgrade: bool = False) -> HttpReply:
    """One raw HTTP/1.1 GET; ``upgrade`` adds WebSocket handshake headers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    if upgrade:
        lines += ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5 * UNIT)
        status_line, *header_lines = head.decode().split("\r\n")
        parsed = dict(line.split(": ", 1) for line in header_lines if line)
        length = int(parsed.get("Content-Length", "0"))
        body = await asyncio.wait_for(reader.readexactly(length), 5 * UNIT)
    finally:
        writer.close()
    return HttpReply(int(status_line.split()[1]), parsed, body)


async def stats(server: CadenceServer) -> dict[str, Any]:
    """``GET /stats`` with the API key."""
    reply = await http_get(server, "/stats", {"X-API-Key": API_KEY})
    assert reply.status == 200, reply
    body: dict[str, Any] = reply.json()
    return body


async def chat_running(server: CadenceServer) -> int:
    """The echo engine's running requests, as ``/stats`` reports them."""
    return int((await stats(server))["engines"]["chat"]["running_requests"])


async def wait_for(predicate: Any, timeout: float = 5.0, interval: float = 0.01) -> None:  # noqa: ASYNC109
    """Poll an async predicate until it is true or ``timeout`` seconds pass."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout * UNIT
    while not await predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(interval)


def shrink_send_buffers(server: CadenceServer, size: int = 4096) -> None:
    """Small kernel send buffers for sockets accepted from now on (Linux
    copies them from the listening socket), so a stalled reader backs up fast."""
    for sock in server._server.sockets if server._server else ():
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
