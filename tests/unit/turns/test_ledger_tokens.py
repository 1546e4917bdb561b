"""The ledger's token path: text that is ready together leaves as one frame."""

from __future__ import annotations

import orjson

from cadence.engines.base import Delta, Usage
from cadence.protocol.frames import Sampling
from cadence.session.state import Persona, Session
from cadence.turns.effects import Effect, SendFrame, SendToken, TurnEnded
from cadence.turns.filters import Passthrough
from cadence.turns.ledger import TurnLedger
from cadence.turns.turn import Turn, TurnPhase


class HoldLast:
    """A filter that holds back the last chunk until flushed (like a sanitizer)."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, chunk: str) -> str:
        out, self._held = self._held, chunk
        return out

    def flush(self) -> str:
        out, self._held = self._held, ""
        return out

    @property
    def pending_raw_chars(self) -> int:
        return len(self._held)


def _ledger(*, toolcall: bool = False, text_filter: object = None) -> tuple[TurnLedger, list[Effect], Turn]:
    effects: list[Effect] = []
    ledger = TurnLedger(effects, lambda text: len(text.split()), (1000, 66))
    turn = Turn(
        session_id="s1", request_id="r1", user_text="hi", truncated=False, started_at=0.0,
        text_filter=text_filter or Passthrough(),  # type: ignore[arg-type]
        wants_toolcall=toolcall, runs_chat=True,
    )
    ledger.begin(turn, Session("s1", Persona(), [], Sampling(), 0.0))
    return ledger, effects, turn


def _tokens(effects: list[Effect]) -> list[str]:
    return [effect.text for effect in effects if isinstance(effect, SendToken)]


def _done_text(effects: list[Effect]) -> str:
    frames = [orjson.loads(e.data) for e in effects if isinstance(e, SendFrame)]
    done = [frame for frame in frames if frame["type"] == "done"]
    assert len(done) == 1, frames
    return str(done[0]["payload"]["text"])


def test_one_token_per_delta_and_ttft_once() -> None:
    ledger, effects, turn = _ledger()
    ledger.delta(turn, Delta("a"), 0.010)
    assert _tokens(effects) == ["a"] and turn.ttft_ms == 10.0 and turn.phase is TurnPhase.STREAMING
    effects.clear()  # the I/O layer drains after every event
    ledger.delta(turn, Delta(" b"), 0.020)
    assert _tokens(effects) == [" b"] and turn.ttft_ms == 10.0
    effects.clear()
    ledger.delta(turn, Delta(" c", "stop", Usage(1, 3)), 0.030)
    assert _tokens(effects) == [" c"]
    assert _done_text(effects) == "a b c" and turn.sent == ["a", " b", " c"]
    assert isinstance(effects[-1], TurnEnded)


def test_text_held_for_the_toolcall_is_released_as_one_frame() -> None:
    ledger, effects, turn = _ledger(toolcall=True)
    for text in ("one", " two", " three"):
        ledger.delta(turn, Delta(text), 0.0)
    assert effects == []
    ledger.toolcall(turn, "no", 0.1, [], 0.05)
    kinds = [orjson.loads(e.data)["type"] if isinstance(e, SendFrame) else type(e).__name__ for e in effects]
    assert kinds == ["toolcall", "SendToken"]
    assert _tokens(effects) == ["one two three"]
    assert turn.sent_text() == "one two three" and turn.ttft_ms == 50.0


def test_a_flushed_tail_joins_the_last_token_in_one_frame() -> None:
    ledger, effects, turn = _ledger(text_filter=HoldLast())
    ledger.delta(turn, Delta("a"), 0.0)
    assert _tokens(effects) == []
    ledger.delta(turn, Delta(" b", "stop", Usage(1, 2)), 0.0)
    assert _tokens(effects) == ["a b"]  # "a" released, " b" flushed: one frame
    assert _done_text(effects) == "a b" == turn.sent_text()


def test_tokens_of_another_turn_are_never_merged() -> None:
    ledger, effects, _ = _ledger()
    effects.append(SendToken("s1", "r0", "old"))
    turn = ledger.turn
    assert turn is not None
    ledger.delta(turn, Delta("new"), 0.0)
    assert [(e.request_id, e.text) for e in effects if isinstance(e, SendToken)] == [("r0", "old"), ("r1", "new")]
