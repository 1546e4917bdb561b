"""Engine failures and bugs end the turn with its terminal error frame."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from harness import chat_running, check_turn_frames, client, make_settings, running_server, stats

from cadence.engines.base import Delta, EngineError, GenerationRequest
from cadence.engines.echo import EchoConfig, EchoEngine


class FailingEngine(EchoEngine):
    """Echo that raises ``error`` after ``after`` deltas."""

    def __init__(self, error: Exception, after: int = 2) -> None:
        super().__init__(EchoConfig(tokens_per_second=0, reply_tokens=10))
        self._error = error
        self._after = after

    async def generate(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        count = 0
        async for delta in super().generate(request):
            if count == self._after:
                raise self._error
            count += 1
            yield delta


@pytest.mark.parametrize(
    ("error", "code"),
    [(EngineError("device lost"), "engine_error"), (RuntimeError("a bug"), "internal_error")],
)
async def test_a_failing_engine_ends_the_turn_and_the_connection_goes_on(
    error: Exception, code: str
) -> None:
    async with running_server(make_settings(), engine=FailingEngine(error)) as server, client(server) as c:
        rid = await c.start("a b c d")
        frames = await c.until_terminal(rid, timeout=3)
        check_turn_frames(frames, {rid})
        last = frames[-1]
        assert (last["type"], last["request_id"], last["payload"]["code"]) == ("error", rid, code)
        assert "bug" not in last["payload"]["message"] and "device" not in last["payload"]["message"]
        sent = "".join(f["payload"]["text"] for f in frames if f["type"] == "token")
        assert sent == "a b"
        session = server.store.get(c.session_id, 0.0)
        assert session is not None
        assert [(e.role, e.content) for e in session.history] == [("user", "a b c d"), ("assistant", sent)]
        assert await chat_running(server) == 0 and (await stats(server))["running_turns"] == 0
        await c.send("ping", request_id="p")
        assert (await c.recv())["request_id"] == "p"


class TruncatedEngine(EchoEngine):
    """Echo whose stream stops after two deltas without a finish."""

    def __init__(self) -> None:
        super().__init__(EchoConfig(tokens_per_second=0, reply_tokens=10))

    async def generate(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        count = 0
        async for delta in super().generate(request):
            if count == 2:
                return
            count += 1
            yield delta


async def test_a_stream_that_stops_without_a_finish_still_ends_the_turn() -> None:
    async with running_server(make_settings(), engine=TruncatedEngine()) as server, client(server) as c:
        rid = await c.start("a b c d")
        frames = await c.until_terminal(rid, timeout=3)
        check_turn_frames(frames, {rid})
        assert frames[-1]["payload"]["code"] == "engine_error"
        assert await chat_running(server) == 0
