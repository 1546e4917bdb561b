"""Hand-written sequences through :class:`ConnectionCore` (no sockets)."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from core_fakes import PROMPT, Peer, World, frame

from cadence.engines.base import Delta, Usage
from cadence.protocol.codes import ErrorCode
from cadence.turns.effects import AbortTurn, CloseConnection, Effect, SendFrame, StartTurn


def _frames(effects: list[Effect]) -> list[dict[str, Any]]:
    return [orjson.loads(e.data) for e in effects if isinstance(e, SendFrame)]


def _send(world: World, peer: Peer, data: str, user: str = "") -> list[Effect]:
    peer.expected_user = user
    return world.step(lambda now: peer.core.receive_text(data, now))[id(peer)]


def _start(world: World, peer: Peer, rid: str = "r0", sid: str = "s1", **payload: Any) -> list[Effect]:
    return _send(world, peer, frame("start", sid, rid, chat_prompt=PROMPT, **payload),
                 payload.get("user_utterance", ""))


def test_rejected_frames_use_no_rate_budget() -> None:
    world = World(max_messages=2, max_invalid=0)
    peer = world.connect()
    _start(world, peer)  # 1
    for _ in range(5):
        assert _frames(_send(world, peer, frame("message", rid="x", user_utterance=" ")))[0][
            "payload"]["code"] == "invalid_message"
        assert _frames(_send(world, peer, frame("followup", "s1", "y", analysis_text="")))
    effects = _send(world, peer, frame("message", rid="r1", user_utterance="hi"), "hi")  # 2
    assert any(isinstance(e, StartTurn) for e in effects)
    effects = _send(world, peer, frame("message", rid="r2", user_utterance="more"), "more")
    error = _frames(effects)[0]["payload"]
    assert error["code"] == "rate_limited" and error["details"]["retry_after_s"] > 0
    assert peer.turn is not None and peer.turn.request_id == "r1"  # no barge-in
    world.tick(10.0)
    effects = _send(world, peer, frame("message", rid="r3", user_utterance="later"), "later")
    assert [f["type"] for f in _frames(effects)] == ["cancelled"]


def test_abuse_close_ends_the_running_turn_first() -> None:
    world = World(max_invalid=2)
    peer = world.connect()
    _start(world, peer, user_utterance="talk")
    world.step(lambda now: peer.core.engine_delta("r0", Delta("talk"), now))
    for _ in range(2):
        _send(world, peer, "{")
    effects = _send(world, peer, "{")
    kinds = [(f["type"], f["request_id"]) for f in _frames(effects)]
    assert kinds == [("error", "unknown"), ("cancelled", "r0")]
    assert AbortTurn("r0") in effects and isinstance(effects[-1], CloseConnection)
    assert effects[-1].code == 1008
    assert world.running == set()
    session = world.store.get("s1", world.now)
    assert session is not None and session.owner is None
    assert [(e.role, e.content) for e in session.history] == [("user", "talk"), ("assistant", "talk")]


def test_duplicate_request_id_is_checked_before_the_payload() -> None:
    world = World()
    peer = world.connect()
    _start(world, peer, user_utterance="go")
    effects = _send(world, peer, frame("message", rid="r0", user_utterance=""))
    assert [(f["type"], f["payload"]["code"], f["request_id"]) for f in _frames(effects)] == [
        ("error", "duplicate_request_id", "r0")]
    effects = _send(world, peer, frame("cancel", rid="r0"))  # not turn-starting: a plain cancel
    assert [f["type"] for f in _frames(effects)] == ["cancelled"]


def test_takeover_wakes_the_old_connection_and_replans_with_its_turn() -> None:
    world = World()
    old, new = world.connect(), world.connect()
    woken: list[bool] = []
    old.core.on_wakeup = lambda: woken.append(True)
    _start(world, old, user_utterance="first")
    world.step(lambda now: old.core.engine_delta("r0", Delta("part"), now))
    effects = _send(world, new, frame("message", rid="n1", user_utterance="second"), "second")
    assert woken == [True]
    assert old.closed_with == 4001 and old.turn is None
    assert old.frames[-1]["payload"] == {"reason": "session_taken_over", "text": "part", "active": True}
    start = next(e for e in effects if isinstance(e, StartTurn))
    assert start.spec.prompt is not None and '"part"' in start.spec.prompt


def test_stale_engine_events_are_ignored() -> None:
    world = World()
    peer = world.connect()
    _start(world, peer, user_utterance="go")
    world.step(lambda now: peer.core.engine_delta("r0", Delta("x", "stop", Usage(1, 1)), now))
    for event in (lambda now: peer.core.engine_delta("r0", Delta("late"), now),
                  lambda now: peer.core.turn_failed("r0", ErrorCode.ENGINE_ERROR, "boom", now),
                  lambda now: peer.core.turn_failed("r0", ErrorCode.GENERATION_TIMEOUT, "slow", now),
                  lambda now: peer.core.toolcall("r0", "yes", 1.0, [], now)):
        assert world.step(event)[id(peer)] == []


def test_end_and_shutdown_and_idle() -> None:
    world = World()
    peer = world.connect()
    _start(world, peer, user_utterance="go")
    effects = _send(world, peer, frame("end", rid="e"))
    assert [(f["type"], f["request_id"]) for f in _frames(effects)] == [
        ("cancelled", "r0"), ("session_end", "e")]
    assert world.store.get("s1", world.now) is None
    assert _send(world, peer, frame("ping", rid="p")) == []  # closed: ignored
    other = world.connect()
    _start(world, other, rid="a", sid="s2", user_utterance="x")
    other.core.start_draining()
    effects = _send(world, other, frame("message", "s2", "b", user_utterance="y"))
    assert _frames(effects)[0]["payload"]["code"] == "server_shutting_down"
    effects = world.step(other.core.shutdown)[id(other)]
    assert _frames(effects)[0]["payload"]["reason"] == "shutdown"
    assert other.closed_with == 1001
    third = world.connect()
    world.step(third.core.idle_timeout)
    assert third.closed_with == 4000


def test_a_start_without_utterance_warms_the_persona_when_asked() -> None:
    world = World()
    world.config = dataclasses.replace(world.config, warm_prompts=True)
    peer = world.connect()
    _start(world, peer, history=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}])
    assert [orjson.loads(p) for p in peer.warmed] == [[["system", PROMPT], ["user", "hi"], ["assistant", "yo"]]]
    _start(world, peer, rid="r1", user_utterance="hello")  # a turn starts: nothing to warm
    assert len(peer.warmed) == 1


def test_no_warming_unless_the_engine_can() -> None:
    world = World()
    peer = world.connect()
    _start(world, peer)
    assert peer.warmed == []
