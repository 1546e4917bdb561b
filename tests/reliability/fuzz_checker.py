"""The contract checker: runs fuzz steps on two :class:`ConnectionCore`
objects sharing one store (through tests/unit/turns/core_fakes.World, which
checks guarantees 1, 2, 4 and 5 too) and checks every effect against
:mod:`fuzz_rules`."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1] / "unit" / "turns"))

from core_fakes import Peer, World
from fuzz_cases import ClientBinary, ClientText, EngineStep, Step
from fuzz_rules import (
    REJECT_CODES,
    SESSION_TOUCHING,
    IdLedger,
    accepted_answer,
    closes,
    decode,
    expected_user,
    fits_frame,
    is_terminal,
    parse,
    valid_id,
)
from fuzz_vocab import PROFILES, REQUEST_IDS

from cadence.engines.base import Delta, Usage
from cadence.protocol.codes import ABUSE_ERRORS, CloseCode, ErrorCode
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import AbortTurn, CloseConnection, Effect, SendFrame, SendToken, TurnEnded


class Crash(Exception):
    """An exception escaped a core method; ``text`` is its traceback."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class FuzzPeer(Peer):
    """:class:`core_fakes.Peer` plus what the contract checker tracks."""

    def __init__(self, core: ConnectionCore) -> None:
        super().__init__(core)
        self.ledger = IdLedger()
        self.abuse: list[float] = []
        self.draining = False
        self.closed_steps = 0


class FuzzWorld(World):
    """:class:`core_fakes.World` with :class:`FuzzPeer` and tool-only prompts."""

    def connect(self) -> FuzzPeer:
        peer = FuzzPeer(ConnectionCore(self.config, self.store, self.prompts, self.now))
        self.peers.append(peer)
        return peer

    def _check_prompt(self, prompt: str | None, session: Any, user: str) -> None:
        if self.config.mode == "tool":
            assert prompt is None, "a tool-only turn built a chat prompt"
            return
        super()._check_prompt(prompt, session, user)

    def deliver_token(self, peer: Peer, request_id: str, text: str) -> None:
        """A token the I/O layer sent straight from ``stream_text``."""
        self._apply(peer, SendToken(peer.core.session_id or "", request_id, text), [])


class Checker:
    """Runs steps on two connections of a :class:`FuzzWorld` and checks the contract.

    :meth:`run` raises :class:`Crash` when a core method raises, any other
    exception (an ``AssertionError`` naming the rule) for a violation.
    """

    def __init__(self, mode: Any, max_prompt_tokens: int | None, profile: int = 0) -> None:
        self.world = FuzzWorld(mode, max_prompt_tokens, **dict(PROFILES[profile]))
        self.slots: list[FuzzPeer] = [self.world.connect(), self.world.connect()]
        #: Client frames fed so far.
        self.frames = 0

    # -- running ------------------------------------------------------------------

    def run(self, step: Step) -> None:
        """Carry out one step and check its effects."""
        peer = self.slots[step.slot]
        if isinstance(step, ClientText | ClientBinary):
            self._client(peer, step)
        elif isinstance(step, EngineStep):
            self._engine(peer, step)
        elif step.event == "tick":
            self.world.tick(step.seconds)
        else:
            self._life(peer, step.slot, step.event)
        for slot, other in enumerate(self.slots):
            other.closed_steps += other.core.closed
            if other.closed_steps >= 3:  # the I/O layer notices the close
                self._hang_up(slot)

    def finish(self) -> None:
        """Every connection ends: nothing may be left running."""
        for slot in range(len(self.slots)):
            self._hang_up(slot, reconnect=False)
        assert not self.world.running, f"engine requests left running: {self.world.running}"

    def _feed(self, action: Callable[[float], object], client: FuzzPeer | None = None,
              answering: object = None) -> dict[FuzzPeer, list[Effect]]:
        """``action(now)``, then every connection's effects, checked;
        ``client`` sent a frame with request id ``answering``."""
        try:
            action(self.world.now)
        except Exception as exc:
            raise Crash(traceback.format_exc()) from exc
        batches: dict[FuzzPeer, list[Effect]] = {}
        for peer in self.world.peers:
            assert isinstance(peer, FuzzPeer)
            batches[peer] = effects = self.world.absorb(peer)
            for frame in decode(effects):
                peer.ledger.observe(frame, answering if peer is client else None)
        open_turns = {(id(p), p.turn.request_id) for p in self.world.peers if p.turn is not None}
        assert self.world.running <= open_turns, f"engine requests left running: {self.world.running}"
        return batches

    def _hang_up(self, slot: int, reconnect: bool = True) -> None:
        """The socket of ``slot`` is gone; a new client takes the slot."""
        peer = self.slots[slot]
        peer.disconnected = True
        batches = self._feed(peer.core.disconnected)
        assert all(isinstance(e, AbortTurn | TurnEnded) for e in batches[peer]), "a disconnect sent output"
        assert not any(batches[p] for p in batches if p is not peer), "a disconnect touched another connection"
        assert peer.turn is None, "a turn outlived its connection"
        self.world.peers.remove(peer)
        if reconnect:
            self.slots[slot] = self.world.connect()

    # -- client frames ----------------------------------------------------------------

    def _client(self, peer: FuzzPeer, step: ClientText | ClientBinary) -> None:
        """A client frame: ignored when closed, else rejected or accepted by the rules."""
        core, self.frames = peer.core, self.frames + 1
        was_closed = core.closed
        running = core.running_turn.request_id if core.running_turn else None
        obj = parse(step.text) if isinstance(step, ClientText) else None
        rid = obj.get("request_id") if isinstance(obj, dict) else None
        peer.ledger.client_sent(rid)
        peer.expected_user = expected_user(obj, self.world.config.sessions)
        if isinstance(step, ClientText):
            batches = self._feed(lambda now: core.receive_text(step.text, now), peer, rid)
        else:
            batches = self._feed(core.receive_binary, peer)
        if was_closed:
            assert not any(batches.values()), "a closed connection reacted to a frame"
            return
        mine = batches[peer]
        frames = decode(mine)
        rejections = [f for f in frames if f["type"] == "error" and not is_terminal(f)]
        if rejections or isinstance(step, ClientBinary):
            assert len(rejections) == 1, f"a frame got {len(rejections)} errors: {frames}"
            self._rejected(peer, obj, mine, frames, running)
            assert not any(batches[p] for p in batches if p is not peer), \
                "a rejected frame affected another connection"
        else:
            accepted_answer(obj, mine, frames, running)
            self._takeover_only(peer, obj, batches)

    def _rejected(self, peer: FuzzPeer, obj: object, mine: list[Effect], frames: list[dict[str, Any]],
                  running: str | None) -> None:
        """One typed error first, with the ids it could read; then nothing,
        or past the abuse limit the running turn's end and close 1008."""
        error = frames[0]
        code = error["payload"]["code"]
        assert isinstance(mine[0], SendFrame) and mine[0].rejected == code, f"error not first: {mine}"
        assert code in REJECT_CODES, f"a client frame got {code}"
        fields = obj if isinstance(obj, dict) else {}
        for key in ("session_id", "request_id"):
            expected = fields.get(key) if valid_id(fields.get(key)) else "unknown"
            assert error[key] == expected, f"error carries {key} {error[key]!r}, not {expected!r}: {error}"
        fits_frame(code, error, fields.get("type"), running, peer.draining)
        now, limits = self.world.now, self.world.config.limits
        if code in ABUSE_ERRORS and limits.max_invalid > 0:
            peer.abuse.append(now)
        recent = sum(1 for t in peer.abuse if t > now - limits.message_window_s)
        if code in ABUSE_ERRORS and limits.max_invalid > 0 and recent > limits.max_invalid:
            assert closes(mine) == [CloseCode.POLICY_VIOLATION] and isinstance(mine[-1], CloseConnection), \
                f"abuse limit passed without close 1008: {mine}"
            ends = frames[1:]
            assert [f["request_id"] for f in ends] == ([running] if running else []), f"abuse close: {frames}"
            assert all(f["type"] == "cancelled" and f["payload"]["active"] for f in ends), frames
        else:
            assert len(mine) == 1, f"a rejected frame did more than its error: {mine}"

    @staticmethod
    def _takeover_only(peer: FuzzPeer, obj: object, batches: dict[FuzzPeer, list[Effect]]) -> None:
        """Another connection is touched only by a takeover of its session."""
        assert isinstance(obj, dict)
        for other, effects in batches.items():
            if other is peer or not effects:
                continue
            assert obj["type"] in SESSION_TOUCHING and other.core.session_id == obj["session_id"], \
                f"a {obj['type']} affected another connection: {effects}"
            frames = decode(effects)
            assert all(f["type"] == "cancelled" and f["payload"]["reason"] == "session_taken_over"
                       for f in frames), frames
            assert closes(effects) == [CloseCode.SESSION_TAKEN_OVER], effects
            assert isinstance(effects[-1], CloseConnection), effects

    # -- engine and lifecycle events --------------------------------------------------

    def _engine(self, peer: FuzzPeer, step: EngineStep) -> None:
        """An engine or tool event as the I/O layer delivers it; stale ones do nothing."""
        other = self.slots[1 - step.slot]
        if not step.request_id and peer.core.running_turn is None and other.core.running_turn is not None:
            peer = other
        core = peer.core
        turn = core.running_turn
        rid = step.request_id or (turn.request_id if turn is not None else REQUEST_IDS[0])
        stale = turn is None or turn.request_id != rid
        streamed: list[str | None] = []
        event, text = step.event, step.text
        codes = {"engine_error": ErrorCode.ENGINE_ERROR, "generation_timeout": ErrorCode.GENERATION_TIMEOUT,
                 "internal_error": ErrorCode.INTERNAL_ERROR}

        def action(now: float) -> None:
            if event == "delta":
                core.engine_delta(rid, Delta(text), now)
            elif event == "stream":  # the I/O layer's per-token path, as in server/connection.py
                streamed.append(out := core.stream_text(rid, text))
                if out is None:
                    core.engine_delta(rid, Delta(text), now)
            elif event.startswith("finish"):
                core.engine_delta(rid, Delta(text, "stop" if event == "finish_stop" else "length",
                                             Usage(3, 2)), now)
            elif event in codes:
                core.turn_failed(rid, codes[event], "boom", now)
            elif event.startswith("tool"):
                core.toolcall(rid, "yes" if event == "tool_yes" else "no", 0.5, [("take_screenshot", 0.5)], now)
            else:
                core.discard_held(rid)

        batches = self._feed(action)
        if streamed and streamed[0]:
            self.world.deliver_token(peer, rid, streamed[0])
            peer.ledger.observe(decode([SendToken(core.session_id or "", rid, streamed[0])])[0])
        _engine_effects(peer, batches, stale, codes.get(event))

    def _life(self, peer: FuzzPeer, slot: int, event: str) -> None:
        """Disconnect, idle (never during a turn), drain, shutdown or internal
        error: only the documented end frame and close code."""
        core = peer.core
        was_closed, running = core.closed, core.running_turn is not None
        if event == "disconnect":
            self._hang_up(slot)
            return
        if event == "idle" and running:
            return  # the idle timer does not run during a turn
        if event == "drain":
            peer.draining = True
            batches = self._feed(lambda now: core.start_draining())
        else:
            method = {"idle": core.idle_timeout, "shutdown": core.shutdown, "internal": core.fail_internal}
            batches = self._feed(method[event])
        mine = batches[peer]
        assert not any(batches[p] for p in batches if p is not peer), f"{event} touched another connection"
        if event == "drain" or (was_closed and not running):
            assert not mine, f"{event} had effects: {mine}"
            return
        expected = {"idle": (CloseCode.IDLE_TIMEOUT, None), "shutdown": (CloseCode.GOING_AWAY, "cancelled"),
                    "internal": (CloseCode.INTERNAL_ERROR, "error")}[event]
        assert closes(mine) == ([] if was_closed else [expected[0]]), f"{event} closed with {closes(mine)}"
        frames = decode(mine)
        assert [f["type"] for f in frames] == ([expected[1]] if running else []), f"{event} sent {frames}"


def _engine_effects(peer: FuzzPeer, batches: dict[FuzzPeer, list[Effect]], stale: bool,
                    code: ErrorCode | None) -> None:
    """An engine event's effects: turn frames of this connection only, an
    error only with the code it failed with; nothing at all when stale."""
    if stale:
        assert not any(batches.values()), f"a stale engine event had effects: {batches}"
        return
    mine = batches[peer]
    assert not any(batches[p] for p in batches if p is not peer), "an engine event touched another connection"
    assert all(isinstance(e, SendFrame | SendToken | AbortTurn | TurnEnded) for e in mine), mine
    for frame in decode(mine):
        assert frame["type"] in ("toolcall", "token", "done", "error"), f"engine event sent {frame}"
        if frame["type"] == "error":
            assert frame["payload"]["code"] == code, f"engine event sent {frame}"


__all__ = ["Checker", "Crash", "FuzzPeer", "FuzzWorld"]
