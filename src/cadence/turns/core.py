"""The sans-I/O core of one connection.

Feed it events (a text frame, an engine delta, a tool decision, a timeout, a
disconnect), each with the current monotonic time, then :meth:`drain` the
effects to carry out. It never awaits, never reads a clock and never touches
a socket. Frames are checked in the order of PROTOCOL.md section 3; a
rejected frame has no effect beyond its error frame.

A failure inside the core is a bug: the I/O layer calls
:meth:`ConnectionCore.fail_internal`, which locks the core.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Literal

from cadence.generation import Delta
from cadence.protocol import encode
from cadence.protocol.codes import ABUSE_ERRORS, CancelReason, CloseCode, ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import (
    CancelPayload,
    ClientFrame,
    FollowupPayload,
    FrameType,
    MessagePayload,
    StartPayload,
)
from cadence.session.history import carry_looks
from cadence.session.prompt import PromptBuilder
from cadence.session.state import Session
from cadence.session.store import SessionStore
from cadence.turns.admission import Admission, TurnPlan, ack_frame
from cadence.turns.checks import FrameChecks
from cadence.turns.config import CoreConfig
from cadence.turns.effects import ClientCancelled, CloseConnection, Effect, SendFrame, StartTurn, WarmPrompt
from cadence.turns.ledger import TurnLedger
from cadence.turns.ratelimit import RollingWindow
from cadence.turns.starting import plan_turn
from cadence.turns.turn import Turn

_START, _MESSAGE, _FOLLOWUP = FrameType.START, FrameType.MESSAGE, FrameType.FOLLOWUP
_PING, _PONG, _CANCEL = FrameType.PING, FrameType.PONG, FrameType.CANCEL
_BARGE_IN = CancelReason.BARGE_IN


class ConnectionCore:
    """Protocol and turn logic of one WebSocket connection."""

    def __init__(
        self, config: CoreConfig, store: SessionStore, prompts: PromptBuilder | None, now: float
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self._config = config
        self._store = store
        self._admission = Admission(config, store, prompts)
        self._effects: list[Effect] = []
        sessions = config.sessions
        self._ledger = TurnLedger(
            self._effects,
            self._admission.count,
            (sessions.history_max_tokens, sessions.history_retention_pct),
        )
        limits = config.limits
        self._messages = RollingWindow(limits.max_messages, limits.message_window_s)
        self._cancels = RollingWindow(limits.max_cancels, limits.cancel_window_s)
        self._invalid = RollingWindow(limits.max_invalid, limits.message_window_s)
        self._checks = FrameChecks(config.payload_limits)
        #: The per-token path, without effects: :meth:`TurnLedger.stream`
        #: itself (one call less per token); ``None`` means "use
        #: :meth:`engine_delta`".
        self.stream_text: Callable[[str, str], str | None] = self._ledger.stream
        self.closed = False
        self.last_activity = now
        #: The session this connection is bound to (by its first valid
        #: envelope; it never changes after). An attribute, not a property:
        #: the per-token path reads it.
        self.session_id: str | None = None
        #: Called when effects appear outside a feed call (a takeover).
        self.on_wakeup: Callable[[], None] | None = None

    # -- state the I/O layer reads -------------------------------------------------

    @property
    def running_turn(self) -> Turn | None:
        """The running turn, if any."""
        return self._ledger.turn

    def drain(self) -> list[Effect]:
        """Return and clear the pending effects, oldest first."""
        effects = self._effects[:]
        self._effects.clear()
        return effects

    # -- client frames ---------------------------------------------------------------

    def receive_binary(self, now: float) -> None:
        """A binary frame arrived: answer ``invalid_message``."""
        self._guarded_receive(b"", now)

    def receive_text(self, data: str, now: float) -> None:
        """A text frame arrived."""
        self._guarded_receive(data, now)

    def _guarded_receive(self, data: str | bytes, now: float) -> None:
        if self.closed:
            return
        try:
            turn = self._ledger.turn
            frame = self._checks.validate(data, turn.request_id if turn else None)
            self.session_id = self._checks.bound
            self._dispatch(frame, now)
        except ProtocolError as exc:
            self.session_id = self._checks.bound
            self._reject(exc, now)

    def _reject(self, exc: ProtocolError, now: float) -> None:
        self._effects.append(SendFrame(encode.error_from(exc), exc.code))
        if exc.code not in ABUSE_ERRORS or self._config.limits.max_invalid <= 0:
            return
        self._invalid.record(now)
        if self._invalid.count(now) > self._config.limits.max_invalid:
            # After the error: end the running turn (frame, abort, history).
            self._ledger.cancel(CancelReason.POLICY_VIOLATION, now)
            self._close(CloseCode.POLICY_VIOLATION, "too many invalid frames", now)

    def _dispatch(self, frame: ClientFrame, now: float) -> None:
        kind = frame.type  # module-level aliases: an enum attribute costs ~1k instructions
        if kind is _START:
            assert isinstance(frame.payload, StartPayload)
            self._on_start(frame, frame.payload, now)
        elif kind is _MESSAGE or kind is _FOLLOWUP:
            self._on_turn_frame(frame, now)
        elif kind is _PING:
            self.last_activity = now
            self._effects.append(SendFrame(encode.pong_frame(frame.session_id, frame.request_id)))
        elif kind is _PONG:
            self.last_activity = now
        elif kind is _CANCEL:
            self._on_cancel(frame, now)
        else:
            self._on_end(frame, now)

    def _admit(self, frame: ClientFrame, window: RollingWindow, now: float) -> None:
        self._checks.admit(frame, window, now)
        self.last_activity = now

    def _on_start(self, frame: ClientFrame, payload: StartPayload, now: float) -> None:
        plan = self._admission.plan_start(frame, payload)
        self._admit(frame, self._messages, now)
        old = self._store.claim(frame.session_id, self, now)
        self._ledger.cancel(_BARGE_IN, now)
        if old is not None and plan.history:
            carry_looks(old.history, plan.history)  # the tool's memory survives a re-sent history
        session = Session(frame.session_id, plan.persona, plan.history, plan.sampling, now)
        self._store.put(session, self, now)
        if plan.turn is not None:
            self._begin(frame, session, plan.turn, now)
        else:
            self._effects.append(SendFrame(ack_frame(frame, plan, session)))
            if plan.warm_prompt is not None:
                self._effects.append(WarmPrompt(plan.warm_prompt))

    def _on_turn_frame(self, frame: ClientFrame, now: float) -> None:
        session = self._admission.existing(frame, now)
        plan = self._plan(frame, session)
        self._admit(frame, self._messages, now)
        history = session.history
        self._store.claim(frame.session_id, self, now)
        self._ledger.cancel(_BARGE_IN, now)
        if session.history is not history:
            # A turn (ours or the old owner's) was just recorded: render again
            # so the prompt holds it (what fitted still fits: history drops).
            try:
                plan = self._plan(frame, session)
            except ProtocolError as exc:
                self._reject(exc, now)
                return
        self._begin(frame, session, plan, now)

    def _plan(self, frame: ClientFrame, session: Session) -> TurnPlan:
        payload = frame.payload
        if isinstance(payload, MessagePayload):
            return self._admission.plan_message(frame, payload, session)
        assert isinstance(payload, FollowupPayload)
        return self._admission.plan_followup(frame, payload, session)

    def _begin(self, frame: ClientFrame, session: Session, plan: TurnPlan, now: float) -> None:
        turn, spec = plan_turn(self._config, frame, session, plan, now)
        self._ledger.begin(turn, session)
        self._effects.append(StartTurn(spec))

    def _on_cancel(self, frame: ClientFrame, now: float) -> None:
        self._admit(frame, self._cancels, now)
        if self._store.get(frame.session_id, now) is not None:
            self._store.claim(frame.session_id, self, now)
        turn, payload = self._ledger.turn, frame.payload
        reason = payload.reason if isinstance(payload, CancelPayload) else None
        self._effects.append(ClientCancelled(frame.session_id, frame.request_id, reason,
                                             turn.request_id if turn is not None else None))
        if turn is not None:
            self._ledger.cancel(CancelReason.CLIENT_REQUEST, now)
            return
        self._effects.append(SendFrame(encode.cancelled_frame(
            frame.session_id, frame.request_id, CancelReason.CLIENT_REQUEST, "", False)))

    def _on_end(self, frame: ClientFrame, now: float) -> None:
        self.last_activity = now
        if self._store.get(frame.session_id, now) is not None:
            self._store.claim(frame.session_id, self, now)
        self._ledger.cancel(CancelReason.SESSION_END, now)
        self._store.forget(frame.session_id)
        self._effects.append(SendFrame(encode.session_end_frame(frame.session_id, frame.request_id)))
        self._close(CloseCode.NORMAL, "session ended", now, release=False)

    # -- turn events from the I/O layer -------------------------------------------------

    def toolcall(self, request_id: str, status: Literal["yes", "no"], score: float,
                 raw: list[tuple[str, float]], now: float) -> None:
        """The tool model decided for ``request_id`` (ignored if stale)."""
        turn = self._ledger.current(request_id)
        if turn is not None and turn.awaiting_toolcall:
            self._ledger.toolcall(turn, status, score, raw, now)

    def discard_held(self, request_id: str) -> None:
        """Drop chat text held for ``request_id`` before its toolcall."""
        turn = self._ledger.current(request_id)
        if turn is not None:
            self._ledger.discard_held(turn)

    def engine_delta(self, request_id: str, delta: Delta, now: float) -> None:
        """The engine produced text for ``request_id`` (ignored if stale)."""
        ledger = self._ledger  # ledger.current() inlined: once per token
        turn = ledger.turn
        if turn is not None and turn.request_id == request_id:
            ledger.delta(turn, delta, now)

    def turn_failed(self, request_id: str, code: ErrorCode, message: str, now: float) -> None:
        """End ``request_id`` with a turn-ending error (``generation_timeout``,
        ``engine_error`` or ``internal_error``); ignored if stale."""
        turn = self._ledger.current(request_id)
        if turn is not None:
            self._ledger.fail(turn, code, message, now)

    # -- connection lifecycle ---------------------------------------------------------

    def session_taken_over(self, now: float) -> None:
        """Another connection claimed our session (called by the store)."""
        self._ledger.cancel(CancelReason.SESSION_TAKEN_OVER, now)
        self._close(CloseCode.SESSION_TAKEN_OVER, "session_taken_over", now, release=False)
        if self.on_wakeup is not None:
            self.on_wakeup()

    def disconnected(self, now: float) -> None:
        """The socket is gone: abort the turn, record it, detach the session."""
        self._ledger.cancel(CancelReason.CLIENT_REQUEST, now, notify=False)
        self._release(now)
        self.closed = True

    def start_draining(self) -> None:
        """Refuse turn-starting frames from now on."""
        self._checks.draining = True

    def shutdown(self, now: float) -> None:
        """Drain timeout passed: cancel the running turn, close with 1001."""
        if not self.closed:
            self._ledger.cancel(CancelReason.SHUTDOWN, now)
            self._close(CloseCode.GOING_AWAY, "server shutting down", now)

    def idle_timeout(self, now: float) -> None:
        """The idle watchdog fired: close with 4000."""
        if not self.closed:
            self._close(CloseCode.IDLE_TIMEOUT, "idle_timeout", now)

    def fail_internal(self, now: float) -> None:
        """A bug broke this connection: end the turn, close 1011, lock."""
        turn = self._ledger.turn
        if turn is not None and not turn.ended:
            try:
                self._ledger.fail(turn, ErrorCode.INTERNAL_ERROR, "internal error", now)
            except Exception:
                self._ledger.turn = None
        if not self.closed:
            self._close(CloseCode.INTERNAL_ERROR, "internal error", now)

    def _close(self, code: CloseCode, reason: str, now: float, *, release: bool = True) -> None:
        if release:
            self._release(now)
        self.closed = True
        self._effects.append(CloseConnection(code, reason))

    def _release(self, now: float) -> None:
        if self._checks.bound is not None:
            self._store.release(self._checks.bound, self, now)


__all__ = ["ConnectionCore"]
