"""A fake peer for :class:`ConnectionCore`: a fake clock, decoded frames and
a model of the I/O layer (which engine requests run), plus checks of the
guarantees of PROTOCOL.md section 5 on every step."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from cadence.config.settings import DeployMode, LimitSettings, SessionSettings
from cadence.engines.base import ChatMessage
from cadence.engines.echo import EchoTokenizer
from cadence.session.prompt import PromptBudgets, PromptBuilder, as_messages
from cadence.session.state import HistoryEntry
from cadence.session.store import SessionStore
from cadence.turns.config import CoreConfig
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import (
    AbortTurn,
    CloseConnection,
    Effect,
    SendFrame,
    SendToken,
    StartTurn,
    TurnEnded,
    WarmPrompt,
)

TURN_ENDING = {"generation_timeout", "engine_error", "internal_error"}
PROMPT = "be kind"


def frame(kind: str, sid: str = "s1", rid: str = "r1", **payload: Any) -> str:
    """A client frame as text."""
    return orjson.dumps({"type": kind, "session_id": sid, "request_id": rid, "payload": payload}).decode()


def is_terminal(decoded: dict[str, Any]) -> bool:
    kind = decoded["type"]
    if kind == "error":
        return bool(decoded["payload"]["code"] in TURN_ENDING)
    return kind == "done" or (kind == "cancelled" and bool(decoded["payload"]["active"]))


def make_config(mode: DeployMode = "chat", **limits: Any) -> CoreConfig:
    sessions = SessionSettings(history_max_tokens=40, history_retention_pct=50, user_utt_max_tokens=4,
                               chat_prompt_max_tokens=6, chat_max_out=20)
    defaults = {"max_messages": 6, "message_window_s": 10.0, "max_cancels": 4,
                "cancel_window_s": 10.0, "max_invalid": 3}
    return CoreConfig(mode=mode, limits=LimitSettings(**{**defaults, **limits}), sessions=sessions,
                      chat_timeout_s=30.0)


@dataclasses.dataclass
class OpenTurn:
    """What the fake peer knows of a turn it saw start."""

    request_id: str
    session: Any
    user: str
    sent: str = ""
    toolcall: bool = False
    terminated: bool = False


class Peer:
    """One connection's I/O layer as the core sees it."""

    def __init__(self, core: ConnectionCore) -> None:
        self.core = core
        self.frames: list[dict[str, Any]] = []
        self.turn: OpenTurn | None = None
        self.closed_with: int | None = None
        self.disconnected = False
        self.ended_turns: list[tuple[OpenTurn, str]] = []
        #: The user content the next turn started by this peer must record.
        self.expected_user = ""
        #: Prompts the core asked to warm.
        self.warmed: list[str] = []


class World:
    """Several cores over one store, one fake clock, one fake engine."""

    def __init__(self, mode: DeployMode = "chat", max_prompt_tokens: int | None = None,
                 **limits: Any) -> None:
        self.config = make_config(mode, **limits)
        self.store = SessionStore(max_sessions=8, ttl_s=100.0)
        self.prompts = PromptBuilder(EchoTokenizer(), PromptBudgets(6, 4, max_prompt_tokens))
        self.max_prompt_tokens = max_prompt_tokens
        self.now = 0.0
        self.running: set[tuple[int, str]] = set()  # (peer, request id) not yet freed
        self.peers: list[Peer] = []

    def connect(self) -> Peer:
        peer = Peer(ConnectionCore(self.config, self.store, self.prompts, self.now))
        self.peers.append(peer)
        return peer

    def hang_up(self, peer: Peer) -> None:
        """The socket is gone: the I/O layer tells the core, then forgets it."""
        peer.disconnected = True
        self.step(peer.core.disconnected)
        assert peer.turn is None, "a turn outlived its connection"
        self.peers.remove(peer)

    def tick(self, seconds: float) -> None:
        self.now += seconds

    def step(self, action: Any) -> dict[int, list[Effect]]:
        """Run ``action(now)`` then drain and check every core's effects."""
        action(self.now)
        batches = {id(peer): self.absorb(peer) for peer in self.peers}
        open_turns = {(id(p), p.turn.request_id) for p in self.peers if p.turn is not None}
        assert self.running <= open_turns, f"engine requests left running: {self.running - open_turns}"
        return batches

    def absorb(self, peer: Peer) -> list[Effect]:
        effects = peer.core.drain()
        for effect in effects:
            self._apply(peer, effect, effects)
        assert peer.turn is None or not peer.turn.terminated, "terminal frame but the turn goes on"
        running = peer.core.running_turn
        assert (running.request_id if running else None) == (peer.turn.request_id if peer.turn else None)
        return effects

    def _apply(self, peer: Peer, effect: Effect, batch: list[Effect]) -> None:
        assert peer.closed_with is None or not isinstance(effect, SendFrame | SendToken | StartTurn), \
            f"output after close: {effect}"
        if isinstance(effect, StartTurn):
            assert peer.turn is None, "a turn started while another is open"
            rid = effect.spec.request_id
            session = self.store.get(effect.spec.session_id, self.now)
            assert (id(peer), rid) not in self.running
            self.running.add((id(peer), rid))
            peer.turn = OpenTurn(rid, session, peer.expected_user)
            self._check_prompt(effect.spec.prompt, session, peer.expected_user)
        elif isinstance(effect, SendToken):
            turn = peer.turn
            assert turn is not None and turn.request_id == effect.request_id, "token outside its turn"
            assert effect.text and not turn.terminated, "token after the terminal frame"
            turn.sent += effect.text
            peer.frames.append({"type": "token", "request_id": effect.request_id,
                                "payload": {"text": effect.text}})
        elif isinstance(effect, SendFrame):
            self._frame(peer, orjson.loads(effect.data))
        elif isinstance(effect, AbortTurn):
            self.running.discard((id(peer), effect.request_id))
        elif isinstance(effect, TurnEnded):
            self._ended(peer, effect, batch)
        elif isinstance(effect, CloseConnection):
            assert peer.closed_with is None, "closed twice"
            peer.closed_with = int(effect.code)
        elif isinstance(effect, WarmPrompt):
            assert self.config.warm_prompts and peer.turn is None, "warmed without being asked"
            peer.warmed.append(effect.prompt)

    def _check_prompt(self, prompt: str | None, session: Any, user: str) -> None:
        """The prompt holds the session's history as it is now (after any
        turn the same frame ended) and the user content, last."""
        assert prompt is not None
        messages = [ChatMessage(role, content) for role, content in orjson.loads(prompt)]
        if session.persona.system_prompt is not None:
            assert messages[0] == ChatMessage("system", session.persona.system_prompt)
            messages = messages[1:]
        if self.max_prompt_tokens is None:
            expected = as_messages([*session.history, HistoryEntry("user", user, 0)])
            assert messages == expected, (messages, expected)
        else:
            assert messages[-1].content.endswith(user)

    def _frame(self, peer: Peer, decoded: dict[str, Any]) -> None:
        peer.frames.append(decoded)
        turn = peer.turn
        rid = decoded["request_id"]
        if decoded["type"] == "toolcall":
            assert turn is not None and turn.request_id == rid and not turn.sent and not turn.toolcall
            turn.toolcall = True
        elif is_terminal(decoded):
            assert turn is not None and turn.request_id == rid, f"terminal frame outside its turn: {decoded}"
            assert not turn.terminated, "two terminal frames"
            turn.terminated = True
            if decoded["type"] != "error":
                assert decoded["payload"]["text"] == turn.sent, "text differs from the tokens sent"

    def _ended(self, peer: Peer, ended: TurnEnded, batch: list[Effect]) -> None:
        turn = peer.turn
        assert turn is not None and turn.request_id == ended.request_id
        assert turn.terminated or peer.disconnected, "a turn ended without its terminal frame"
        expected = [("user", turn.user)] + ([("assistant", turn.sent)] if turn.sent else [])
        history = [(entry.role, entry.content) for entry in turn.session.history]
        assert history == [] or history[-len(expected):] == expected, (history, expected)
        if ended.outcome == "done":
            self.running.discard((id(peer), turn.request_id))  # the runner finished by itself
        else:
            assert AbortTurn(turn.request_id) in batch[: batch.index(ended)], "not aborted"
        peer.ended_turns.append((turn, ended.outcome))
        peer.turn = None
