"""What the Pipecat service adds to a turn, and how fast a barge-in turns over.

Starts ``cadence serve --engine echo`` (50 tokens/s, as a chat model speaks)
in its own process, then runs real Pipecat pipelines (user aggregator,
``CadenceLLMService``, assistant aggregator) against it, one call at a time:

1. Added latency: for every turn, Pipecat's TTFB metric (from the moment
   the service takes the context frame to its first ``LLMTextFrame``)
   against the client library's TTFT for the same turn (from sending the
   frame to receiving the first ``token``). The difference is what the
   service adds: reading the context, deciding what to send, handing the
   text to Pipecat. Target: at most 1 ms at p50.
2. Interruption turnover: mid-reply, an ``InterruptionFrame`` followed at
   once by the next user turn (a barge-in); the time from the interruption
   to the old reply's ``LLMFullResponseEndFrame``, and to the new reply's
   first ``LLMTextFrame``. The echo engine sends its first token 20 ms after
   a turn starts, so about 20 ms of the second number is the "model".

Usage: python scripts/bench_pipecat.py [--calls 10] [--turns 20] [--port 8791] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration" / "pipecat"))

from bench_launch import API_KEY, start_cadence  # noqa: E402
from loguru import logger  # noqa: E402
from pipecat.frames.frames import LLMFullResponseEndFrame, LLMTextFrame  # noqa: E402
from pipecat_harness import Bot, running_bot  # noqa: E402

from cadence.client.pipecat import CadenceLLMService  # noqa: E402
from cadence.client.stats import summarize  # noqa: E402

UTTERANCES = ["hi there how are you", "what is the weather like", "tell me about your day",
              "that sounds nice", "any plans for the weekend"]


def _last_client_ttft(llm: CadenceLLMService) -> float | None:
    turn = llm.session.last_turn
    result = turn.peek() if turn is not None else None
    return result.timings.ttft_ms if result is not None else None


async def _one_call(url: str, turns: int, out: dict[str, list[float]]) -> None:
    llm = CadenceLLMService(url, API_KEY)
    async with running_bot(llm) as bot:
        for i in range(turns):
            before = len(bot.recorder.ttfb_s())
            await bot.reply(UTTERANCES[i % len(UTTERANCES)])
            ttfb = bot.recorder.ttfb_s()[before:]
            ttft = _last_client_ttft(llm)
            if len(ttfb) == 1 and ttft is not None:
                out["pipecat_ttfb_ms"].append(ttfb[0] * 1000.0)
                out["client_ttft_ms"].append(ttft)
                out["added_ms"].append(ttfb[0] * 1000.0 - ttft)
        await _interruptions(bot, llm, out)


async def _interruptions(bot: Bot, llm: CadenceLLMService, out: dict[str, list[float]]) -> None:
    rec = bot.recorder
    for i in range(5):
        ends = rec.count(LLMFullResponseEndFrame)
        await bot.say(f"tell me a long story number {i}")
        await bot.wait_text()
        await asyncio.sleep(0.1)
        at = await bot.interrupt()
        await bot.say("wait, stop")
        await bot.wait_responses(ends + 2)
        ended = next(t for t, f in rec.down if isinstance(f, LLMFullResponseEndFrame) and t > at)
        first = next(t for t, f in rec.down if isinstance(f, LLMTextFrame) and t > ended)
        out["interrupt_to_end_ms"].append((ended - at) * 1000.0)
        out["interrupt_to_next_token_ms"].append((first - at) * 1000.0)
        result = llm.session.last_turn.peek() if llm.session.last_turn else None
        server = result.timings.server if result is not None else None
        if server is not None and server.ttft_ms is not None:
            out["next_turn_server_ttft_ms"].append(server.ttft_ms)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{args.port}/ws"
    out: dict[str, list[float]] = {key: [] for key in (
        "pipecat_ttfb_ms", "client_ttft_ms", "added_ms", "interrupt_to_end_ms",
        "interrupt_to_next_token_ms", "next_turn_server_ttft_ms")}
    started = time.perf_counter()
    for _ in range(args.calls):
        await _one_call(url, args.turns, out)
    summaries = {key: summarize(values) for key, values in out.items()}
    return {"schema": "cadence-bench-pipecat/1", "calls": args.calls, "turns_per_call": args.turns,
            "duration_s": round(time.perf_counter() - started, 1),
            "metrics": {key: s.as_dict() for key, s in summaries.items()}}


def _print(report: dict[str, Any]) -> None:
    print(f"{report['calls']} calls x {report['turns_per_call']} turns + 5 barge-ins each, "
          f"{report['duration_s']} s")
    print(f"{'metric':28} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for key, s in report["metrics"].items():
        cells = [f"{s[q]:8.2f}" if s[q] is not None else f"{'-':>8}" for q in ("p50", "p95", "p99", "max")]
        print(f"{key:28} {s['n']:>5} {' '.join(cells)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    server = start_cadence({"INFERENCE_ENGINE": "echo", "DEPLOY_MODE": "chat", "ECHO_TOKENS_PER_SECOND": "50",
                            "ECHO_REPLY_TOKENS": "20", "WS_MAX_CANCELS_PER_WINDOW": "0"}, args.port)
    try:
        report = asyncio.run(run(args))
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
