"""``python -m cadence tool train|eval``: train the default model, measure a model.

``train`` fine-tunes the base encoder on the project datasets (progress on
stderr, report on stdout). ``eval`` runs a model through the serving path
(:class:`~cadence.tools.ToolClassifier`, one request at a time) over a
labelled JSON-lines file and prints accuracy, precision, recall, F1 and
p50/p95 latency; ``--json`` prints one JSON object instead. A file of
dialogues (lines with ``steps``) is played step by step in order, each step
with the classifier's own earlier decisions, as the server does; the report
adds the always-"no" baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cadence.tools.classifier import ToolClassifier
from cadence.tools.config import DEFAULT_THRESHOLD, ToolConfig
from cadence.tools.dataset import (
    DatasetError,
    Example,
    default_dataset_path,
    load_examples,
    split,
)
from cadence.tools.default_model import BASE_MODEL_DIR, DEFAULT_MODEL_DIR, train_to
from cadence.tools.dialogue_report import eval_dialogues, is_dialogue_file, print_dialogue_report
from cadence.tools.dialogues import Dialogue, default_dialogues_path, load_dialogues, split_dialogues
from cadence.tools.metrics import binary_metrics, percentile
from cadence.tools.training import TrainRecipe
from cadence.tools.types import ToolDecision, ToolError

_DEFAULTS = TrainRecipe()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cadence tool", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="fine-tune the default screenshot-intent model")
    train.add_argument("--models-dir", type=Path, default=Path("models"))
    train.add_argument("--base", type=Path, help=f"base encoder (default MODELS/{BASE_MODEL_DIR})")
    train.add_argument("--data", type=Path, default=None, help="dataset (default: packaged)")
    train.add_argument("--out", type=Path, help=f"output (default MODELS/{DEFAULT_MODEL_DIR})")
    train.add_argument("--epochs", type=int, default=_DEFAULTS.epochs)
    train.add_argument("--seed", type=int, default=_DEFAULTS.seed)
    train.add_argument("--lr", type=float, default=_DEFAULTS.learning_rate)
    train.add_argument("--negative-weight", type=float, default=_DEFAULTS.negative_weight)
    train.add_argument("--json", action="store_true", help="print the report as JSON")
    ev = sub.add_parser("eval", help="measure a tool model on labelled utterances")
    source = ev.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path,
                        help="JSON lines of {text, label[, history]} or of dialogues {id, steps}")
    source.add_argument("--split", choices=["heldout", "train", "all"], help="project utterances")
    source.add_argument("--dialogues", choices=["heldout", "unseen_domain", "train", "all"],
                        help="project dialogues (unseen_domain: whole domains never trained on)")
    ev.add_argument("--model", default=None, help="folder or id (default TOOL_MODEL or models/)")
    ev.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ev.add_argument("--device", default="auto")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--show-errors", action="store_true", help="list misclassified lines")
    return parser


def _train(args: argparse.Namespace) -> int:
    base = args.base or args.models_dir / BASE_MODEL_DIR
    out = args.out or args.models_dir / DEFAULT_MODEL_DIR
    data = args.data or default_dataset_path()
    if not (base / "config.json").is_file():
        print(f"error: base encoder not found at {base}", file=sys.stderr)
        return 2
    recipe = TrainRecipe(
        epochs=args.epochs,
        seed=args.seed,
        learning_rate=args.lr,
        negative_weight=args.negative_weight,
    )
    result = train_to(base, data, out, recipe, lambda line: print(line, file=sys.stderr))
    report = {
        "model": str(out),
        "train_seconds": round(result.seconds, 1),
        "heldout": result.heldout.as_dict(),
        "heldout_noisy_history": result.heldout_noisy_history.as_dict(),
    }
    if args.json:
        print(json.dumps(report))
    else:
        m = result.heldout
        print(f"saved {out} in {result.seconds:.0f} s")
        print(
            f"held-out ({m.n}): accuracy {m.accuracy:.3f} precision {m.precision:.3f} "
            f"recall {m.recall:.3f} F1 {m.f1:.3f}"
        )
    return 0


def _dialogues(args: argparse.Namespace) -> list[Dialogue] | None:
    """The dialogues to play, or ``None`` when the input is utterances."""
    if args.dialogues is not None:
        everything = load_dialogues(default_dialogues_path())
        return everything if args.dialogues == "all" else split_dialogues(everything)[args.dialogues]
    if args.data is not None and is_dialogue_file(args.data):
        return load_dialogues(args.data)
    return None


def _examples(args: argparse.Namespace) -> list[Example]:
    if args.data is not None:
        return load_examples(args.data)
    examples = load_examples(default_dataset_path())
    train_set, heldout = split(examples)
    return {"train": train_set, "heldout": heldout}.get(args.split, examples)


async def _decide(classifier: ToolClassifier, example: Example) -> ToolDecision:
    """Classify ``example`` as a session would: its history turns first, in
    order, their decisions becoming the looked-at markers of the last one."""
    looked: list[bool] = []
    for i, turn in enumerate(example.history):
        earlier = await classifier.classify(example.history[:i], turn, looked)
        looked.append(earlier.status == "yes")
    return await classifier.classify(example.history, example.text, looked)


async def _run_eval(config: ToolConfig, examples: Sequence[Example]) -> dict[str, object]:
    classifier = ToolClassifier(config)
    await classifier.start()
    try:
        decisions = [await _decide(classifier, e) for e in examples]
    finally:
        await classifier.aclose()
    latencies = [d.latency_ms for d in decisions]
    metrics = binary_metrics([e.label for e in examples], [int(d.status == "yes") for d in decisions])
    errors = [
        {"text": e.text, "label": e.label, "score": round(d.score, 4)}
        for e, d in zip(examples, decisions, strict=True)
        if e.label != (d.status == "yes")
    ]
    return {
        "model": config.model,
        "threshold": config.threshold,
        **metrics.as_dict(),
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
        },
        "timeouts": sum(d.timed_out for d in decisions),
        "errors": errors,
    }


def _eval(args: argparse.Namespace) -> int:
    model = args.model or os.environ.get("TOOL_MODEL") or str(Path("models") / DEFAULT_MODEL_DIR)
    config = ToolConfig(model=model, threshold=args.threshold, device=args.device)
    dialogues = _dialogues(args)
    if dialogues is not None:
        return print_dialogue_report(asyncio.run(eval_dialogues(config, dialogues)), args.json,
                                     args.show_errors)
    report = asyncio.run(_run_eval(config, _examples(args)))
    errors = report.pop("errors")
    if args.json:
        print(json.dumps({**report, "misclassified": errors} if args.show_errors else report))
        return 0
    lat = report["latency_ms"]
    assert isinstance(lat, dict) and isinstance(errors, list)
    print(f"model {report['model']}  threshold {report['threshold']}  n {report['n']}")
    print(
        f"accuracy {report['accuracy']:.3f}  precision {report['precision']:.3f}  "
        f"recall {report['recall']:.3f}  F1 {report['f1']:.3f}"
    )
    print(f"latency p50 {lat['p50']:.1f} ms  p95 {lat['p95']:.1f} ms (batch 1, serving path)")
    for error in errors if args.show_errors else []:
        print(f"  label {error['label']} score {error['score']:.3f}: {error['text']}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``train`` or ``eval``; return the process exit code (2 on bad input)."""
    args = _parser().parse_args(argv)
    try:
        return _train(args) if args.command == "train" else _eval(args)
    except (DatasetError, ToolError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


__all__ = ["main"]
