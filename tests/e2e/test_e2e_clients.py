"""Every e2e client, run through its ``main(argv)`` against a real echo server.

The server is ``python -m cadence serve --engine echo`` in a subprocess on a
free port (:mod:`e2e_server`); budgets are small so the file runs in seconds.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from websockets.asyncio.server import ServerConnection, serve

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench
import cancel
import common
import conversation
import e2e_server
import history
import idle
import live
import tool
import warmup

METRIC_KEYS = {"ttft_ms", "tpot_ms", "itl_ms", "e2e_ms", "toolcall_ms", "first_3_words_ms",
               "first_sentence_ms", "server_ttft_ms", "connect_ms"}
SUMMARY_KEYS = {"n", "avg", "min", "p50", "p90", "p95", "p99", "max"}

#: A fast echo server: short replies, still streamed (cancel needs a stream).
ECHO_ENV = {
    "ECHO_TOKENS_PER_SECOND": "200",
    "ECHO_REPLY_TOKENS": "16",
    "WS_MAX_MESSAGES_PER_WINDOW": "0",
    "CHAT_HISTORY_MAX_TOKENS": "1200",
}


@pytest.fixture(scope="module")
def echo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[e2e_server.RunningServer]:
    with e2e_server.serve("echo", ECHO_ENV, tmp_path_factory.mktemp("echo")) as server:
        yield server


def args(server: e2e_server.RunningServer, *extra: str, timeout: float = 10.0) -> list[str]:
    return ["--server", server.ws_url, "--api-key", e2e_server.API_KEY, "--timeout", str(timeout), *extra]


def test_warmup(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert warmup.main(args(echo, "--gender", "man", "--personality", "savage", "hello there friend")) == 0
    out = capsys.readouterr().out
    assert "assistant: hello there friend hello" in out.lower()
    assert "[done]" in out and "ttfb=" in out and "3w=" in out and "sent=" in out


def test_warmup_double_ttfb(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert warmup.main(args(echo, "--double-ttfb")) == 0
    out = capsys.readouterr().out
    assert "COLD [done]" in out and "WARM [done]" in out and "TTFB cold=" in out


def test_bench_json(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(args(echo, "-n", "12", "-c", "4", "--json")) == 0
    report = orjson.loads(capsys.readouterr().out)
    assert report["schema"] == "cadence-bench/1"
    assert report["counts"]["completed"] == 12 and report["counts"]["errors"] == 0
    assert set(report["metrics"]) == METRIC_KEYS
    for key in METRIC_KEYS:
        assert set(report["metrics"][key]) == SUMMARY_KEYS, key
    assert report["metrics"]["ttft_ms"]["n"] == 12
    assert 12 <= report["metrics"]["itl_ms"]["n"] <= 12 * 15  # up to 15 gaps per 16-token reply
    assert report["metrics"]["toolcall_ms"]["n"] == 0  # no tool model
    assert report["throughput"]["output_tokens"] == 12 * 16
    assert report["phases"] is None


def test_bench_double_ttfb_file_and_histogram(echo: e2e_server.RunningServer, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    target, png = tmp_path / "bench.json", tmp_path / "bench.png"
    assert bench.main(args(echo, "-n", "4", "-c", "2", "--double-ttfb", "--json", str(target),
                           "--histogram", str(png))) == 0
    captured = capsys.readouterr()
    assert "bench.py RESULT" in captured.out and "-- cold --" in captured.out
    report = orjson.loads(target.read_text())
    assert report["counts"]["turns"] == 8
    assert set(report["phases"]) == {"cold", "warm"}
    assert report["phases"]["warm"]["ttft_ms"]["n"] == 4
    assert png.exists() or "histogram skipped: matplotlib is not installed" in captured.err


def test_bench_counts_errors(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(args(echo, "-n", "3", "-c", "3", "--temperature", "5", "--json")) == 1
    report = orjson.loads(capsys.readouterr().out)
    assert report["counts"]["failed"] == 3 and report["error_codes"] == {"invalid_sampling": 3}
    assert report["metrics"]["ttft_ms"]["n"] == 0


def test_live(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello there\n/cancel\n/history\n/ping\nhow are you\n"))
    assert live.main(args(echo, "--persona", "sam_calm", "--warm")) == 0
    out = capsys.readouterr().out
    assert "as Sam (male, calm)" in out and "HISTORY (" in out and "pong in" in out
    assert "you> how are you" in out and "[done]" in out


def test_conversation_trims_history(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert conversation.main(args(echo, "--pad-words", "120", "--expect-trim")) == 0
    out = capsys.readouterr().out
    assert out.count("[done]") == 10
    assert "history trimmed at turn(s): [" in out
    assert "FIRST  (includes prefill)" in out and "(n=9)" in out


def test_history_recall(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert history.main(args(echo, "--gender", "male", "--personality", "flirty")) == 0
    out = capsys.readouterr().out
    assert "warm history accepted: 20 messages" in out and "recall " in out and "(n=6)" in out


def test_history_bench(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert history.main(args(echo, "--bench", "-n", "4", "-c", "2", "--json")) == 0
    report = orjson.loads(capsys.readouterr().out)
    assert report["counts"]["completed"] == 4
    assert report["metrics"]["ttft_ms"]["n"] == 4 * 6 and report["phases"]["first"]["ttft_ms"]["n"] == 4


def test_cancel(echo: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    rc = cancel.main(args(echo, "--clients", "3", "--drain-timeout", "0.3", "--check-stats"))
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "cancel regression: PASS" in out and out.count("recovered [done]") == 3


def test_idle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = {"WS_IDLE_TIMEOUT_S": "1", "ECHO_TOKENS_PER_SECOND": "0"}
    with e2e_server.serve("echo", env, tmp_path) as server:
        rc = idle.main(args(server, "--normal-wait", "0.2", "--idle-expect-seconds", "1",
                            "--idle-grace-seconds", "3"))
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "close 1000" in out and "idle close: 4000 'idle_timeout'" in out and "reconnects=1 [done]" in out


def test_tool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        with e2e_server.serve("echo", {"DEPLOY_MODE": "both"}, tmp_path, ready_timeout=60) as server:
            rc = tool.main(args(server, "--limit", "8", "--concurrency", "8", timeout=2.0))
    except RuntimeError as exc:
        pytest.skip(f"DEPLOY_MODE=both server did not start (tool model not available yet): {exc}")
    out = capsys.readouterr().out
    if rc == tool.UNAVAILABLE:
        problems = next((line.strip() for line in out.splitlines() if "problems:" in line), "")
        pytest.skip(f"the DEPLOY_MODE=both server sent no toolcall frame in any case ({problems}): "
                    "tool routing is not wired into the server yet")
    assert rc == 0, out
    assert "accuracy" in out and "decided    8" in out


async def _fake_tool_peer(ws: ServerConnection) -> None:
    """Answers like a tool-only deployment: toolcall, then an empty done."""
    async for raw in ws:
        frame = orjson.loads(raw)
        ids = {"session_id": frame["session_id"], "request_id": frame["request_id"]}
        if frame["type"] == "start":
            yes = "screen" in frame["payload"]["user_utterance"].lower()
            await ws.send(orjson.dumps({**ids, "type": "toolcall", "payload": {
                "status": "yes" if yes else "no", "score": 0.9 if yes else 0.1,
                "raw": [{"name": "take_screenshot", "score": 0.9}] if yes else []}}).decode())
            await ws.send(orjson.dumps({**ids, "type": "done", "payload": {
                "text": "", "finish_reason": "stop", "usage": {}, "truncated": False,
                "timings": {"tool_ms": 1.0, "ttft_ms": None, "total_ms": 1.0}}}).decode())
        elif frame["type"] == "end":
            await ws.send(orjson.dumps({**ids, "type": "session_end",
                                        "payload": {"reason": "client_request"}}).decode())
            await ws.close(1000)


async def test_tool_scoring_against_a_fake_tool_server(tmp_path: Path) -> None:
    """tool.py's decision path and scores, with a scripted peer (no tool model needed)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(orjson.dumps(c).decode() for c in [
        {"text": "what is on my screen", "label": 1}, {"text": "look at the screen", "label": 0},
        {"text": "tell me a joke", "label": 0}, {"text": "check this out", "label": 1},
    ]))
    async with serve(_fake_tool_peer, "127.0.0.1", 0, compression=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        parsed = common.base_parser("t", message=False).parse_args(
            ["--server", f"ws://127.0.0.1:{port}", "--api-key", "k", "--timeout", "5", "--personality", "calm"])
        decisions = [await tool.decide(parsed, case) for case in tool.load_cases(cases, None)]
    assert [d.predicted for d in decisions] == [True, True, False, False]
    assert all(d.latency_ms is not None for d in decisions)
    scores = tool.score(decisions)
    assert (scores["tp"], scores["fp"], scores["tn"], scores["fn"]) == (1, 1, 1, 1)
    assert scores["accuracy"] == 0.5 and scores["precision"] == 0.5 and scores["recall"] == 0.5
