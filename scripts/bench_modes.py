"""Chat TTFT in ``both`` mode vs ``chat`` mode: what the tool decision costs.

Two servers on the same engine run side by side (one per mode); the same
utterances go to each in alternation, one at a time, and the script reports
TTFT p50/p95/p99 per mode, the ratio both/chat, and the toolcall latency.
The utterances are ones the classifier answers "no" to (the common case:
the chat generation started at the same time as the classifier is used).
``--history N`` starts every session with N earlier exchanges (as a real
call has), so the classifier reads history too; ``--tool-model`` and
``--tool-history-tokens`` pick the classifier (to compare models).

    .venv/bin/python scripts/bench_modes.py --engine hf --rounds 20 --history 6
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid

import orjson
from bench_launch import start_cadence
from websockets.asyncio.client import connect

SYSTEM = "You are a friendly voice assistant. Answer in one short sentence."
UTTERANCES = [
    "what's a good name for a puppy",
    "how long should I boil an egg",
    "tell me a fun fact about owls",
    "what should I have for lunch",
    "is it going to be a nice weekend",
    "recommend me a podcast about history",
]


EARLIER = [
    ("hey there", "Hi! How can I help?"),
    ("I'm planning my week", "Sounds good, what's on it?"),
    ("work mostly and a dentist appointment", "Busy week then."),
    ("yeah and my sister visits on friday", "That will be nice."),
    ("she loves italian food", "Maybe try a new Italian place."),
    ("good idea", "Glad to help."),
    ("also I need new running shoes", "Any brand in mind?"),
    ("not really", "Comfort first, then."),
]


async def turn(port: int, utterance: str, max_tokens: int, history: int = 0) -> tuple[float, float | None, str]:
    """One fresh session with ``history`` earlier exchanges: returns
    (ttft_ms, tool_ms, toolcall status)."""
    sid = uuid.uuid4().hex[:12]
    async with connect(f"ws://127.0.0.1:{port}/ws?api_key=bench", compression=None) as ws:
        payload = {"chat_prompt": SYSTEM, "sampling": {"temperature": 0, "max_tokens": max_tokens},
                   "history": [{"role": role, "content": text} for user, reply in EARLIER[:history]
                               for role, text in (("user", user), ("assistant", reply))]}
        await ws.send(orjson.dumps({"type": "start", "session_id": sid, "request_id": "a",
                                    "payload": payload}).decode())
        await ws.recv()
        t0 = time.perf_counter()
        await ws.send(orjson.dumps({"type": "message", "session_id": sid, "request_id": "b",
                                    "payload": {"user_utterance": utterance}}).decode())
        ttft = None
        status = "-"
        while True:
            frame = orjson.loads(await ws.recv())
            if frame["type"] == "toolcall":
                status = frame["payload"]["status"]
            elif frame["type"] == "token" and ttft is None:
                ttft = (time.perf_counter() - t0) * 1000
            elif frame["type"] in ("done", "cancelled", "error"):
                tool_ms = frame["payload"].get("timings", {}).get("tool_ms")
                return (ttft or 0.0), tool_ms, status


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> int:
    tool = {"TOOL_MODEL": args.tool_model} if args.tool_model else {}
    if args.tool_history_tokens is not None:
        tool["TOOL_HISTORY_TOKENS"] = str(args.tool_history_tokens)
    chat = start_cadence({"INFERENCE_ENGINE": args.engine, "DEPLOY_MODE": "chat"}, args.port, wait_s=180)
    both = start_cadence({"INFERENCE_ENGINE": args.engine, "DEPLOY_MODE": "both", **tool}, args.port + 1,
                         wait_s=180)
    ttft: dict[str, list[float]] = {"chat": [], "both": []}
    tool_ms: list[float] = []
    statuses: list[str] = []
    try:
        for port in (args.port, args.port + 1):  # warm both
            await turn(port, UTTERANCES[0], args.max_tokens, args.history)
        for index in range(args.rounds):
            utterance = UTTERANCES[index % len(UTTERANCES)]
            order = [("chat", args.port), ("both", args.port + 1)]
            for mode, port in order if index % 2 == 0 else order[::-1]:
                value, tool_ms_one, status = await turn(port, utterance, args.max_tokens, args.history)
                ttft[mode].append(value)
                if mode == "both":
                    statuses.append(status)
                    if tool_ms_one is not None:
                        tool_ms.append(tool_ms_one)
    finally:
        for proc in (chat, both):
            proc.terminate()
            proc.wait(60)
    print(f"engine={args.engine} rounds={args.rounds} max_tokens={args.max_tokens} history={args.history} "
          f"tool_model={args.tool_model or 'default'}")
    print(f"{'mode':>5} {'n':>3} {'ttft p50':>9} {'p95':>8} {'p99':>8}")
    for mode, values in ttft.items():
        print(f"{mode:>5} {len(values):>3} {pct(values, 50):>9.1f} {pct(values, 95):>8.1f} {pct(values, 99):>8.1f}")
    ratio = pct(ttft["both"], 50) / pct(ttft["chat"], 50)
    print(f"both/chat TTFT p50 ratio: {ratio:.3f}")
    if tool_ms:
        print(f"toolcall latency (done.timings.tool_ms) p50 {pct(tool_ms, 50):.1f} ms, "
              f"p95 {pct(tool_ms, 95):.1f} ms; decisions: {statuses.count('no')} no, "
              f"{statuses.count('yes')} yes")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="hf")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--max-tokens", type=int, default=8)
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--history", type=int, default=0, help=f"earlier exchanges (0-{len(EARLIER)})")
    parser.add_argument("--tool-model", default=None, help="TOOL_MODEL of the both-mode server")
    parser.add_argument("--tool-history-tokens", type=int, default=None)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
