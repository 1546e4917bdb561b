"""Routing frames by request_id: stale frames of older turns never leak in.

These drive the pure core (router + turn mailboxes) without a socket.
"""

from __future__ import annotations

import asyncio

import pytest

from cadence.client import (
    AckFrame,
    CancelledFrame,
    DoneFrame,
    ErrorFrame,
    FrameError,
    Outcome,
    PongFrame,
    ServerTimings,
    TokenFrame,
    ToolcallFrame,
    Turn,
    TurnTimeout,
    Usage,
)
from cadence.client.router import FrameRouter, Route
from cadence.client.turn import TRANSITIONS, TurnState, transition


def tok(rid: str, text: str) -> TokenFrame:
    return TokenFrame("s", rid, text)


def done(rid: str, text: str) -> DoneFrame:
    return DoneFrame("s", rid, text, "stop", Usage(3, 2, 0, 5), ServerTimings())


def deliver(router: FrameRouter, frame: TokenFrame | DoneFrame | CancelledFrame | ErrorFrame | PongFrame,
            now: float = 0.0) -> Route:
    route, turn = router.route(frame)
    if turn is not None and turn.feed(frame, now):
        router.finish(turn.request_id)
    return route


async def test_frames_of_a_finished_turn_are_late_and_dropped() -> None:
    router = FrameRouter()
    first = Turn("r1", "message", 0.0, None)
    router.add_turn(first)
    assert deliver(router, tok("r1", "a")) is Route.TURN
    assert deliver(router, done("r1", "a")) is Route.TURN
    second = Turn("r2", "message", 0.0, None)
    router.add_turn(second)
    assert deliver(router, tok("r1", " stale")) is Route.LATE
    assert deliver(router, tok("r2", "b")) is Route.TURN
    assert deliver(router, tok("old-connection", "x")) is Route.STALE
    assert deliver(router, done("r2", "b")) is Route.TURN
    assert (await first.result()).text == "a"
    assert (await second.result()).text == "b"
    assert router.stats.late_frames == 1 and router.stats.stale_frames == 1
    assert [f.request_id for f in router.stats.unclaimed] == ["old-connection"]


async def test_barge_in_each_turn_gets_only_its_own_frames() -> None:
    router = FrameRouter()
    old, new = Turn("r1", "message", 0.0, None), Turn("r2", "message", 0.0, None)
    router.add_turn(old)
    deliver(router, tok("r1", "one"))
    router.add_turn(new)
    deliver(router, CancelledFrame("s", "r1", "barge_in", "one"))
    deliver(router, tok("r2", "two"))
    deliver(router, done("r2", "two"))
    frames = [f async for f in new]
    assert [f.type for f in frames] == ["token", "done"]
    old_result = await old.result()
    assert old_result.outcome is Outcome.CANCELLED and old_result.cancel_reason == "barge_in"
    assert old_result.text == "one"
    assert [f.type async for f in old] == ["token", "cancelled"]


async def test_duplicate_request_id_error_does_not_end_the_running_turn() -> None:
    router = FrameRouter()
    turn = Turn("r1", "message", 0.0, None)
    router.add_turn(turn)
    assert deliver(router, ErrorFrame("s", "r1", "duplicate_request_id")) is Route.STALE
    assert not turn.finished
    deliver(router, done("r1", ""))
    assert (await turn.result()).outcome is Outcome.DONE


async def test_control_answers_go_to_controls() -> None:
    router = FrameRouter()
    router.add_control("p1")
    assert router.route(PongFrame("s", "p1"))[0] is Route.CONTROL
    router.drop_control("p1")
    assert router.route(PongFrame("s", "p1"))[0] is Route.STALE


async def test_iteration_stops_at_the_terminal_frame() -> None:
    turn = Turn("r1", "start", 0.0, None)
    turn.feed(ToolcallFrame("s", "r1", "yes", 0.9), 0.01)
    turn.feed(tok("r1", "Hi"), 0.02)
    turn.feed(done("r1", "Hi"), 0.03)
    assert [f.type async for f in turn] == ["toolcall", "token", "done"]
    assert [f async for f in turn] == []  # a second pass ends at once
    result = await turn.result()
    assert result.ok and result.toolcall is not None and result.usage == Usage(3, 2, 0, 5)
    assert result.timings.toolcall_ms == pytest.approx(10.0)


async def test_error_rejecting_the_turn_frame_ends_the_turn() -> None:
    turn = Turn("r1", "message", 0.0, None)
    assert turn.feed(ErrorFrame("s", "r1", "invalid_sampling", "bad"), 0.1)
    result = await turn.result()
    assert result.outcome is Outcome.ERROR and result.error_code == "invalid_sampling" and not result.ok


async def test_bare_start_ends_at_ack() -> None:
    turn = Turn("r1", "start", 0.0, None, ends_at_ack=True)
    assert turn.feed(AckFrame("s", "r1", "calm", "male", 2, 30), 0.1)
    result = await turn.result()
    assert result.outcome is Outcome.ACK and result.ok and result.ack is not None


async def test_lost_connection_ends_turn_and_iteration() -> None:
    turn = Turn("r1", "message", 0.0, None)
    turn.feed(tok("r1", "par"), 0.1)
    turn.lose(1006, "", 0.2)
    assert [f.type async for f in turn] == ["token"]
    result = await turn.result()
    assert result.outcome is Outcome.DISCONNECTED and result.close == (1006, "") and result.text == "par"


async def test_silence_longer_than_the_receive_timeout_raises() -> None:
    loop = asyncio.get_running_loop()
    turn = Turn("r1", "message", loop.time(), 0.05, clock=loop.time)
    with pytest.raises(TurnTimeout):
        await turn.result()
    with pytest.raises(TimeoutError):
        async for _ in turn:
            pass


def test_transition_table() -> None:
    assert transition(TurnState.SENT, "toolcall") is TurnState.TOOLCALL
    assert transition(TurnState.TOOLCALL, "token") is TurnState.STREAMING
    assert transition(TurnState.STREAMING, "terminal") is TurnState.FINISHED
    with pytest.raises(FrameError, match="'toolcall' not allowed in state 'streaming'"):
        transition(TurnState.STREAMING, "toolcall")
    assert TRANSITIONS[TurnState.FINISHED] == {}


async def test_out_of_order_frame_is_a_violation_and_changes_nothing() -> None:
    turn = Turn("r1", "message", 0.0, None)
    turn.feed(tok("r1", "a"), 0.1)
    with pytest.raises(FrameError):
        turn.feed(ToolcallFrame("s", "r1", "no", 0.1), 0.2)
    assert turn.state is TurnState.STREAMING and turn.text == "a"
