"""The running turn of one connection: its frames, its end, its history.

Every way a turn can end goes through :meth:`TurnLedger._end`, which emits
exactly one terminal frame, records history (guarantee 5) and forgets the
turn, so nothing with its ``request_id`` can follow (guarantee 1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from cadence.generation import Delta, Usage
from cadence.protocol import encode
from cadence.protocol.codes import CancelReason, ErrorCode
from cadence.session.history import trim_history
from cadence.session.state import HistoryEntry, Session
from cadence.turns.effects import AbortTurn, Effect, SendFrame, SendToken, TurnEnded
from cadence.turns.turn import Turn, TurnEvent, TurnPhase

Counter = Callable[[str], int]
# Globals are cheaper than enum attributes (~1k instructions each on 3.11).
_STREAMING = TurnPhase.STREAMING
_TOKEN, _FINISH = TurnEvent.TOKEN, TurnEvent.FINISH


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000.0, 3)


class TurnLedger:
    """Holds the current turn and turns engine events into frames."""

    def __init__(self, effects: list[Effect], count_tokens: Counter, history_budget: tuple[int, int]) -> None:
        self._effects = effects
        self._count = count_tokens
        self._history_max, self._retention_pct = history_budget
        self.turn: Turn | None = None
        self.session: Session | None = None
        self._held_finish: Delta | None = None

    def begin(self, turn: Turn, session: Session) -> None:
        """Make ``turn`` the running turn; a previous one must be ended first."""
        assert self.turn is None, "a turn is already running"
        self.turn = turn
        self.session = session
        self._held_finish = None

    def current(self, request_id: str) -> Turn | None:
        """The running turn if it has this id (events for others are stale)."""
        turn = self.turn
        return turn if turn is not None and turn.request_id == request_id else None

    def toolcall(
        self, turn: Turn, status: Literal["yes", "no"], score: float,
        raw: list[tuple[str, float]], now: float,
    ) -> None:
        """Send the toolcall frame, then release held text or finish."""
        turn.advance(TurnEvent.TOOLCALL)
        turn.tool_ms = _ms(turn.started_at, now)
        turn.looked = turn.looked or status == "yes"
        self._effects.append(
            SendFrame(encode.toolcall_frame(turn.session_id, turn.request_id, status, raw, score))
        )
        if not turn.runs_chat:
            self.finish(turn, Delta("", "stop", Usage(0, 0)), now)
            return
        held, turn.held = turn.held, []
        for text in held:
            self._emit(turn, text, now)
        if self._held_finish is not None:
            self.finish(turn, self._held_finish, now)

    def discard_held(self, turn: Turn) -> None:
        """Forget text held before the tool decision (the chat restarts)."""
        turn.held.clear()
        self._held_finish = None

    def stream(self, request_id: str, text: str) -> str | None:
        """The per-token path: text (no finish) for a turn that already
        streams goes through its filter and is recorded as sent. Returns the
        text the caller must send now as one ``token`` frame ("" when nothing
        is due: held by the filter, or a stale ``request_id``), or ``None``
        when the turn does not stream yet or effects are pending (use
        :meth:`delta` through the core, which keeps frames in order)."""
        turn = self.turn
        if turn is None or turn.request_id != request_id:
            return ""
        if turn.phase is not _STREAMING or self._effects:
            return None
        if text:
            turn.raw.append(text)
            text = turn.text_filter.feed(text)
            if text:
                turn.sent.append(text)
        return text

    def delta(self, turn: Turn, delta: Delta, now: float) -> None:
        """Feed engine output; hold it while the toolcall is pending."""
        text = delta.text
        if turn.phase is _STREAMING:
            # The per-token path: _emit() and _send_token() inlined for a
            # turn that already streams (no phase change, TTFT known).
            if text:
                turn.raw.append(text)
                out = turn.text_filter.feed(text)
                if out:
                    turn.sent.append(out)
                    effects = self._effects
                    if effects:
                        self._merge_token(turn, out)
                    else:
                        effects.append(SendToken(turn.session_id, turn.request_id, out))
        elif turn.awaiting_toolcall:
            if text:
                turn.held.append(text)
            if delta.finish_reason is not None:
                self._held_finish = delta
            return
        elif text:
            self._emit(turn, text, now)
        if delta.finish_reason is not None:
            self.finish(turn, delta, now)

    def _emit(self, turn: Turn, text: str, now: float) -> None:
        turn.raw.append(text)
        out = turn.text_filter.feed(text)
        if out:
            self._send_token(turn, out, now)

    def _send_token(self, turn: Turn, text: str, now: float) -> None:
        # STREAMING + TOKEN stays STREAMING, so only the first token of a
        # turn needs the phase table (and TTFT).
        if turn.phase is not _STREAMING:
            if turn.ttft_ms is None:
                turn.ttft_ms = _ms(turn.started_at, now)
            turn.advance(_TOKEN)
        turn.sent.append(text)
        self._merge_token(turn, text)

    def _merge_token(self, turn: Turn, text: str) -> None:
        """Queue ``text``; text that is ready together leaves as one frame."""
        effects = self._effects
        last = effects[-1] if effects else None
        if type(last) is SendToken and last.request_id == turn.request_id:
            effects[-1] = SendToken(turn.session_id, turn.request_id, last.text + text)
        else:
            effects.append(SendToken(turn.session_id, turn.request_id, text))

    def finish(self, turn: Turn, delta: Delta, now: float) -> None:
        """End ``turn`` with ``done``."""
        tail = turn.text_filter.flush()
        if tail:
            self._send_token(turn, tail, now)
        usage = delta.usage or Usage(turn.prompt_tokens, 0)
        turn.advance(_FINISH)
        payload = encode.done_frame(
            turn.session_id,
            turn.request_id,
            text=turn.sent_text(),
            finish_reason=delta.finish_reason or "stop",
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cached_prompt_tokens=usage.cached_prompt_tokens,
            tool_ms=turn.tool_ms,
            ttft_ms=turn.ttft_ms,
            total_ms=_ms(turn.started_at, now),
            truncated=turn.truncated,
        )
        self._effects.append(SendFrame(payload))
        self._end(turn, "done", usage, now)

    def cancel(self, reason: CancelReason, now: float, *, notify: bool = True) -> None:
        """End the running turn (if any) with ``cancelled``; abort its work.

        ``notify`` is false on disconnect: nothing can be sent any more.
        """
        turn = self.turn
        if turn is None:
            return
        turn.advance(TurnEvent.CANCEL)
        if notify:
            frame = encode.cancelled_frame(
                turn.session_id, turn.request_id, reason, turn.sent_text(), True
            )
            self._effects.append(SendFrame(frame))
        self._effects.append(AbortTurn(turn.request_id))
        self._end(turn, f"cancelled:{reason}", None, now)

    def fail(self, turn: Turn, code: ErrorCode, message: str, now: float) -> None:
        """End ``turn`` with a turn-ending error and abort its work."""
        turn.advance(TurnEvent.FAIL)
        self._effects.append(
            SendFrame(encode.error_frame(turn.session_id, turn.request_id, code, message, {}))
        )
        self._effects.append(AbortTurn(turn.request_id))
        self._end(turn, f"error:{code}", None, now)

    def _end(self, turn: Turn, outcome: str, usage: Usage | None, now: float) -> None:
        self._record_history(turn, now)
        self.turn = None
        self._held_finish = None
        self._effects.append(
            TurnEnded(
                session_id=turn.session_id,
                request_id=turn.request_id,
                outcome=outcome,
                total_ms=_ms(turn.started_at, now),
                ttft_ms=turn.ttft_ms,
                tool_ms=turn.tool_ms,
                prompt_tokens=usage.prompt_tokens if usage else turn.prompt_tokens,
                completion_tokens=usage.completion_tokens if usage else 0,
                sent_chars=sum(map(len, turn.sent)),
            )
        )

    def _record_history(self, turn: Turn, now: float) -> None:
        """Append the turn to its session's history; the turn's end is the
        session's latest activity (its TTL counts from there once detached)."""
        session = self.session
        if session is None:
            return
        session.last_active = now
        history = session.history
        history.append(HistoryEntry("user", turn.user_text, self._count(turn.user_text), turn.looked))
        reply = turn.delivered_raw()
        if reply:
            history.append(HistoryEntry("assistant", reply, self._count(reply)))
        session.history = trim_history(history, self._history_max, self._retention_pct)


__all__ = ["TurnLedger"]
