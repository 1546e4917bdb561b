"""Running one turn: the tool decision and the chat generation.

A runner is a task owned by its connection. It reports everything to the
connection core through ``feed``; the core decides what reaches the client
and ignores reports for turns that already ended. The turn's deadline is
kept by the connection, which cancels the task when it passes. Whatever way
the task ends (finished, cancelled, failed), the engine request is aborted
in ``finally``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, Protocol

from cadence.engines.base import ChatEngine, Delta, EngineError, GenerationRequest, WarmsPrompts
from cadence.protocol.codes import ErrorCode
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import TurnSpec

log = logging.getLogger("cadence.turns")

Feed = Callable[[Callable[[float], None]], None]
#: Feeds one engine delta of a turn to the core (the per-token path).
DeliverDelta = Callable[[str, Delta], None]


class ToolVerdict(Protocol):
    """What a tool classifier returns."""

    @property
    def status(self) -> Literal["yes", "no"]:
        """The decision."""
        ...

    @property
    def score(self) -> float:
        """Probability of the positive class."""
        ...

    @property
    def raw(self) -> Sequence[Mapping[str, str | float]]:
        """``[{"name": ..., "score": ...}]`` when yes, else ``[]``."""
        ...


class ToolRouter(Protocol):
    """The tool classifier as the turn runner sees it."""

    async def classify(self, user_turns: Sequence[str], utterance: str,
                       looked: Sequence[bool] = ()) -> ToolVerdict:
        """Decide; ``looked`` flags the earlier turns the assistant looked at
        the screen for. Never raises for a timeout (falls back to "no")."""
        ...


class ToolService(ToolRouter, Protocol):
    """A tool router with a lifecycle, owned by the server."""

    async def start(self) -> None:
        """Load and warm the model."""
        ...

    async def aclose(self) -> None:
        """Release the model and its worker. Idempotent."""
        ...

    def stats(self) -> object:
        """A dataclass snapshot of counters, shown in ``/stats``."""
        ...


class TurnRunner:
    """Runs turns for one connection; ids sent to the engine are unique."""

    def __init__(
        self,
        core: ConnectionCore,
        chat: ChatEngine | None,
        tool: ToolRouter | None,
        feed: Feed,
        deliver: DeliverDelta,
    ) -> None:
        self._core = core
        self._chat = chat
        self._tool = tool
        self._feed = feed
        self._deliver = deliver
        self._serial = itertools.count(1)

    def warm(self, prompt: str) -> None:
        """Ask the chat engine to prefill ``prompt`` if it can; never raises."""
        chat: object = self._chat  # any engine may also warm prompts
        if isinstance(chat, WarmsPrompts):
            try:
                chat.warm(prompt)
            except Exception:
                log.exception("warming a prompt failed")

    async def run(self, spec: TurnSpec) -> None:
        """Run ``spec`` to its end; safe to cancel at any point."""
        rid = spec.request_id
        turn = self._core.running_turn  # ours: whatever replaces it cancels this task
        try:
            # The deadline (spec.deadline) is the connection's timer: when it
            # fires, the core ends the turn and this task is cancelled.
            if spec.tool_utterance is None or self._tool is None:
                # Chat only, the common case: _stream() inlined, so no
                # coroutine sits between the task and the engine's stream
                # on every token.
                if spec.prompt is not None:
                    engine, request = self._request(spec, spec.prompt)
                    deliver = self._deliver
                    try:
                        async for delta in engine.generate(request):
                            deliver(rid, delta)
                    finally:
                        await engine.abort(request.request_id)
            else:
                await self._run(spec)
        except EngineError as exc:
            log.warning("engine failed request %s: %s", rid, exc)
            self._fail(rid, ErrorCode.ENGINE_ERROR, "the chat engine failed this request")
        except Exception:  # a bug: the turn still ends, with internal_error
            log.exception("turn %s failed", rid)
            self._fail(rid, ErrorCode.INTERNAL_ERROR, "internal error")
        else:
            if turn is not None and self._core.running_turn is turn:
                log.warning("engine stream of %s ended without a finish", rid)
                self._fail(rid, ErrorCode.ENGINE_ERROR, "the chat engine stopped without finishing")

    def _fail(self, rid: str, code: ErrorCode, message: str) -> None:
        self._feed(lambda now: self._core.turn_failed(rid, code, message, now))

    async def _run(self, spec: TurnSpec) -> None:
        if spec.prompt is None:
            await self._decide(spec)
            return
        chat = asyncio.create_task(self._stream(spec, spec.prompt))
        try:
            verdict = await self._decide(spec, release=False)
            if verdict.status == "yes" and spec.screen_prompt is not None:
                chat.cancel()
                await asyncio.gather(chat, return_exceptions=True)
                self._core.discard_held(spec.request_id)
                self._report_toolcall(spec, verdict)
                await self._stream(spec, spec.screen_prompt)
            else:
                self._report_toolcall(spec, verdict)
                await chat
        finally:
            if not chat.done():
                chat.cancel()
                await asyncio.gather(chat, return_exceptions=True)

    async def _decide(self, spec: TurnSpec, *, release: bool = True) -> ToolVerdict:
        assert self._tool is not None and spec.tool_utterance is not None
        verdict = await self._tool.classify(spec.tool_history, spec.tool_utterance, spec.tool_looked)
        if release:
            self._report_toolcall(spec, verdict)
        return verdict

    def _report_toolcall(self, spec: TurnSpec, verdict: ToolVerdict) -> None:
        rid = spec.request_id
        raw = [(str(item["name"]), float(item["score"])) for item in verdict.raw]
        self._feed(lambda now: self._core.toolcall(rid, verdict.status, verdict.score, raw, now))

    def _request(self, spec: TurnSpec, prompt: str) -> tuple[ChatEngine, GenerationRequest]:
        """The chat engine and a request for ``prompt`` under a fresh engine id."""
        assert self._chat is not None
        engine_id = f"{self._core.id}-{next(self._serial)}"
        return self._chat, GenerationRequest(engine_id, prompt, spec.sampling)

    async def _stream(self, spec: TurnSpec, prompt: str) -> None:
        """Stream ``prompt``'s reply to the core; the request is aborted on
        every exit (also inlined in :meth:`run`, the chat-only case)."""
        engine, request = self._request(spec, prompt)
        rid = spec.request_id
        deliver = self._deliver
        try:
            async for delta in engine.generate(request):
                deliver(rid, delta)
        finally:
            await engine.abort(request.request_id)


__all__ = ["ToolRouter", "ToolService", "ToolVerdict", "TurnRunner"]
