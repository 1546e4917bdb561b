"""The turn phase table, driven directly, and the rolling window."""

from __future__ import annotations

import itertools

import pytest

from cadence.turns.filters import Passthrough
from cadence.turns.ratelimit import RollingWindow
from cadence.turns.turn import TRANSITIONS, Turn, TurnEvent, TurnPhase, TurnTransitionError


def _turn(phase: TurnPhase = TurnPhase.STARTED, wants_toolcall: bool = False) -> Turn:
    return Turn("s", "r", "hi", False, 0.0, Passthrough(), wants_toolcall, True, phase=phase)


@pytest.mark.parametrize(("phase", "event"), list(itertools.product(TurnPhase, TurnEvent)))
def test_every_phase_and_event(phase: TurnPhase, event: TurnEvent) -> None:
    turn = _turn(phase)
    allowed = TRANSITIONS[phase]
    if event in allowed:
        turn.advance(event)
        assert turn.phase is allowed[event]
    else:
        with pytest.raises(TurnTransitionError) as info:
            turn.advance(event)
        assert (info.value.event, info.value.phase) == (event, phase)
        assert str(event) in str(info.value) and str(phase) in str(info.value)
        assert turn.phase is phase


def test_table_shape() -> None:
    assert TRANSITIONS[TurnPhase.ENDED] == {}
    for phase in (TurnPhase.STARTED, TurnPhase.TOOLED, TurnPhase.STREAMING):
        for ending in (TurnEvent.FINISH, TurnEvent.CANCEL, TurnEvent.FAIL):
            assert TRANSITIONS[phase][ending] is TurnPhase.ENDED
    assert TurnEvent.TOOLCALL not in TRANSITIONS[TurnPhase.STREAMING]  # toolcall never after tokens
    assert TurnEvent.TOOLCALL not in TRANSITIONS[TurnPhase.TOOLED]  # at most one toolcall


@pytest.mark.parametrize(
    "events",
    [
        [TurnEvent.FINISH],
        [TurnEvent.CANCEL],
        [TurnEvent.TOKEN, TurnEvent.TOKEN, TurnEvent.FAIL],
        [TurnEvent.TOOLCALL, TurnEvent.FINISH],
        [TurnEvent.TOOLCALL, TurnEvent.TOKEN, TurnEvent.TOKEN, TurnEvent.CANCEL],
    ],
)
def test_paths_to_the_end(events: list[TurnEvent]) -> None:
    turn = _turn()
    for event in events:
        assert not turn.ended
        turn.advance(event)
    assert turn.ended
    for event in TurnEvent:  # nothing moves an ended turn
        with pytest.raises(TurnTransitionError):
            turn.advance(event)


def test_awaiting_toolcall_only_before_the_decision() -> None:
    turn = _turn(wants_toolcall=True)
    before = turn.awaiting_toolcall
    turn.advance(TurnEvent.TOOLCALL)
    assert (before, turn.awaiting_toolcall, _turn().awaiting_toolcall) == (True, False, False)


def test_sent_text_and_delivered_raw() -> None:
    turn = _turn()
    turn.sent += ["a", " b"]
    turn.raw += ["a", " b"]
    assert turn.sent_text() == "a b" and turn.delivered_raw() == "a b"


class _Holding(Passthrough):
    @property
    def pending_raw_chars(self) -> int:
        return 2


def test_delivered_raw_excludes_held_back_text() -> None:
    turn = Turn("s", "r", "hi", False, 0.0, _Holding(), False, True)
    turn.raw += ["abc", "de"]
    assert turn.delivered_raw() == "abc"


def test_rolling_window_limits_and_expires() -> None:
    window = RollingWindow(2, 10.0)
    assert window.retry_after(0.0) == 0.0
    window.record(0.0)
    window.record(1.0)
    assert window.retry_after(2.0) == pytest.approx(8.0)
    assert window.count(2.0) == 2
    assert window.retry_after(10.0) == 0.0  # the event at 0.0 just left: one slot is free
    assert window.count(10.0) == 1
    assert window.retry_after(11.0) == 0.0 and window.count(11.0) == 0


@pytest.mark.parametrize(("limit", "window_s"), [(0, 10.0), (3, 0.0)])
def test_rolling_window_disabled(limit: int, window_s: float) -> None:
    window = RollingWindow(limit, window_s)
    for tick in range(100):
        assert window.retry_after(float(tick) / 100) == 0.0
        window.record(float(tick) / 100)
    assert window.count(1.0) == 0
