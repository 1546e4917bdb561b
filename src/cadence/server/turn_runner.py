"""Running one turn: the tool decision and the chat generation.

A runner is a task owned by its connection. It reports everything to the
connection core through ``feed``; the core decides what reaches the client
and ignores reports for turns that already ended. Whatever way the task
ends (finished, cancelled, timed out, failed), the engine request is
aborted in ``finally``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from cadence.engines.base import ChatEngine, EngineError, GenerationRequest
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import TurnSpec

log = logging.getLogger("cadence.turns")

Feed = Callable[[Callable[[float], None]], None]


class ToolVerdict(Protocol):
    """What a tool classifier returns."""

    status: Literal["yes", "no"]
    score: float
    raw: Sequence[tuple[str, float]]


class ToolRouter(Protocol):
    """The tool classifier as the turn runner sees it."""

    async def classify(self, user_turns: Sequence[str], utterance: str) -> ToolVerdict:
        """Decide; never raises for a timeout (falls back to "no")."""
        ...


class TurnRunner:
    """Runs turns for one connection; ids sent to the engine are unique."""

    def __init__(
        self, core: ConnectionCore, chat: ChatEngine | None, tool: ToolRouter | None, feed: Feed
    ) -> None:
        self._core = core
        self._chat = chat
        self._tool = tool
        self._feed = feed
        self._serial = itertools.count(1)

    async def run(self, spec: TurnSpec) -> None:
        """Run ``spec`` to its end; safe to cancel at any point."""
        rid = spec.request_id
        try:
            async with asyncio.timeout_at(spec.deadline):
                await self._run(spec)
        except TimeoutError:
            self._feed(lambda now: self._core.turn_timed_out(rid, now))
        except EngineError as exc:
            log.warning("engine failed request %s: %s", rid, exc)
            message = "the chat engine failed this request"
            self._feed(lambda now: self._core.engine_failed(rid, message, now))

    async def _run(self, spec: TurnSpec) -> None:
        if spec.tool_utterance is None or self._tool is None:
            if spec.prompt is not None:
                await self._stream(spec, spec.prompt)
            return
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
        verdict = await self._tool.classify(spec.tool_history, spec.tool_utterance)
        if release:
            self._report_toolcall(spec, verdict)
        return verdict

    def _report_toolcall(self, spec: TurnSpec, verdict: ToolVerdict) -> None:
        rid = spec.request_id
        raw = list(verdict.raw)
        self._feed(lambda now: self._core.toolcall(rid, verdict.status, verdict.score, raw, now))

    async def _stream(self, spec: TurnSpec, prompt: str) -> None:
        assert self._chat is not None
        engine = self._chat
        engine_id = f"{self._core.id}-{next(self._serial)}"
        request = GenerationRequest(engine_id, prompt, spec.sampling)
        rid = spec.request_id
        core = self._core
        try:
            async for delta in engine.generate(request):
                self._feed(lambda now, d=delta: core.engine_delta(rid, d, now))  # type: ignore[misc]
        finally:
            await engine.abort(engine_id)


__all__ = ["ToolRouter", "ToolVerdict", "TurnRunner"]
