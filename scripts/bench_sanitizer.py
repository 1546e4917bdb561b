"""Benchmark of the speech sanitizer: cost per character and per token.

Usage: ``.venv/bin/python scripts/bench_sanitizer.py [--runs N] [--seed S]``
or ``... --instructions`` (needs valgrind).

Prints, for model-like replies of 600, 2,400 and 9,600 characters fed as
BPE-like tokens of about 4 characters (and, for comparison, all at once),
the cost in microseconds per character; the cost per ``feed()`` of the
token streams below (``STREAMS``); then the latency each ``feed()`` adds to
a token (p50/p95/p99/max) and how often a token leaves nothing held back.

CPU times come from ``time.thread_time`` (other processes sharing the cores
do not inflate them); wall times from ``time.perf_counter``.

``--instructions`` counts instead, exactly, the user-space instructions one
``feed()`` costs: it runs this script under ``valgrind --tool=cachegrind``
with 2,000 and with 4,000 feeds of the same token stream (``--feeds N
--stream NAME``) and divides the difference by 2,000, so that start-up and
the first tokens cancel out. The ``loop`` stream is the harness alone (the
loop over the tokens, no call); the others include the call to ``feed()``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cadence.sanitize import Sanitizer, SanitizerConfig

SIZES = (600, 2400, 9600)
# fmt: off
WORDS = (
    "the", "quick", "answer", "is", "that", "we", "can", "move", "your",
    "appointment", "to", "Thursday", "and", "I", "will", "send", "a", "reminder",
    "so", "you", "do", "not", "forget", "it", "also", "store", "opens", "early",
    "on", "weekends", "but", "parking", "limited", "near", "main", "entrance",
)
# fmt: on
#: A word piece of up to 5 letters with its leading space, or one other
#: character: close to what BPE tokenizers produce for English.
TOKEN = re.compile(r" ?[^\W_]{1,5}| ?[^\w\s]|\s")
EXTRAS = (
    " **Note:** bring your ID.",
    " Email me at jane.doe@example.com.",
    " See https://www.example.com/help/getting-started for details.",
    " Call 555-123-4567 before 5 p.m.",
    " It's 25°C with a 40% chance of rain 😀.",
    " *smiles* Sure thing!",
    "\n- first option\n- second option\n",
    " That is, e.g., the cheaper one — really.",
    " Prices start at $1,299.99 (approx.).",
)
CONFIG = SanitizerConfig(control_prefixes=("MUST CHECK SCREEN:", "ON THE SCREEN NOW: "))
#: Token streams for ``--instructions``: ordinary word tokens; a chat
#: sentence with its punctuation (",", ".", "!", " a", " I"); the BPE-like
#: tokens of the model-like reply (markdown, addresses, numbers...).
STREAMS = {
    "words": [" the", " quick", " world", " store", " opens", " early", " on",
              " weekends", " but", " parking", " is", " limited", " near", " main",
              " entrance"],
    "sentence": [" the", " quick", " answer", " is", " that", " we", " can", " move",
                 " your", " appointment", ",", " Thursday", " today", ".", " I",
                 " will", " send", " a", " reminder", "!"],
    "reply": [],
    "loop": [" the"],
}  # fmt: skip


def model_reply(size: int, rng: random.Random) -> str:
    """A deterministic model-like reply of exactly ``size`` characters."""
    parts: list[str] = []
    length = 0
    while length < size:
        words = rng.choices(WORDS, k=rng.randint(5, 16))
        sentence = " ".join(words).capitalize() + rng.choice(".!?,") + " "
        if rng.random() < 0.3:
            sentence += rng.choice(EXTRAS) + " "
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)[:size]


def tokens_of(text: str) -> list[str]:
    tokens = TOKEN.findall(text)
    assert "".join(tokens) == text
    return tokens


def run_once(chunks: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to sanitize ``chunks`` as one reply."""
    cpu, wall = time.thread_time(), time.perf_counter()
    sanitizer = Sanitizer(CONFIG)
    for chunk in chunks:
        sanitizer.feed(chunk)
    sanitizer.flush()
    return time.thread_time() - cpu, time.perf_counter() - wall


def cost_table(runs: int, rng: random.Random) -> list[str]:
    header = (
        "| reply chars | tokens | streamed µs/char CPU best | CPU median "
        "| wall best | streamed ms/reply CPU best | all at once µs/char CPU best |"
    )
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|"]
    for size in SIZES:
        text = model_reply(size, rng)
        tokens = tokens_of(text)
        streamed = [run_once(tokens) for _ in range(runs)]
        whole = [run_once([text]) for _ in range(runs)]
        cpu = [c / size * 1e6 for c, _ in streamed]
        wall = min(w for _, w in streamed) / size * 1e6
        once = min(c for c, _ in whole) / size * 1e6
        lines.append(
            f"| {size:,} | {len(tokens)} | {min(cpu):.2f} "
            f"| {statistics.median(cpu):.2f} | {wall:.2f} "
            f"| {min(cpu) * size / 1e3:.3f} | {once:.2f} |"
        )
    return lines


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_table(runs: int, rng: random.Random) -> list[str]:
    """Per-``feed()`` latency over a 2,400-character reply in tokens."""
    tokens = tokens_of(model_reply(2400, rng))
    wall: list[float] = []
    cpu: list[float] = []
    same_step = 0
    for _ in range(runs):
        sanitizer = Sanitizer(CONFIG)
        for token in tokens:
            c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
            sanitizer.feed(token)
            wall.append((time.perf_counter_ns() - w0) / 1e3)
            cpu.append((time.thread_time_ns() - c0) / 1e3)
            same_step += sanitizer.pending_raw_chars == 0
        sanitizer.flush()
    lines = [
        "| per feed() | p50 µs | p95 µs | p99 µs | max µs |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in (("wall", wall), ("CPU", cpu)):
        cells = " | ".join(f"{percentile(values, q):.1f}" for q in (0.5, 0.95, 0.99))
        lines.append(f"| {name} | {cells} | {max(values):.1f} |")
    share = same_step / (runs * len(tokens)) * 100
    lines.append("")
    mean = 2400 / len(tokens)
    lines.append(
        f"Tokens after which nothing was held back: {share:.1f}% "
        f"({runs} runs x {len(tokens)} tokens, {mean:.1f} characters on average)."
    )
    delays = hold_delays(tokens)
    cells = ", ".join(
        f"p{int(q * 100)} {percentile(delays, q)}" for q in (0.5, 0.95, 0.99)
    )
    lines.append(
        f"Hold-back delay of a raw character, in tokens: {cells}, "
        f"max {max(delays)}, mean {statistics.mean(delays):.2f}."
    )
    return lines


def hold_delays(tokens: list[str]) -> list[float]:
    """For each raw character: tokens fed after its own before it was delivered."""
    sanitizer = Sanitizer(CONFIG)
    arrived: list[int] = []
    delays: list[float] = []
    delivered = 0
    for step, token in enumerate(tokens):
        arrived.extend([step] * len(token))
        sanitizer.feed(token)
        now = len(arrived) - sanitizer.pending_raw_chars
        delays.extend(step - arrived[k] for k in range(delivered, now))
        delivered = now
    sanitizer.flush()
    delays.extend(len(tokens) - arrived[k] for k in range(delivered, len(arrived)))
    return delays


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def stream_tokens(name: str, n: int) -> list[str]:
    """The first ``n`` tokens of stream ``name``, cycled."""
    tokens = STREAMS[name] or tokens_of(model_reply(2400, random.Random(7)))
    return (tokens * (n // len(tokens) + 1))[:n]


def run_feeds(name: str, n: int) -> None:
    """Feed ``n`` tokens of stream ``name`` to one sanitizer (after "Hello",
    the reply's start), for counting under valgrind."""
    tokens = stream_tokens(name, n)
    sanitizer = Sanitizer(CONFIG)
    sanitizer.feed("Hello")
    feed = sanitizer.feed
    if name == "loop":
        for _token in tokens:
            pass
    else:
        for token in tokens:
            feed(token)
    sanitizer.flush()


def count_instructions(name: str, n: int) -> int:
    """User-space instructions of this script run with ``--feeds n``."""
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no",
                   "--cachegrind-out-file=/dev/null", f"--log-file={log.name}",
                   sys.executable, __file__, "--feeds", str(n), "--stream", name]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env)
        match = re.search(r"I\s+refs:\s+([\d,]+)", Path(log.name).read_text())
    if match is None:
        raise RuntimeError("no instruction count in the valgrind log")
    return int(match[1].replace(",", ""))


def stream_table(runs: int) -> list[str]:
    """CPU time per ``feed()`` over 20,000 tokens of each token stream."""
    lines = ["| token stream | µs per feed() CPU best | CPU median |", "|---|---:|---:|"]
    for name in ("words", "sentence", "reply"):
        tokens = stream_tokens(name, 20000)
        cpu = [run_once(tokens)[0] / len(tokens) * 1e6 for _ in range(runs)]
        lines.append(f"| {name} | {min(cpu):.2f} | {statistics.median(cpu):.2f} |")
    return lines


def instructions_table() -> list[str]:
    lines = ["| token stream | instructions per feed() |", "|---|---:|"]
    for name in STREAMS:
        per_feed = (count_instructions(name, 4000) - count_instructions(name, 2000)) / 2000
        lines.append(f"| {name} | {per_feed:,.0f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions per feed() under valgrind instead",
    )
    parser.add_argument("--feeds", type=int, help="internal: feed N tokens and exit")
    parser.add_argument("--stream", choices=sorted(STREAMS), default="words")
    args = parser.parse_args()
    if args.feeds is not None:
        run_feeds(args.stream, args.feeds)
        return
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"cpu: {cpu_model()}; python {platform.python_version()}")
    if args.instructions:
        print("\n".join(instructions_table()))
        return
    rng = random.Random(args.seed)
    print(f"runs: {args.runs}, seed: {args.seed}")
    print()
    print("\n".join(cost_table(args.runs, rng)))
    print()
    print("\n".join(stream_table(args.runs)))
    print()
    print("\n".join(latency_table(args.runs, rng)))


if __name__ == "__main__":
    main()
