"""The Cadence server: wires settings, engines and connections together.

Lifecycle: :meth:`CadenceServer.start` loads the engines (``/readyz`` says
503 meanwhile) and opens the socket; :meth:`CadenceServer.drain` refuses new
work, lets running turns finish for ``DRAIN_TIMEOUT_S``, cancels the rest
and closes every connection with 1001; :meth:`CadenceServer.aclose` releases
the engines.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from websockets.http11 import Request, Response

from cadence.config.settings import Settings
from cadence.engines.base import ChatEngine, ReportsCache
from cadence.protocol.codes import CloseCode
from cadence.server.auth import AuthThrottle
from cadence.server.connection import ConnectionHandler
from cadence.server.flush import FlushScheduler
from cadence.server.handshake import Gate, Handshake
from cadence.server.outbound import Outbound
from cadence.server.turn_runner import ToolService, TurnRunner
from cadence.server.wire import WireHandler, WireLimits, WireProtocol
from cadence.session.prompt import PromptBudgets, PromptBuilder
from cadence.session.store import SessionStore
from cadence.telemetry import ConnectionRecord, build_telemetry
from cadence.turns.config import CoreConfig
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import TurnEnded

log = logging.getLogger("cadence.server")
turn_log = logging.getLogger("cadence.turns")


def _prompt_limit(chat: ChatEngine, max_out: int) -> int | None:
    """A started engine's context minus the reply room (``None``: no limit)."""
    try:
        direct = getattr(chat, "max_prompt_tokens", None)
        context = getattr(chat, "max_model_len", None)
    except Exception:  # an engine that cannot tell has no known limit
        return None
    if isinstance(direct, int):
        return direct
    return max(1, context - max_out) if isinstance(context, int) else None


def _model_name(settings: Settings) -> str:
    """The chat model's name for the GenAI attributes ("" without a chat model)."""
    if not settings.has_chat:
        return ""
    model = settings.chat.model or f"{settings.chat.engine}-default"
    return model.rstrip("/").rsplit("/", 1)[-1]


class CadenceServer:
    """One process serving ``/ws`` and the HTTP probes."""

    def __init__(
        self,
        settings: Settings,
        core_config: CoreConfig,
        chat: ChatEngine | None,
        tool: ToolService | None = None,
        max_prompt_tokens: int | None = None,
    ) -> None:
        self.settings = settings
        self._core_config = core_config
        self._chat = chat
        self._tool = tool
        self._max_prompt_tokens = max_prompt_tokens
        srv = settings.server
        self.store = SessionStore(settings.sessions.store_max, settings.sessions.ttl_s)
        self.gate = Gate(srv.api_key, srv.max_connections, AuthThrottle(srv.max_auth_failures, srv.auth_window_s))
        #: Where turns, connections and errors are reported (docs/TELEMETRY.md).
        self.telemetry = build_telemetry(settings, self._active_counts, self._cache_resets,
                                         model=_model_name(settings))
        self._handshake = Handshake(self.gate, self.stats, self.telemetry.metrics_text,
                                    metrics_public=settings.telemetry.metrics_public,
                                    on_rejected=self.telemetry.handshake_rejected)
        self.handlers: set[ConnectionHandler] = set()
        self._connections: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        #: Writes the frames of each loop step together (set by :meth:`start`).
        self.flusher: FlushScheduler | None = None
        self._prompts: PromptBuilder | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._janitor: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._limits = WireLimits(
            max_message_bytes=srv.max_message_bytes,
            write_limit_bytes=srv.write_limit_bytes,
            ping_interval_s=srv.ping_interval_s,
            ping_timeout_s=srv.ping_timeout_s,
        )

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Open the socket, then load and warm the engines.

        The socket opens first so ``/healthz`` and ``/readyz`` answer while
        models load. Raises the engine's error if loading fails.
        """
        srv = self.settings.server
        limits = self._limits
        loop = asyncio.get_running_loop()
        began = loop.time()
        flusher = self.flusher = FlushScheduler(loop)
        self._server = await loop.create_server(
            lambda: WireProtocol(self, limits, flusher), srv.host, srv.port
        )
        self.gate.not_ready = {}
        if self._chat is not None:
            self.gate.not_ready["chat"] = f"loading the {self._chat.name} engine"
        if self._tool is not None:
            self.gate.not_ready["tool"] = "loading the tool classifier"
        if self._tool is not None:
            await self._tool.start()
            del self.gate.not_ready["tool"]
        if self._chat is not None:
            await self._chat.start()
            sessions = self.settings.sessions
            limit = self._max_prompt_tokens or _prompt_limit(self._chat, sessions.chat_max_out)
            budgets = PromptBudgets(sessions.chat_prompt_max_tokens, sessions.user_utt_max_tokens, limit)
            self._prompts = PromptBuilder(self._chat.tokenizer, budgets)
        self.gate.not_ready = {}
        self.telemetry.startup_finished(loop.time() - began)
        self._sweeper = asyncio.create_task(self._sweep_sessions())
        janitor = getattr(self._chat, "reset_prefix_cache_when_idle", None)
        interval = self.settings.chat.cache_reset_interval_s
        if janitor is not None and interval > 0:
            self._janitor = asyncio.create_task(janitor(interval))
        log.info("serving on %s:%d (mode=%s)", srv.host, self.port, self.settings.mode)

    async def _sweep_sessions(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(30)
            self.store.sweep(loop.time())

    # -- WireOpener: the opening handshake and new connections ---------------

    def process_request(self, wire: WireProtocol, request: Request) -> Response | None:
        """HTTP routes and the ``/ws`` checks (see :class:`Handshake`)."""
        return self._handshake.process_request(wire, request)

    def process_response(self, wire: WireProtocol, request: Request, response: Response) -> None:
        """Free the connection slot when the upgrade did not happen."""
        self._handshake.process_response(wire, request, response)

    def opened(self, wire: WireProtocol) -> WireHandler:
        """Build the handler of a new connection and the task that owns it."""
        loop = asyncio.get_running_loop()
        srv = self.settings.server
        core = ConnectionCore(self._core_config, self.store, self._prompts, loop.time())
        if self.gate.draining:
            core.start_draining()
        outbound = Outbound(wire, send_timeout_s=srv.send_timeout_s)
        record = self.telemetry.connection_opened(core.id, max(0.0, loop.time() - wire.connected_at))
        handler = ConnectionHandler(
            wire, core, outbound,
            lambda c, feed, deliver: TurnRunner(c, self._chat, self._tool, feed, deliver),
            srv.idle_timeout_s,
            lambda ended: self._turn_ended(ended, record),
            self.telemetry.frame_rejected,
        )
        self.handlers.add(handler)
        task = loop.create_task(self._serve(wire, handler, record))
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)
        return handler

    async def _serve(self, wire: WireProtocol, handler: ConnectionHandler, record: ConnectionRecord) -> None:
        try:
            await handler.run()
        finally:
            self.handlers.discard(handler)
            self.gate.release(wire)
            self._changed.set()
            self.telemetry.connection_closed(record, idle_timeout=handler.close_code == CloseCode.IDLE_TIMEOUT)

    def _active_counts(self) -> tuple[int, int]:
        return len(self.handlers), self.running_turns()

    def _cache_resets(self) -> int:
        resets = getattr(self._chat, "cache_resets", None)
        return int(getattr(resets, "succeeded", 0))

    def _turn_ended(self, ended: TurnEnded, record: ConnectionRecord) -> None:
        self.telemetry.turn_ended(ended, record, record.connection_id)
        self._changed.set()
        turn_log.info(
            "turn session=%s request=%s outcome=%s ttft_ms=%s tool_ms=%s total_ms=%.1f "
            "prompt_tokens=%d completion_tokens=%d",
            ended.session_id, ended.request_id, ended.outcome, ended.ttft_ms, ended.tool_ms,
            ended.total_ms, ended.prompt_tokens, ended.completion_tokens,
        )

    def running_turns(self) -> int:
        """Turns running on all connections."""
        return sum(1 for handler in self.handlers if handler.core.running_turn is not None)

    def stats(self) -> dict[str, object]:
        """The ``/stats`` body."""
        attached, detached = self.store.counts(asyncio.get_running_loop().time())
        engines: dict[str, object] = {}
        if self._chat is not None:
            chat: dict[str, object] = {"engine": self._chat.name,
                                       "running_requests": self._chat.running_requests()}
            if isinstance(self._chat, ReportsCache):
                chat["prefix_cache"] = dict(self._chat.cache_stats())
            engines["chat"] = chat
        if self._tool is not None:
            tool_stats = self._tool.stats()
            engines["tool"] = (
                dataclasses.asdict(tool_stats) if dataclasses.is_dataclass(tool_stats)
                and not isinstance(tool_stats, type) else {}
            )
        return {
            "connections": len(self.handlers),
            "sessions": {"attached": attached, "detached": detached},
            "running_turns": self.running_turns(),
            "engines": engines,
            "draining": self.gate.draining,
        }

    async def drain(self) -> None:
        """Graceful shutdown of connections (see the module docstring)."""
        self.gate.draining = True
        for handler in list(self.handlers):
            handler.core.start_draining()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.server.drain_timeout_s
        await self._wait_until(lambda: self.running_turns() == 0, deadline)
        for handler in list(self.handlers):
            handler.feed(handler.core.shutdown)
        await self._wait_until(lambda: not self.handlers, deadline + 10)

    async def _wait_until(self, condition: Callable[[], bool], deadline: float) -> None:
        """Wait for ``condition``, re-checked whenever a turn or connection ends."""
        while not condition():
            self._changed.clear()
            try:
                async with asyncio.timeout_at(deadline):
                    await self._changed.wait()
            except TimeoutError:
                return

    async def _close_connections(self) -> None:
        """Close what is still open with 1001; cut what does not finish."""
        for handler in list(self.handlers):
            handler.close(int(CloseCode.GOING_AWAY), "server shutting down")
        tasks = list(self._connections)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self._limits.close_timeout_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Stop serving and release engines. Idempotent."""
        for task in (self._sweeper, self._janitor):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._sweeper = self._janitor = None
        if self._server is not None:
            self._server.close()
            await self._close_connections()
            await self._server.wait_closed()
            self._server = None
        if self._chat is not None:
            await self._chat.aclose()
        if self._tool is not None:
            await self._tool.aclose()

    async def flush_telemetry(self, timeout_s: float) -> None:
        """Send pending spans, metrics and error events (each export within
        ``timeout_s``), off the event loop. Call once, at shutdown."""
        await asyncio.to_thread(self.telemetry.shutdown, timeout_s)


__all__ = ["CadenceServer"]
