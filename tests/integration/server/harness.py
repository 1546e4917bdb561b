"""Starting a real server on a free port, and a thin test client."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

from cadence.config.settings import EchoSettings, LimitSettings, ServerSettings, SessionSettings, Settings
from cadence.engines.echo import EchoConfig, EchoEngine
from cadence.server.app import CadenceServer
from cadence.turns.config import CoreConfig

API_KEY = "test-key"
TERMINAL = {"done", "cancelled", "error"}


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
    engine = EchoEngine(EchoConfig(settings.echo.tokens_per_second, settings.echo.reply_tokens))
    config = CoreConfig(
        mode=settings.mode,
        limits=settings.limits,
        sessions=settings.sessions,
        chat_timeout_s=core.pop("chat_timeout_s", settings.chat.timeout_s),
        **core,
    )
    server = CadenceServer(settings, config, engine if settings.has_chat else None)
    await server.start()
    try:
        yield server
    finally:
        await server.aclose()


def ws_url(server: CadenceServer, key: str | None = API_KEY) -> str:
    base = f"ws://127.0.0.1:{server.port}/ws"
    return base if key is None else f"{base}?api_key={key}"


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

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        data = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(data, str), "server sent a binary frame"
        frame: dict[str, Any] = orjson.loads(data)
        return frame

    async def until_terminal(self, request_id: str, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Frames up to and including ``request_id``'s terminal frame."""
        frames = []
        while True:
            frame = await self.recv(timeout)
            frames.append(frame)
            if frame["request_id"] == request_id and frame["type"] in TERMINAL:
                return frames

    async def start(self, utterance: str = "", **payload: Any) -> str:
        body = {"chat_prompt": "You are a helpful voice assistant.", **payload}
        if utterance:
            body["user_utterance"] = utterance
        return await self.send("start", body)


@asynccontextmanager
async def client(server: CadenceServer, session_id: str | None = None,
                 key: str | None = API_KEY, **kwargs: Any) -> AsyncIterator[Client]:
    async with connect(ws_url(server, key), compression=None, **kwargs) as ws:
        yield Client(ws, session_id or f"s-{uuid.uuid4().hex[:8]}")
