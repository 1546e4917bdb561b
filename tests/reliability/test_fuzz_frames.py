"""CI's short, seeded frame fuzz (issue 17; the long run is scripts/fuzz_frames.py).

- The connection core under hypothesis (derandomized): every input gets a
  typed error or a valid effect, never an exception or an undocumented close
  (the contract is in :mod:`fuzz_frames`).
- The seeded ``random`` driver of the long run, briefly; its shrinker; and
  proof that the checker catches a crash and an undocumented close.
- A few hundred random frames (text, binary, invalid UTF-8, oversize) over a
  real socket, while a well-behaved connection keeps running turns.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parents[1] / "integration" / "server"))

from fuzz_frames import (
    REJECT_CODES,
    Case,
    CaseResult,
    ClientBinary,
    ClientText,
    DrawChooser,
    EngineStep,
    Failure,
    LifeStep,
    RandomChooser,
    binary_frame,
    case_from_json,
    case_to_json,
    check_frame,
    fuzz_case,
    is_terminal,
    parse,
    run_case,
    run_fuzz,
    shrink,
    structured_frame,
)
from harness import (
    Client,
    chat_running,
    check_turn_frames,
    client,
    make_settings,
    running_server,
    stats,
    wait_for,
)

from cadence.protocol.codes import ABUSE_ERRORS, CloseCode
from cadence.turns.core import ConnectionCore


@st.composite
def cases(draw: Any) -> Case:
    """A :class:`Case` drawn through hypothesis, so a failure shrinks."""
    return fuzz_case(DrawChooser(draw), max_steps=60)


@settings(max_examples=300, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(cases())
def test_fuzzed_frames_get_a_typed_error_or_a_valid_effect(case: Case) -> None:
    failure = run_case(case).failure
    assert failure is None, f"{failure.kind} at step {failure.step}:\n{failure.message}"


def test_the_seeded_long_run_driver_is_clean() -> None:
    report = run_fuzz(frames=2000, seed=17)
    assert report.frames >= 2000 and report.cases > 20
    assert (report.crashes, report.violations) == (0, 0), report.failures


def test_a_case_round_trips_through_json() -> None:
    case = fuzz_case(RandomChooser(random.Random(3)))
    case = case._replace(steps=(*case.steps, ClientBinary(1, b"\xff\x00"), EngineStep(0, "delta", "", " a"),
                                LifeStep(1, "tick", 2.5), ClientText(0, "\ud800\x00")))
    assert case_from_json(case_to_json(case)) == case


def test_shrink_keeps_only_what_fails() -> None:
    def run(case: Case) -> CaseResult:
        for index, step in enumerate(case.steps):
            if isinstance(step, ClientText) and step.text == "boom":
                return CaseResult(index, Failure("crash", index, "boom"))
        return CaseResult(len(case.steps), None)

    steps = tuple(ClientText(i % 2, str(i)) for i in range(40))
    case = Case("chat", None, 0, (*steps[:23], ClientText(1, "boom"), *steps[23:]))
    first = run(case).failure
    assert first is not None and first.step == 23
    small, failure = shrink(case, first, run)
    assert small.steps == (ClientText(1, "boom"),) and failure.step == 0


PING = '{"type":"ping","session_id":"s1","request_id":"r1"}'
END = '{"type":"end","session_id":"s1","request_id":"r2"}'


def test_the_checker_reports_an_exception_as_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: ConnectionCore, data: str, now: float) -> None:
        raise KeyError(data)

    monkeypatch.setattr(ConnectionCore, "receive_text", explode)
    failure = run_case(Case("chat", None, 0, (ClientText(0, PING),))).failure
    assert failure is not None and failure.kind == "crash" and "KeyError" in failure.message


def test_the_checker_reports_an_undocumented_close(monkeypatch: pytest.MonkeyPatch) -> None:
    original = ConnectionCore._close

    def close(self: ConnectionCore, code: CloseCode, reason: str, now: float, **kwargs: Any) -> None:
        original(self, CloseCode.GOING_AWAY if code == CloseCode.NORMAL else code, reason, now, **kwargs)

    monkeypatch.setattr(ConnectionCore, "_close", close)
    failure = run_case(Case("chat", None, 0, (ClientText(0, PING), ClientText(0, END)))).failure
    assert failure is not None and failure.kind == "violation" and failure.step == 1
    assert "GOING_AWAY" in failure.message, failure.message


# -- over a real socket ------------------------------------------------------------

SOCKET_FRAMES = 300
MAX_BYTES = 16384
SOCKET = make_settings(echo={"tokens_per_second": 0}, server={"max_message_bytes": MAX_BYTES},
                       limits={"max_messages": 200})
MAX_INVALID = SOCKET.limits.max_invalid


def _socket_frame(ch: RandomChooser, n: int) -> tuple[str, str | bytes]:
    """(kind, data): a text frame with fresh request ids, a binary frame,
    invalid UTF-8 sent as text, or an oversize frame."""
    roll = ch.number(0, 99)
    if roll < 6:
        return "binary", binary_frame(ch)
    if roll < 8:
        return "invalid_utf8", b'{"type":"ping","session_id":"fz","request_id":"q\xff"}'
    if roll < 10:
        return "oversize", '{"type":"ping","payload":{"x":"' + "a" * MAX_BYTES + '"}}'
    return "text", structured_frame(ch, "fz", (f"q{n}",), (f"q{n}.x:y-Z_9", "x" * 120 + str(n)))


async def _answers(c: Client, marker: str) -> tuple[list[dict[str, Any]], int | None]:
    """Frames up to the ``pong`` of ``marker`` (excluded), or to the close and its code."""
    frames: list[dict[str, Any]] = []
    try:
        while True:
            frame = check_frame(await c.recv())
            if frame["request_id"] == marker:
                assert frame["type"] == "pong", frame
                return frames, None
            frames.append(frame)
    except ConnectionClosed as exc:
        return frames, exc.rcvd.code if exc.rcvd else None


async def _send(c: Client, kind: str, data: str | bytes, marker: str) -> None:
    """Send the frame, then a ping whose pong marks the end of its answers."""
    try:
        await c.ws.send(data, text=True) if kind == "invalid_utf8" else await c.ws.send(data)
        await c.send("ping", {}, request_id=marker)
    except ConnectionClosed:
        pass  # the answers tell why


def _check_answer(kind: str, data: str | bytes, frames: list[dict[str, Any]], code: int | None,
                  abuse: int) -> int:
    """One frame's answer: at most one typed error, a close only by the rules
    of PROTOCOL.md sections 1, 6 and 8. Returns the abuse count after it."""
    rejections = [f for f in frames if f["type"] == "error" and not is_terminal(f)]
    assert len(rejections) <= 1, f"one frame, several errors: {frames}"
    assert all(f["payload"]["code"] in REJECT_CODES for f in rejections), frames
    assert not any(f["type"] == "error" and is_terminal(f) for f in frames), f"a turn failed: {frames}"
    abuse += sum(f["payload"]["code"] in ABUSE_ERRORS for f in rejections)
    if kind == "binary" and code is None:
        assert [f["payload"]["code"] for f in rejections] == ["invalid_message"], frames
    obj = parse(data) if isinstance(data, str) else None
    size = len(data) if isinstance(data, bytes) else len(data.encode())
    expected = 1007 if kind == "invalid_utf8" else 1009 if size > MAX_BYTES else None
    if expected is None and abuse > MAX_INVALID:
        expected = CloseCode.POLICY_VIOLATION
    elif expected is None and isinstance(obj, dict) and frames and frames[-1]["type"] == "session_end":
        expected = CloseCode.NORMAL
    assert code == expected, f"{kind} frame closed with {code}, expected {expected}: {data!r:.200}"
    return abuse


async def _fuzz_connection(c: Client, ch: RandomChooser, sent: int, tally: Counter[str]) -> int:
    """Random frames on one connection until it closes or the budget is spent."""
    await c.send("ping", {}, request_id="bind")  # binds the connection to session "fz"
    assert (await c.recv())["type"] == "pong"
    seen: list[dict[str, Any]] = []
    abuse = 0
    while sent < SOCKET_FRAMES:
        kind, data = _socket_frame(ch, sent)
        sent += 1
        await _send(c, kind, data, f"m{sent}")
        frames, code = await _answers(c, f"m{sent}")
        abuse = _check_answer(kind, data, frames, code, abuse)
        seen += frames
        tally[kind] += 1
        tally.update(f["type"] for f in frames)
        if code is not None:
            tally[f"close {code}"] += 1
            break
    check_turn_frames(seen)
    return sent


async def _well_behaved(server: Any, stop: asyncio.Event) -> int:
    """Turns, then pings, on a connection of its own until ``stop``; returns the turns."""
    turns = 0
    async with client(server, session_id="good") as c:
        await c.ready()
        while not stop.is_set():
            if turns < 150:
                frames = await c.turn(f"hello number {turns}")
                check_turn_frames(frames)
                assert frames[-1]["type"] == "done", frames
                assert frames[-1]["payload"]["text"].startswith("hello number"), frames[-1]
                turns += 1
            else:
                rid = await c.send("ping", {})
                assert (await c.recv())["request_id"] == rid
            await asyncio.sleep(0.002)
    return turns


async def test_random_frames_over_a_real_socket() -> None:
    ch = RandomChooser(random.Random(1717))
    tally: Counter[str] = Counter()
    async with running_server(SOCKET) as server:
        stop = asyncio.Event()
        good = asyncio.create_task(_well_behaved(server, stop))
        sent = connections = 0
        try:
            while sent < SOCKET_FRAMES:
                ch.noise, connections = (10, 30)[connections % 2], connections + 1  # turns, then abuse
                async with client(server, session_id="fz") as c:
                    sent = await _fuzz_connection(c, ch, sent, tally)
                assert not good.done(), "the well-behaved connection stopped"
        finally:
            stop.set()
            turns = await good
        assert turns >= 10, f"the well-behaved connection ran only {turns} turns"

        async def idle() -> bool:
            body = await stats(server)
            return bool(body["running_turns"] == 0) and await chat_running(server) == 0

        await wait_for(idle)
    for kind in ("text", "binary", "error", "token"):
        assert tally[kind] > 0, f"the socket fuzz never saw {kind}: {tally}"
    assert any(key.startswith("close") for key in tally), f"no connection was closed: {tally}"
