#!/usr/bin/env python3
"""Tool-routing regression: replay labelled utterances, score the decisions.

    TEXT_API_KEY=... python tests/e2e/tool.py --server ws://127.0.0.1:8000/ws \
        --timeout 5 --concurrency 4 --limit 50

Each case (``{"text": ..., "label": 0|1}`` per line, label 1 = the screen
must be checked) opens a session whose ``start`` carries the utterance; the
first frame must be ``toolcall``. The session is ended right after it, so
the chat reply (``DEPLOY_MODE=both``) is cancelled. Reported: accuracy,
precision, recall, F1, the confusion counts and toolcall latency.

Exit status: 0 when every case got a decision (and accuracy reached
``--min-accuracy``), 1 on errors, 3 when not a single case got a
``toolcall`` frame (``mode_unsupported``, replies without one, errors, or
no answer within ``--timeout``): the server has no working tool routing.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from contextlib import aclosing
from pathlib import Path

import common
import personas

from cadence.client import ClientError, ErrorFrame, ToolcallFrame, summarize

DEFAULT_CASES = Path(__file__).resolve().parents[1] / "data" / "tool_unseen.jsonl"
UNAVAILABLE = 3


@dataclasses.dataclass(frozen=True, slots=True)
class Case:
    text: str
    label: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    case: Case
    predicted: bool | None = None
    latency_ms: float | None = None
    problem: str | None = None  # "no_toolcall", an error code, "timeout"


def load_cases(path: Path, limit: int | None) -> list[Case]:
    """Cases from a JSONL file (``text``, ``label``), at most ``limit``."""
    import orjson

    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = orjson.loads(line)
            cases.append(Case(str(row["text"]), bool(row["label"])))
    return cases[:limit] if limit else cases


async def decide(args: argparse.Namespace, case: Case) -> Decision:
    """Replay one case on a fresh session."""
    try:
        async with common.make_client(args) as client:
            turn = await client.start(personas.chat_prompt(args.personality), personality=args.personality,
                                      gender=args.gender, user_utterance=case.text)
            async with aclosing(turn.__aiter__()) as frames:
                first = await anext(frames)
            await client.end()
            result = await turn.result()
    except TimeoutError:
        return Decision(case, problem="timeout")
    except ClientError as exc:
        return Decision(case, problem=f"client:{type(exc).__name__}")
    if isinstance(first, ToolcallFrame):
        return Decision(case, first.status == "yes", result.timings.toolcall_ms)
    if isinstance(first, ErrorFrame):
        return Decision(case, problem="no_toolcall" if first.code == "mode_unsupported" else first.code)
    return Decision(case, problem="no_toolcall")


def score(decisions: list[Decision]) -> dict[str, float | int | None]:
    """Accuracy, precision, recall, F1 and confusion counts over decided cases."""
    decided = [d for d in decisions if d.predicted is not None]
    tp = sum(d.predicted is True and d.case.label for d in decided)
    fp = sum(d.predicted is True and not d.case.label for d in decided)
    tn = sum(d.predicted is False and not d.case.label for d in decided)
    fn = sum(d.predicted is False and d.case.label for d in decided)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {"cases": len(decisions), "decided": len(decided),
            "accuracy": (tp + tn) / len(decided) if decided else None,
            "precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "tn": tn, "fn": fn}


def _report(decisions: list[Decision], scores: dict[str, float | int | None]) -> None:
    latency = summarize(d.latency_ms for d in decisions)
    print(common.banner("TOOL DECISIONS", 60))
    for key, value in scores.items():
        print(f"  {key:<10} {value:.3f}" if isinstance(value, float) else f"  {key:<10} {value}")
    print(common.summary_row("TOOLCALL", latency))
    problems: dict[str, int] = {}
    for d in decisions:
        if d.problem:
            problems[d.problem] = problems.get(d.problem, 0) + 1
    print(f"  problems: {common.dump_counts(problems)}")
    wrong = [d for d in decisions if d.predicted is not None and d.predicted != d.case.label]
    for d in wrong[:10]:
        print(f"  wrong: label={int(d.case.label)} predicted={int(bool(d.predicted))}  {d.case.text!r}")


async def _main(args: argparse.Namespace) -> int:
    cases = load_cases(Path(args.cases), args.limit)
    gate = asyncio.Semaphore(max(1, args.concurrency))

    async def one(case: Case) -> Decision:
        async with gate:
            return await decide(args, case)

    decisions = list(await asyncio.gather(*(one(c) for c in cases)))
    scores = score(decisions)
    _report(decisions, scores)
    if decisions and all(d.predicted is None for d in decisions):
        print("no toolcall frame arrived in any case (the server answered without one, with an error, "
              "or not at all within --timeout): is a tool model deployed (DEPLOY_MODE=tool or both)?",
              file=sys.stderr)
        return UNAVAILABLE
    accuracy = scores["accuracy"]
    if any(d.problem for d in decisions) or accuracy is None or accuracy < args.min_accuracy:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Replay labelled cases and score tool decisions.", message=False,
                                timeout=5.0, timeout_help="seconds to wait per tool decision (default 5)")
    parser.add_argument("--concurrency", type=int, default=4, help="cases in flight (default 4)")
    parser.add_argument("--limit", type=int, help="replay at most this many cases")
    parser.add_argument("--cases", default=str(DEFAULT_CASES), help="JSONL file of {text, label}")
    parser.add_argument("--min-accuracy", type=float, default=0.0, help="fail below this accuracy")
    args = parser.parse_args(argv)
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
