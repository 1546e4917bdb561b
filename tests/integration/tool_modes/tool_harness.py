"""Servers in tool/both mode: a scripted tool router, or the real classifier."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from harness import make_settings

from cadence.engines.echo import EchoConfig, EchoEngine
from cadence.serve import core_config, sanitizer_factory
from cadence.server.app import CadenceServer


@dataclasses.dataclass(frozen=True)
class Verdict:
    status: Literal["yes", "no"]
    score: float
    raw: list[dict[str, str | float]]


@dataclasses.dataclass
class ScriptedTool:
    """Says yes when the utterance contains "screen"; records every call."""

    delay_s: float = 0.0
    calls: list[tuple[tuple[str, ...], str]] = dataclasses.field(default_factory=list)
    looks: list[tuple[bool, ...]] = dataclasses.field(default_factory=list)

    async def start(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    def stats(self) -> object:
        return {}

    async def classify(self, user_turns: Sequence[str], utterance: str,
                       looked: Sequence[bool] = ()) -> Verdict:
        self.calls.append((tuple(user_turns), utterance))
        self.looks.append(tuple(looked))
        await asyncio.sleep(self.delay_s)
        if "screen" in utterance.lower():
            return Verdict("yes", 0.97, [{"name": "take_screenshot", "score": 0.97}])
        return Verdict("no", 0.03, [])


@asynccontextmanager
async def tool_server(mode: str, tool: Any, *, tokens_per_second: float = 0,
                      sanitize: bool = True) -> AsyncIterator[CadenceServer]:
    settings = make_settings(mode=mode, echo={"tokens_per_second": tokens_per_second,
                                              "reply_tokens": 8})
    config = core_config(settings)
    if not sanitize:
        config = dataclasses.replace(config, sanitize_output=False)
    else:
        config = dataclasses.replace(config, make_sanitizer=sanitizer_factory(settings))
    engine = EchoEngine(EchoConfig(tokens_per_second, 8)) if settings.has_chat else None
    server = CadenceServer(settings, config, engine, tool)
    await server.start()
    try:
        yield server
    finally:
        await server.aclose()
