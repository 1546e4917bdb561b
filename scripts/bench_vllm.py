"""TTFT and tokens/s of the vLLM engine: through the server vs ``AsyncLLM`` in-process.

One vLLM engine serves both paths in the same run, with the same prompts
(greedy, so both produce the same tokens), alternating path by path, with the
prefix cache reset before every trial so neither path benefits from the
other's cache. "Server" is Cadence's ``/ws`` (session start with the user
utterance, tokens until ``done``); "in-process" is ``AsyncLLM.generate`` on the
very same engine with the prompt the server renders. The difference is the
server's overhead: WebSocket, protocol, session, turn runner and the engine
wrapper.

Usage (in the vLLM environment, see requirements-vllm-cpu.txt)::

    .venv-vllm/bin/python scripts/bench_vllm.py [--trials 3] [--max-tokens 32] \
        [--out docs/benchmarks/vllm.md]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "conformance"))

SYSTEM = "You are a helpful voice assistant. Answer in plain spoken sentences."
USERS = (
    "Tell me about the ocean.",
    "How do bees make honey?",
    "Describe a quiet morning in the mountains.",
    "What makes a good cup of tea?",
)


@dataclasses.dataclass
class Sample:
    """One request: time to first token, time from first to last, tokens."""

    ttft_s: float
    decode_s: float
    tokens: int


async def in_process(engine: Any, user: str, max_tokens: int) -> Sample:
    """One greedy request straight to the engine's ``AsyncLLM``."""
    from vllm.renderers.inputs.preprocess import parse_model_prompt

    from cadence.engines.base import ChatMessage, SamplingParams
    from cadence.engines.vllm_params import to_vllm_sampling

    prompt = engine.tokenizer.render([ChatMessage("system", SYSTEM), ChatMessage("user", user)])
    params = to_vllm_sampling(SamplingParams(temperature=0.0, max_tokens=max_tokens), engine._stop_ids)
    start = time.perf_counter()
    first = last = 0.0
    tokens = 0
    llm = engine._llm
    parsed = parse_model_prompt(llm.model_config, prompt)  # the engine's own input path
    tok_params = llm.renderer.default_cmpl_tok_params.with_kwargs(add_special_tokens=False)
    (engine_input,) = await llm.renderer.render_cmpl_async([parsed], tok_params)
    stream = llm.generate(engine_input, params, f"b-{uuid.uuid4().hex[:8]}")
    async for out in stream:
        now = time.perf_counter()
        if out.outputs and out.outputs[0].token_ids:
            first = first or now
            last = now
            tokens += len(out.outputs[0].token_ids)
    return Sample(first - start, last - first, tokens)


async def via_server(port: int, user: str, max_tokens: int) -> Sample:
    """One session over ``/ws``: start with the utterance, read until ``done``."""
    import orjson
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/ws?api_key=bench"
    async with connect(url, compression=None) as ws:
        frame = {"type": "start", "session_id": f"s-{uuid.uuid4().hex[:8]}", "request_id": "r1",
                 "payload": {"chat_prompt": SYSTEM, "user_utterance": user,
                             "sampling": {"temperature": 0, "max_tokens": max_tokens,
                                          "sanitize_output": False}}}
        start = time.perf_counter()
        await ws.send(orjson.dumps(frame).decode())
        first = last = 0.0
        while True:
            msg = orjson.loads(await ws.recv())
            now = time.perf_counter()
            if msg["type"] == "token":
                first = first or now
                last = now
            elif msg["type"] == "done":
                return Sample(first - start, last - first, msg["payload"]["usage"]["completion_tokens"])
            elif msg["type"] in ("error", "cancelled"):
                raise RuntimeError(f"turn failed: {msg}")


async def trial(engine: Any, run: Any, sessions: int) -> tuple[list[Sample], float]:
    """``sessions`` concurrent requests of one path; samples and wall time."""
    await engine.reset_prefix_cache_if_idle()
    start = time.perf_counter()
    samples = await asyncio.gather(*(run(USERS[i % len(USERS)]) for i in range(sessions)))
    return list(samples), time.perf_counter() - start


def summarize(samples: list[Sample], walls: list[float]) -> dict[str, float]:
    """Median TTFT, median per-session decode rate, aggregate tokens/s."""
    rates = [(s.tokens - 1) / s.decode_s for s in samples if s.decode_s > 0 and s.tokens > 1]
    return {
        "ttft_ms_p50": statistics.median(s.ttft_s for s in samples) * 1000,
        "ttft_ms_max": max(s.ttft_s for s in samples) * 1000,
        "session_tok_s_p50": statistics.median(rates) if rates else 0.0,
        "aggregate_tok_s": sum(s.tokens for s in samples) / sum(walls),
        "tokens": float(sum(s.tokens for s in samples)),
    }


async def bench(args: argparse.Namespace) -> dict[tuple[str, int], dict[str, float]]:
    """Start engine and server, run every (path, sessions) trial, close."""
    from conformance_fixtures import apply_vllm_cpu_env, vllm_test_config

    apply_vllm_cpu_env()
    from cadence.config.settings import ServerSettings, Settings
    from cadence.engines.base import SamplingParams
    from cadence.engines.vllm import VLLMEngine
    from cadence.server.app import CadenceServer
    from cadence.turns.config import CoreConfig

    engine = VLLMEngine(vllm_test_config(max_num_seqs=8))
    started = time.perf_counter()
    await engine.start()
    print(f"vLLM started in {time.perf_counter() - started:.1f}s", flush=True)
    settings = Settings(server=ServerSettings(host="127.0.0.1", port=0, api_key="bench"))
    core = CoreConfig(sessions=settings.sessions, sampling=SamplingParams(temperature=0.0),
                      chat_timeout_s=600.0, sanitize_output=False)
    server = CadenceServer(settings, core, engine, max_prompt_tokens=engine.max_prompt_tokens)
    await server.start()
    paths = {
        "in-process": lambda user: in_process(engine, user, args.max_tokens),
        "server": lambda user: via_server(server.port, user, args.max_tokens),
    }
    results: dict[tuple[str, int], dict[str, float]] = {}
    try:
        for path in paths.values():  # warm-up, not measured
            await trial(engine, path, 1)
        for sessions in (1, 4):
            collected: dict[str, tuple[list[Sample], list[float]]] = {p: ([], []) for p in paths}
            for _ in range(args.trials):
                for name, path in paths.items():
                    samples, wall = await trial(engine, path, sessions)
                    collected[name][0].extend(samples)
                    collected[name][1].append(wall)
            for name, (samples, walls) in collected.items():
                results[(name, sessions)] = summarize(samples, walls)
                print(name, sessions, results[(name, sessions)], flush=True)
    finally:
        await server.aclose()
    return results


def machine() -> str:
    """CPU model, usable cores, memory, load average."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{model}, {len(os.sched_getaffinity(0))} usable cores, {memory_kb / 2**20:.0f} GiB RAM, "
            f"no GPU; load average at the end {load} (the machine is shared)")


def report(results: dict[tuple[str, int], dict[str, float]], args: argparse.Namespace) -> str:
    """The markdown page."""
    import vllm

    rows = []
    for sessions in (1, 4):
        base, served = results[("in-process", sessions)], results[("server", sessions)]
        for name, r in (("AsyncLLM in-process", base), ("Cadence server /ws", served)):
            rows.append(f"| {sessions} | {name} | {r['ttft_ms_p50']:.0f} | {r['ttft_ms_max']:.0f} | "
                        f"{r['session_tok_s_p50']:.2f} | {r['aggregate_tok_s']:.2f} | {r['tokens']:.0f} |")
        rows.append(f"| {sessions} | server - in-process | {served['ttft_ms_p50'] - base['ttft_ms_p50']:+.0f} | | "
                    f"ratio {served['session_tok_s_p50'] / max(base['session_tok_s_p50'], 1e-9):.2f} | "
                    f"ratio {served['aggregate_tok_s'] / max(base['aggregate_tok_s'], 1e-9):.2f} | |")
    command = " ".join([".venv-vllm/bin/python", "scripts/bench_vllm.py", *sys.argv[1:]])
    return "\n".join([
        "# vLLM engine: server vs in-process",
        "",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- vLLM {vllm.__version__} (vllm-cpu), SmolLM2-135M-Instruct (fp32, enforce_eager, "
        f"block_size 32, prefix cache reset before every trial), greedy, max_tokens {args.max_tokens}, "
        f"{args.trials} trials per row, paths alternating within each trial round.",
        "",
        "| sessions | path | TTFT p50 ms | TTFT max ms | per-session tok/s p50 | aggregate tok/s | tokens |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "TTFT through the server is measured from sending `start` (with the utterance) to the first",
        "`token` frame; in-process from calling `AsyncLLM.generate` to the first output with a token.",
        "Per-session tok/s is (tokens - 1) / (last token - first token). These are CPU numbers for",
        "a shared 2-core machine: compare the rows of one run (ratios), not absolute values.",
        "",
    ])


def main() -> int:
    """Parse arguments, run the benchmark, write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "vllm.md")
    args = parser.parse_args()
    results = asyncio.run(bench(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(results, args), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
