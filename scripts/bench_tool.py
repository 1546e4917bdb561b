"""Benchmark the tool classifier: latency at batch 1 and 8, plus quality.

Run from the repository root (the default model must exist, see
``python -m cadence tool train``)::

    .venv/bin/python scripts/bench_tool.py                 # prints a report
    .venv/bin/python scripts/bench_tool.py --write docs/benchmarks/tool.md

Measures, in one run:
- the forward pass alone (fit + pad + model) at batch 1 and batch 8, per
  call and per utterance;
- the serving path (:class:`cadence.tools.ToolClassifier`): one session at a
  time, then 8 concurrent sessions (micro-batched);
- accuracy, precision, recall and F1 on the project's held-out split and on
  the hand-written unseen file, and step metrics on dialogues (held-out
  dialogues, whole unseen domains, the hand-written unseen dialogues),
  played with the model's own earlier decisions, beside always-"no".

Requests are dialogue steps with their real history (every earlier turn of
the dialogue, fitted to the budget), as a session on the server sends them.
``--no-looks`` leaves the looked-at markers out (what the server sent
before it fed its earlier decisions: use it for the old model).
The machine is shared and noisy: the load average is reported with the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import shlex
import sys
import time
from pathlib import Path

from cadence.tools import ToolClassifier, ToolConfig
from cadence.tools.config import DEFAULT_HISTORY_TOKENS
from cadence.tools.dataset import default_dataset_path, load_examples, split
from cadence.tools.dialogue_eval import always_no, run_dialogues, step_metrics
from cadence.tools.dialogues import (
    Dialogue,
    all_steps,
    default_dialogues_path,
    load_dialogues,
    split_dialogues,
)
from cadence.tools.metrics import BinaryMetrics, percentile
from cadence.tools.runtime import HFToolModel, load_tool_model
from cadence.tools.training import evaluate
from cadence.tools.types import ToolInput

UNSEEN = Path("tests/data/tool_unseen.jsonl")
UNSEEN_DIALOGUES = Path("tests/data/tool_dialogues_unseen.jsonl")


def _inputs(count: int, seed: int, looks: bool = True) -> list[ToolInput]:
    steps = all_steps(load_dialogues(default_dialogues_path()))
    rng = random.Random(seed)
    picked = [rng.choice(steps) for _ in range(count)]
    return [ToolInput(e.history, e.text, e.looked if looks else ()) for e in picked]


def _time_calls(model: HFToolModel, batches: list[list[ToolInput]]) -> tuple[list[float], list[float]]:
    """Wall and process-CPU milliseconds of each ``score`` call."""
    wall: list[float] = []
    cpu: list[float] = []
    for batch in batches:
        started, cpu_started = time.perf_counter(), time.process_time()
        model.score(batch)
        wall.append((time.perf_counter() - started) * 1000.0)
        cpu.append((time.process_time() - cpu_started) * 1000.0)
    return wall, cpu


def _requests(iterations: int, looks: bool) -> tuple[list[ToolInput], list[list[ToolInput]]]:
    """The same ``iterations`` single requests and groups of 8 for every row."""
    items = _inputs(iterations * 9, seed=1, looks=looks)
    singles = items[:iterations]
    groups = [items[iterations + k * 8 : iterations + (k + 1) * 8] for k in range(iterations)]
    return singles, groups


def bench_forward(model: HFToolModel, iterations: int, looks: bool) -> dict[int, tuple[list[float], list[float]]]:
    """Wall and CPU milliseconds per ``score`` call at batch sizes 1 and 8.

    Calls alternate between the two sizes so that both see the same machine
    state (this VM is shared and its load changes by the second).
    """
    singles, groups = _requests(iterations, looks)
    _time_calls(model, [[i] for i in _inputs(10, seed=3)])  # warm-up
    results: dict[int, tuple[list[float], list[float]]] = {1: ([], []), 8: ([], [])}
    for single, group in zip(singles, groups, strict=True):
        for size, batch in ((1, [single]), (8, group)):
            wall, cpu = _time_calls(model, [batch])
            results[size][0].extend(wall)
            results[size][1].extend(cpu)
    return results


async def bench_serving(config: ToolConfig, rounds: int, looks: bool) -> dict[str, object]:
    """Per-request latency through the classifier: 1 session, then 8 concurrent."""
    classifier = ToolClassifier(config)
    await classifier.start()
    singles, groups = _requests(rounds, looks)
    try:
        single = [(await classifier.classify(i.user_turns, i.utterance, i.looked)).latency_ms
                  for i in singles]
        before = classifier.stats().forward_passes
        concurrent: list[float] = []
        for group in groups[: rounds // 2]:
            decisions = await asyncio.gather(*(classifier.classify(i.user_turns, i.utterance, i.looked)
                                               for i in group))
            concurrent.extend(d.latency_ms for d in decisions)
        passes = classifier.stats().forward_passes - before
    finally:
        await classifier.aclose()
    return {"single": single, "concurrent": concurrent, "passes": passes, "limits": classifier.limits}


def _row(name: str, values: list[float], per: int = 1) -> str:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    return f"| {name} | {p50:.1f} | {p95:.1f} | {min(values):.1f} | {p50 / per:.1f} | {len(values)} |"


def _metrics_row(name: str, m: BinaryMetrics) -> str:
    return (
        f"| {name} | {m.n} | {m.accuracy:.3f} | {m.precision:.3f} | {m.recall:.3f} "
        f"| {m.f1:.3f} | {m.fp} | {m.fn} |"
    )


def _machine() -> str:
    import torch

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), Python {platform.python_version()}"
    )


def dialogue_quality(model: HFToolModel, threshold: float, looks: bool) -> list[tuple[str, BinaryMetrics]]:
    """Step metrics of the held-out dialogue sets (own decisions fed back), with always-no."""
    splits = split_dialogues(load_dialogues(default_dialogues_path()))
    sets: list[tuple[str, list[Dialogue]]] = [("held-out dialogues", splits["heldout"]),
                                              ("unseen-domain dialogues", splits["unseen_domain"])]
    if UNSEEN_DIALOGUES.exists():
        sets.append(("hand-written unseen dialogues", load_dialogues(UNSEEN_DIALOGUES)))

    def scorer(items: list[ToolInput]) -> list[float]:
        return model.score([ToolInput(i.user_turns, i.utterance, i.looked if looks else ()) for i in items])

    rows: list[tuple[str, BinaryMetrics]] = []
    for name, dialogues in sets:
        rows.append((f"{name}, steps", step_metrics(run_dialogues(dialogues, scorer, threshold))))
        rows.append((f"{name}, always no", always_no(dialogues)))
    return rows


def report(args: argparse.Namespace) -> str:
    """Run every measurement and return the markdown report."""
    load_before = os.getloadavg()[0]
    config = ToolConfig(model=str(args.model), device="cpu", history_tokens=args.history_tokens)
    model = load_tool_model(config)
    looks = not args.no_looks
    forward = bench_forward(model, args.iterations, looks)
    serving = asyncio.run(bench_serving(config, args.iterations, looks))
    _, heldout = split(load_examples(default_dataset_path()))
    quality = [("project held-out split", evaluate(model, heldout, config.threshold))]
    if UNSEEN.exists():
        quality.append(
            (
                "unseen hand-written file",
                evaluate(model, load_examples(UNSEEN), config.threshold),
            )
        )
    quality.extend(dialogue_quality(model, config.threshold, looks))
    single, concurrent = serving["single"], serving["concurrent"]
    assert isinstance(single, list) and isinstance(concurrent, list)
    lines = [
        f"Command: `{' '.join(shlex.quote(a) for a in [sys.executable, *sys.argv])}`",
        f"Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"Machine: {_machine()}",
        f"Model: `{args.model}`, threshold {config.threshold}, batching {serving['limits']}, "
        f"looked-at markers {'on' if looks else 'off'}",
        f"Load average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}",
        "",
        "| measurement | p50 ms | p95 ms | min ms | p50 ms per utterance | samples |",
        "|---|---|---|---|---|---|",
        _row("forward, batch 1, wall", forward[1][0]),
        _row("forward, batch 8 (per call), wall", forward[8][0], per=8),
        _row("forward, batch 1, process CPU", forward[1][1]),
        _row("forward, batch 8 (per call), process CPU", forward[8][1], per=8),
        _row("classify(), 1 session", single),
        _row("classify(), 8 concurrent sessions", concurrent),
        "",
        f"8 concurrent sessions: {len(concurrent)} requests in {serving['passes']} forward passes.",
        "",
        "| data | n | accuracy | precision | recall | F1 | false pos | false neg |",
        "|---|---|---|---|---|---|---|---|",
        *(_metrics_row(name, m) for name, m in quality),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the report, or write it into ``--write`` between the bench markers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/screenshot-intent-minilm"))
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--write", type=Path, help="markdown file to update")
    parser.add_argument("--history-tokens", type=int, default=DEFAULT_HISTORY_TOKENS,
                        help="TOOL_HISTORY_TOKENS (the old model was served with 128)")
    parser.add_argument("--no-looks", action="store_true",
                        help="leave out the looked-at markers (the old server's input)")
    args = parser.parse_args(argv)
    text = report(args)
    print(text)
    if args.write:
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        current = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        if begin in current and end in current:
            head, rest = current.split(begin, 1)
            current = head + begin + "\n" + text + end + rest.split(end, 1)[1]
        else:
            current += f"\n{begin}\n{text}{end}\n"
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
