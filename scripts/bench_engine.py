"""Engine in-process vs. through the server: TTFT and tokens/s, same run.

For each concurrency (default 1 and 4), the same prompts go first straight
to the engine in this process, then over /ws to a `cadence serve` subprocess
running the same engine. The server's added latency is the difference of
the two TTFTs. Usage:

    .venv/bin/python scripts/bench_engine.py --engine hf --rounds 3
    .venv/bin/python scripts/bench_engine.py --engine echo --json
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import sys
import time
import uuid

import orjson
from bench_launch import start_cadence
from websockets.asyncio.client import connect

from cadence.config.load import load_settings
from cadence.engines.base import ChatEngine, ChatMessage, GenerationRequest, SamplingParams
from cadence.engines.factory import build_chat_engine

SYSTEM = "You are a friendly voice assistant. Answer in two short sentences."
PROMPTS = [
    "What is a good name for a cat?",
    "How do I make a cup of tea?",
    "Tell me something interesting about the moon.",
    "What should I cook for dinner tonight?",
    "Why is the sky blue?",
    "Give me a tip for sleeping better.",
    "What is the capital of Japan?",
    "How far can a bee fly?",
]


@dataclasses.dataclass
class Sample:
    ttft_s: float
    total_s: float
    tokens: int

    @property
    def tokens_per_s(self) -> float:
        decode = self.total_s - self.ttft_s
        return (self.tokens - 1) / decode if self.tokens > 1 and decode > 0 else 0.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def in_process(engine: ChatEngine, concurrency: int, round_index: int, max_tokens: int) -> list[Sample]:
    sampling = SamplingParams(temperature=0.0, max_tokens=max_tokens)
    samples: list[Sample] = []

    async def one(prompt: str) -> Sample:
        text = engine.tokenizer.render([ChatMessage("system", SYSTEM), ChatMessage("user", prompt)])
        start = time.perf_counter()
        first = None
        tokens = 0
        async for delta in engine.generate(GenerationRequest(uuid.uuid4().hex, text, sampling)):
            if delta.text and first is None:
                first = time.perf_counter()
            if delta.usage is not None:
                tokens = delta.usage.completion_tokens
        end = time.perf_counter()
        return Sample((first or end) - start, end - start, tokens)

    batch = [PROMPTS[(round_index * concurrency + i) % len(PROMPTS)] for i in range(concurrency)]
    samples += await asyncio.gather(*(one(p) for p in batch))
    return samples


async def through_server(port: int, concurrency: int, round_index: int, max_tokens: int) -> list[Sample]:
    samples: list[Sample] = []
    url = f"ws://127.0.0.1:{port}/ws?api_key=bench"

    async def session(prompts: list[str]) -> list[Sample]:
        out = []
        sid = uuid.uuid4().hex[:12]
        async with connect(url, compression=None, max_size=None) as ws:
            start_frame = {"type": "start", "session_id": sid, "request_id": "s",
                           "payload": {"chat_prompt": SYSTEM,
                                       "sampling": {"temperature": 0, "max_tokens": max_tokens}}}
            await ws.send(orjson.dumps(start_frame).decode())
            await ws.recv()
            for prompt in prompts:
                # A fresh session per prompt keeps the prompt identical to in-process.
                await ws.send(orjson.dumps(dict(start_frame, request_id=uuid.uuid4().hex[:8])).decode())
                await ws.recv()
                rid = uuid.uuid4().hex[:8]
                t0 = time.perf_counter()
                await ws.send(orjson.dumps({"type": "message", "session_id": sid, "request_id": rid,
                                            "payload": {"user_utterance": prompt}}).decode())
                first = None
                while True:
                    frame = orjson.loads(await ws.recv())
                    if frame["type"] == "token" and first is None:
                        first = time.perf_counter()
                    if frame["type"] in ("done", "cancelled", "error"):
                        end = time.perf_counter()
                        usage = frame["payload"].get("usage", {})
                        out.append(Sample((first or end) - t0, end - t0, usage.get("completion_tokens", 0)))
                        break
        return out

    per_session = [[PROMPTS[(round_index * concurrency + i) % len(PROMPTS)]] for i in range(concurrency)]
    for result in await asyncio.gather(*(session(p) for p in per_session)):
        samples += result
    return samples


def summarise(samples: list[Sample]) -> dict[str, float]:
    ttft = [s.ttft_s * 1000 for s in samples]
    return {
        "n": len(samples),
        "ttft_p50_ms": round(pct(ttft, 50), 1),
        "ttft_p95_ms": round(pct(ttft, 95), 1),
        "ttft_p99_ms": round(pct(ttft, 99), 1),
        "tokens_per_s": round(statistics.mean(s.tokens_per_s for s in samples), 2),
        "completion_tokens": round(statistics.mean(s.tokens for s in samples), 1),
    }


async def run(args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """Alternate in-process and server rounds so both see the same machine."""
    proc = start_cadence({"INFERENCE_ENGINE": args.engine, "DEPLOY_MODE": "chat"}, args.port)
    settings = load_settings({**os.environ, "TEXT_API_KEY": "bench", "INFERENCE_ENGINE": args.engine})
    engine = build_chat_engine(settings)
    await engine.start()
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for c in args.concurrency:
            local: list[Sample] = []
            remote: list[Sample] = []
            for round_index in range(args.rounds):
                local += await in_process(engine, c, round_index, args.max_tokens)
                remote += await through_server(args.port, c, round_index, args.max_tokens)
            row = {"in_process": summarise(local), "server": summarise(remote)}
            row["server_added_ttft_p50_ms"] = {
                "value": round(row["server"]["ttft_p50_ms"] - row["in_process"]["ttft_p50_ms"], 1)
            }
            results[f"c{c}"] = row
    finally:
        await engine.aclose()
        proc.terminate()
        proc.wait(60)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="hf")
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    if args.json:
        print(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
        return 0
    print(f"engine={args.engine} rounds={args.rounds} max_tokens={args.max_tokens}")
    print(f"{'conc':>5} {'path':>11} {'n':>3} {'ttft p50':>9} {'p95':>7} {'p99':>7} {'tok/s':>7}")
    for key, row in results.items():
        for path in ("in_process", "server"):
            r = row[path]
            print(f"{key:>5} {path:>11} {r['n']:>3} {r['ttft_p50_ms']:>9} {r['ttft_p95_ms']:>7} "
                  f"{r['ttft_p99_ms']:>7} {r['tokens_per_s']:>7}")
        print(f"{key:>5} server added TTFT p50: {row['server_added_ttft_p50_ms']['value']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
