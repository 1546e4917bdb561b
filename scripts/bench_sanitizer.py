"""Benchmark of the speech sanitizer: cost per character and per token.

Usage: ``.venv/bin/python scripts/bench_sanitizer.py [--runs N] [--seed S]``
or ``... --instructions`` (needs valgrind).

Prints, for model-like replies of 600, 2,400 and 9,600 characters fed as
BPE-like tokens of about 4 characters (and, for comparison, all at once),
the cost in microseconds per character; the cost per ``feed()`` of the
token streams below (``STREAMS``); then the latency each ``feed()`` adds to
a token (p50/p95/p99/max) and how often a token leaves nothing held back;
and the cost of a turn (``TURNS``: a new ``Sanitizer``, 40 tokens, ``flush()``)
phase by phase, timed over 100 turns at a time with the garbage collector off.

CPU times come from ``time.thread_time`` (other processes sharing the cores
do not inflate them); wall times from ``time.perf_counter``.

``--instructions`` counts instead, exactly, the user-space instructions one
``feed()`` costs: it runs this script under ``valgrind --tool=cachegrind``
with 2,000 and with 4,000 feeds of the same token stream (``--feeds N
--stream NAME``) and divides the difference by 2,000, so that start-up and
the first tokens cancel out. The ``loop`` stream is the harness alone (the
loop over the tokens, no call); the others include the call to ``feed()``.
Per turn, likewise: 500 and 1,000 turns (``--turns N --stream NAME --upto
PHASE``), stopping after each phase in turn; the differences are the phases.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import itertools
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
_CHAT = ("tell me something about the weather in paris " * 5).split()
#: Turns of 40 plain tokens ("tell", " me"...), ending with a word or a "." (held).
TURNS = {"words": [_CHAT[0], *(" " + w for w in _CHAT[1:])]}
TURNS["sentence"] = [*TURNS["words"][:-1], "."]
#: A turn's phases, in order (``loop``: the harness alone).
PHASES = ("loop", "new", "first", "feed", "flush")


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


def run_turns(name: str, n: int, upto: str) -> None:
    """Run ``n`` turns of ``TURNS[name]``, each only up to phase ``upto``."""
    tokens, depth = TURNS[name], PHASES.index(upto)
    for _ in range(n):
        sanitizer = Sanitizer(CONFIG) if depth else None
        if sanitizer is None or depth <= 2:
            if depth == 2:
                sanitizer.feed(tokens[0])
            for _token in tokens:
                pass
            continue
        for token in tokens:
            sanitizer.feed(token)
        if depth == 4:
            sanitizer.flush()


def turn_times(tokens: list[str], k: int = 100) -> list[float]:
    """CPU µs per turn of construction, first feed, other feeds and flush,
    over ``k`` turns."""
    gc.disable()  # the k sanitizers stay alive: not the server's pattern
    clock = [time.thread_time_ns()]
    sanitizers = [Sanitizer(CONFIG) for _ in range(k)]
    clock.append(time.thread_time_ns())
    for sanitizer in sanitizers:
        sanitizer.feed(tokens[0])
    clock.append(time.thread_time_ns())
    rest = tokens[1:]
    for sanitizer in sanitizers:
        for token in rest:
            sanitizer.feed(token)
    clock.append(time.thread_time_ns())
    for sanitizer in sanitizers:
        sanitizer.flush()
    clock.append(time.thread_time_ns())
    gc.enable()
    return [(b - a) / k / 1e3 for a, b in itertools.pairwise(clock)]


def turn_instructions(name: str) -> list[float]:
    """Instructions per turn of construction, first feed, other feeds, flush."""
    totals = []
    for upto in PHASES:
        args = ["--stream", name, "--upto", upto, "--turns"]
        counts = [count_instructions([*args, str(n)]) for n in (500, 1000)]
        totals.append((counts[1] - counts[0]) / 500)
    return [b - a for a, b in itertools.pairwise(totals)]


def turn_table(unit: str, costs: dict[str, list[float]]) -> list[str]:
    """Rows of ``costs``: per turn stream, its construction, first feed,
    other feeds and flush."""
    lines = [f"| turn, {unit} | construction | first feed() | 39 feed() | flush() | whole turn |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    digits = 0 if unit == "instructions" else 2
    for name, (new, first, feeds, flush) in costs.items():
        cells = [new, first, feeds, flush, new + first + feeds + flush]
        lines.append(f"| {name} | " + " | ".join(f"{c:,.{digits}f}" for c in cells) + " |")
    return lines


def turn_time_table(runs: int) -> list[str]:
    """Best CPU µs per turn of each phase, over ``runs`` runs of 100 turns."""
    best = {}
    for name, tokens in TURNS.items():
        times = [turn_times(tokens) for _ in range(runs)]
        best[name] = [min(phase) for phase in zip(*times, strict=True)]
    return turn_table("µs CPU best", best)


def count_instructions(args: list[str]) -> int:
    """User-space instructions of this script run with ``args``."""
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no",
                   "--cachegrind-out-file=/dev/null", f"--log-file={log.name}",
                   sys.executable, __file__, *args]  # fmt: skip
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
        counts = [count_instructions(["--feeds", str(n), "--stream", name]) for n in (2000, 4000)]
        per_feed = (counts[1] - counts[0]) / 2000
        lines.append(f"| {name} | {per_feed:,.0f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions per feed() and per turn under valgrind instead",
    )
    parser.add_argument("--feeds", type=int, help="internal: feed N tokens and exit")
    parser.add_argument("--turns", type=int, help="internal: run N turns and exit")
    parser.add_argument("--stream", choices=sorted({*STREAMS, *TURNS}), default="words")
    parser.add_argument("--upto", choices=PHASES, default="flush")
    args = parser.parse_args()
    if args.feeds is not None:
        run_feeds(args.stream, args.feeds)
        return
    if args.turns is not None:
        run_turns(args.stream, args.turns, args.upto)
        return
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"cpu: {cpu_model()}; python {platform.python_version()}")
    if args.instructions:
        print("\n".join(instructions_table()))
        print("\n" + "\n".join(turn_table("instructions", {n: turn_instructions(n) for n in TURNS})))
        return
    rng = random.Random(args.seed)
    print(f"runs: {args.runs}, seed: {args.seed}")
    print()
    print("\n".join(cost_table(args.runs, rng)))
    print()
    print("\n".join(stream_table(args.runs)))
    print()
    print("\n".join(turn_time_table(args.runs)))
    print()
    print("\n".join(latency_table(args.runs, rng)))


if __name__ == "__main__":
    main()
