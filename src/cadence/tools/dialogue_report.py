"""``cadence tool eval`` on dialogues: play them through the serving path, report.

Each dialogue runs step by step through :meth:`ToolClassifier.classify`
with the classifier's own earlier decisions as ``looked``, as a session on
the server would (see :mod:`cadence.tools.dialogue_eval`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from cadence.tools.classifier import ToolClassifier
from cadence.tools.config import ToolConfig
from cadence.tools.dialogue_eval import always_no, run_dialogues_async, step_metrics
from cadence.tools.dialogues import Dialogue
from cadence.tools.metrics import percentile
from cadence.tools.types import ToolInput


def is_dialogue_file(path: Path) -> bool:
    """Whether the first non-blank line of ``path`` is a dialogue (has ``steps``).

    Raises:
        OSError: the file cannot be read.
    """
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                return '"steps"' in line
    return False


async def eval_dialogues(config: ToolConfig, dialogues: Sequence[Dialogue]) -> dict[str, object]:
    """Step metrics, the always-no baseline, latency and the wrong steps."""
    classifier = ToolClassifier(config)
    await classifier.start()
    latencies: list[float] = []

    async def score(item: ToolInput) -> float:
        decision = await classifier.classify(item.user_turns, item.utterance, item.looked)
        latencies.append(decision.latency_ms)
        return decision.score

    try:
        results = await run_dialogues_async(dialogues, score, config.threshold)
    finally:
        await classifier.aclose()
    wrong = [
        {"dialogue": s.dialogue_id, "step": s.index, "text": s.text, "label": s.label, "score": round(s.score, 4)}
        for steps in results for s in steps if s.label != s.decided
    ]
    return {
        "model": config.model,
        "threshold": config.threshold,
        "dialogues": len(dialogues),
        **step_metrics(results).as_dict(),
        "always_no": always_no(dialogues).as_dict(),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "errors": wrong,
    }


def print_dialogue_report(report: dict[str, object], as_json: bool, show_errors: bool) -> int:
    """Print the report (text or one JSON object); returns exit code 0."""
    errors = report.pop("errors")
    assert isinstance(errors, list)
    if as_json:
        print(json.dumps({**report, "misclassified": errors} if show_errors else report))
        return 0
    base, lat = report["always_no"], report["latency_ms"]
    assert isinstance(base, dict) and isinstance(lat, dict)
    print(f"model {report['model']}  threshold {report['threshold']}  "
          f"dialogues {report['dialogues']}  steps {report['n']}")
    print(f"step accuracy {report['accuracy']:.3f}  precision {report['precision']:.3f}  "
          f"recall {report['recall']:.3f}  F1 {report['f1']:.3f}")
    print(f"always-no baseline: accuracy {base['accuracy']:.3f}  F1 {base['f1']:.3f}")
    print(f"latency p50 {lat['p50']:.1f} ms  p95 {lat['p95']:.1f} ms (batch 1, serving path)")
    for error in errors if show_errors else []:
        print(f"  {error['dialogue']}#{error['step']} label {error['label']} "
              f"score {error['score']:.3f}: {error['text']}")
    return 0


__all__ = ["eval_dialogues", "is_dialogue_file", "print_dialogue_report"]
