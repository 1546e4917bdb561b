"""Random interleavings driven straight into :class:`ConnectionCore`.

Two connection slots share one store; hypothesis draws client frames (valid
and not, with colliding ids), engine deltas, finishes, failures, timeouts,
tool decisions, disconnects, idle and shutdown events and clock ticks. The
fake peer in :mod:`core_fakes` checks guarantees 1, 2, 4 and 5 on every step;
this module checks 3, 6 and "a rejected frame has no effect".
"""

from __future__ import annotations

import random
from typing import Any, Literal

import orjson
from core_fakes import PROMPT, Peer, World, frame, is_terminal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.engines.base import Delta, Usage
from cadence.protocol.codes import ErrorCode
from cadence.turns.effects import CloseConnection, SendFrame, StartTurn

VOCAB = ("a", "bb", "cc", "dd", "e")
SIDS = ("s1", "s2")
RIDS = ("r1", "r2", "r3")
PREFIX = "ON THE SCREEN NOW: "
TURN_TYPES = ("start", "message", "followup")
KINDS = ("start", "message", "followup", "cancel", "end", "ping", "pong", "garbage", "binary", "unknown")
WEIGHTS = (4, 10, 3, 4, 1, 1, 1, 1, 1, 1)
ENGINE_EVENTS = ("delta", "finish", "fail", "timeout", "tool", "discard")
ENGINE_WEIGHTS = (12, 4, 1, 1, 2, 1)


def _words(rng: random.Random) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(rng.randint(0, 7))]


def _user(text_words: list[str], prefix: str = "") -> str:
    return prefix + " ".join(text_words[-4:])


def _start_payload(rng: random.Random) -> tuple[dict[str, Any], str]:
    payload: dict[str, Any] = {}
    prompt = rng.choice([PROMPT, PROMPT, PROMPT, "be {personality}", "w w w w w w w", None])
    if prompt is not None:
        payload["chat_prompt"] = prompt
    if rng.random() < 0.5:
        payload["personality"] = "Calm"
    if rng.random() < 0.5:
        payload["history"] = [{"role": "user", "content": "x y"}, {"role": "assistant", "content": "z"}]
    sampling = rng.choice([None, {"max_tokens": 3}, {"temperature": 9}])
    if sampling is not None:
        payload["sampling"] = sampling
    utterance = _words(rng)
    if utterance:
        payload["user_utterance"] = " ".join(utterance)
    return payload, _user(utterance)


def _client_frame(rng: random.Random, home: str) -> tuple[str, str, str, str | bytes, str]:
    """(kind, session id, request id, data, user content if it starts a turn)."""
    kind = rng.choices(KINDS, WEIGHTS)[0]
    sid = home if rng.random() < 0.85 else rng.choice(SIDS)
    rid = rng.choice(RIDS)
    user, payload = "", dict[str, Any]()
    if kind == "start":
        payload, user = _start_payload(rng)
    elif kind == "message":
        utterance = _words(rng)
        payload = {"user_utterance": " ".join(utterance)}
        if rng.random() < 0.5:
            payload["sampling"] = rng.choice([{"max_tokens": 2}, {"top_k": 1.5}])
        user = _user(utterance)
    elif kind == "followup":
        analysis = _words(rng)
        payload, user = {"analysis_text": " ".join(analysis)}, _user(analysis, PREFIX)
    elif kind == "cancel":
        payload = rng.choice([{}, {"reason": "why"}, {"reason": 3}])
    if kind == "garbage":
        return kind, sid, rid, "{nope", ""
    if kind == "binary":
        return kind, sid, rid, b"\x01", ""
    if kind == "unknown":
        return kind, sid, rid, frame("ping", sid, rid, extra=1), ""
    return kind, sid, rid, frame(kind, sid, rid, **payload), user


def _snapshot(world: World) -> Any:
    sessions = {}
    for sid in SIDS:
        session = world.store.get(sid, world.now)
        if session is not None:
            history = [(e.role, e.content) for e in session.history]
            sessions[sid] = (id(session), session.persona, history, session.sampling, id(session.owner))
    turns = [(p.core.running_turn.request_id if p.core.running_turn else None) for p in world.peers]
    return sessions, turns


def _send(world: World, peer: Peer, drawn: tuple[str, str, str, str | bytes, str]) -> None:
    kind, sid, rid, data, user = drawn
    was_closed, running = peer.core.closed, peer.turn.request_id if peer.turn else None
    duplicate = (kind in TURN_TYPES and running == rid and peer.core.session_id == sid)
    before = _snapshot(world)
    peer.expected_user = user
    if isinstance(data, bytes):
        batches = world.step(peer.core.receive_binary)
    else:
        batches = world.step(lambda now, d=data: peer.core.receive_text(d, now))
    mine = batches[id(peer)]
    if was_closed:
        assert not any(batches.values()), "a closed connection reacted"
        return
    frames = [orjson.loads(e.data) for e in mine if isinstance(e, SendFrame)]
    rejected = [f for f in frames if f["type"] == "error" and not is_terminal(f)]
    if rejected:
        _check_rejected(world, peer, before, mine, frames, duplicate, rid)
        assert all(not effects for key, effects in batches.items() if key != id(peer)), \
            "a rejected frame affected another connection"
        return
    assert not duplicate, "a duplicate request id was accepted"
    starts = [i for i, e in enumerate(mine) if isinstance(e, StartTurn)]
    acks = [i for i, e in enumerate(mine) if isinstance(e, SendFrame) and b'"ack"' in e.data[:12]]
    if running is not None and (starts or acks):
        first = (starts or acks)[0]
        barge = [e for e in mine[:first] if isinstance(e, SendFrame) and orjson.loads(e.data)["type"]
                 == "cancelled" and orjson.loads(e.data)["request_id"] == running]
        assert len(barge) == 1, "barge-in did not end the running turn first"
        assert orjson.loads(barge[0].data)["payload"]["reason"] == "barge_in"


def _check_rejected(world: World, peer: Peer, before: Any, mine: list[Any], frames: list[Any],
                    duplicate: bool, rid: str) -> None:
    assert not any(isinstance(e, StartTurn) for e in mine)
    assert frames[0]["type"] == "error"
    after = _snapshot(world)
    if peer.closed_with == 1008:  # abuse: the running turn ends, the session detaches
        assert [f["type"] for f in frames[1:]] in ([], ["cancelled"]) and peer.turn is None
        return
    assert len(frames) == 1, f"a rejected frame did more: {frames}"
    assert not any(isinstance(e, CloseConnection) for e in mine), "bad input closed the connection"
    assert after == before, "a rejected frame changed state"
    if duplicate:
        assert frames[0]["payload"]["code"] == "duplicate_request_id"
        assert frames[0]["request_id"] == rid


def _engine(world: World, peer: Peer, rng: random.Random) -> None:
    turn = peer.turn
    rid = turn.request_id if turn is not None and rng.random() < 0.8 else rng.choice(RIDS)
    stale = turn is None or rid != turn.request_id or peer.core.running_turn is None
    event = rng.choices(ENGINE_EVENTS, ENGINE_WEIGHTS)[0]
    core = peer.core
    if event == "delta":
        text = rng.choice(VOCAB)
        action: Any = lambda now: core.engine_delta(rid, Delta(" " + text), now)  # noqa: E731
    elif event == "finish":
        text = rng.choice(["", "end"])
        reason: Literal["stop", "length"] = rng.choice(["stop", "length"])
        action = lambda now: core.engine_delta(rid, Delta(text, reason, Usage(3, 2)), now)  # noqa: E731
    elif event == "fail":
        action = lambda now: core.turn_failed(rid, ErrorCode.ENGINE_ERROR, "boom", now)  # noqa: E731
    elif event == "timeout":
        action = lambda now: core.turn_failed(rid, ErrorCode.GENERATION_TIMEOUT, "slow", now)  # noqa: E731
    elif event == "tool":
        status: Literal["yes", "no"] = rng.choice(["yes", "no"])
        action = lambda now: core.toolcall(rid, status, 0.5, [("take_screenshot", 0.5)], now)  # noqa: E731
    else:
        action = lambda now: core.discard_held(rid)  # noqa: E731
    batches = world.step(action)
    if stale:
        assert not any(batches.values()), f"a stale {event} had an effect"


def _lifecycle(world: World, slots: list[Peer], index: int, rng: random.Random) -> None:
    peer = slots[index]
    event = rng.choice(["disconnect", "idle", "shutdown", "internal", "tick"])
    if event == "tick":
        world.tick(rng.choice([0.1, 1.0, 4.0, 11.0]))
    elif event == "disconnect":
        world.hang_up(peer)
        slots[index] = world.connect()
    elif event == "idle" and peer.turn is None:
        world.step(peer.core.idle_timeout)
    elif event == "shutdown":
        peer.core.start_draining()
        world.step(peer.core.shutdown)
    elif event == "internal":
        world.step(peer.core.fail_internal)


def _run(mode: Any, max_prompt_tokens: int | None, steps: list[int]) -> None:
    """Each step is decoded from one integer, so hypothesis shrinks a failure
    by dropping steps and lowering their codes."""
    world = World(mode, max_prompt_tokens)
    slots = [world.connect(), world.connect()]
    for position, code in enumerate(steps):
        rng = random.Random(f"{code}:{position}")  # small codes still differ by position
        world.tick(rng.choice([0.0, 0.0, 0.2, 1.0, 3.0]))
        index = rng.randint(0, 1)
        roll = rng.randint(0, 19)
        if roll < 9:
            _send(world, slots[index], _client_frame(rng, SIDS[index]))
        elif roll < 19:
            _engine(world, slots[index], rng)
        else:
            _lifecycle(world, slots, index, rng)
        for i, peer in enumerate(slots):
            if peer.core.closed and rng.random() < 0.7:  # the I/O layer notices the close
                world.hang_up(peer)
                slots[i] = world.connect()
    for peer in slots:  # every connection ends: nothing may be left running
        world.hang_up(peer)
    assert not world.running


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STEPS = st.lists(st.integers(0, 2**20), min_size=30, max_size=120)


@PROPERTY
@given(STEPS)
def test_chat_mode_guarantees(steps: list[int]) -> None:
    _run("chat", None, steps)


@PROPERTY
@given(STEPS)
def test_both_mode_guarantees(steps: list[int]) -> None:
    _run("both", None, steps)


@PROPERTY
@given(STEPS)
def test_guarantees_with_a_small_context(steps: list[int]) -> None:
    _run("chat", 12, steps)
