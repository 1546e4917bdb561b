"""Running a classifier through dialogues the way the server does.

Each dialogue is played in order: step k is classified with the earlier
steps as history and the classifier's *own* earlier decisions as ``looked``
(never the gold labels), exactly what a session on the server feeds it. The
steps of many dialogues are scored together, one step index at a time, so a
batched scorer stays efficient.

Pure apart from the scorer it is given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence

from cadence.tools.dialogues import Dialogue
from cadence.tools.metrics import BinaryMetrics, binary_metrics
from cadence.tools.types import ToolInput

#: Scores a batch of requests (positive-class probabilities, same order).
Scorer = Callable[[Sequence[ToolInput]], Sequence[float]]
AsyncScorer = Callable[[ToolInput], Awaitable[float]]


@dataclasses.dataclass(frozen=True, slots=True)
class StepResult:
    """One step as the classifier decided it."""

    dialogue_id: str
    index: int
    text: str
    label: int
    score: float
    decided: int


def _input(dialogue: Dialogue, index: int, decided: Sequence[int]) -> ToolInput:
    texts = tuple(step.text for step in dialogue.steps[:index])
    return ToolInput(texts, dialogue.steps[index].text, tuple(bool(d) for d in decided))


def _result(dialogue: Dialogue, index: int, score: float, threshold: float) -> StepResult:
    step = dialogue.steps[index]
    return StepResult(dialogue.id, index, step.text, step.label, score, int(score >= threshold))


def run_dialogues(dialogues: Sequence[Dialogue], scorer: Scorer, threshold: float,
                  batch_size: int = 64) -> list[list[StepResult]]:
    """Every step of every dialogue decided in order; results per dialogue."""
    results: list[list[StepResult]] = [[] for _ in dialogues]
    longest = max((len(d.steps) for d in dialogues), default=0)
    for index in range(longest):
        active = [i for i, d in enumerate(dialogues) if index < len(d.steps)]
        inputs = [_input(dialogues[i], index, [r.decided for r in results[i]]) for i in active]
        scores: list[float] = []
        for start in range(0, len(inputs), batch_size):
            scores.extend(scorer(inputs[start:start + batch_size]))
        for i, score in zip(active, scores, strict=True):
            results[i].append(_result(dialogues[i], index, score, threshold))
    return results


async def run_dialogues_async(dialogues: Sequence[Dialogue], scorer: AsyncScorer,
                              threshold: float) -> list[list[StepResult]]:
    """As :func:`run_dialogues`, one request at a time through an async scorer
    (the serving path: :meth:`cadence.tools.ToolClassifier.classify`)."""
    results: list[list[StepResult]] = []
    for dialogue in dialogues:
        steps: list[StepResult] = []
        for index in range(len(dialogue.steps)):
            score = await scorer(_input(dialogue, index, [r.decided for r in steps]))
            steps.append(_result(dialogue, index, score, threshold))
        results.append(steps)
    return results


def step_metrics(results: Sequence[Sequence[StepResult]]) -> BinaryMetrics:
    """Accuracy, precision, recall and F1 over all steps."""
    flat = [step for steps in results for step in steps]
    return binary_metrics([s.label for s in flat], [s.decided for s in flat])


def always_no(dialogues: Sequence[Dialogue]) -> BinaryMetrics:
    """The baseline that never asks for a screenshot."""
    labels = [step.label for d in dialogues for step in d.steps]
    return binary_metrics(labels, [0] * len(labels))


__all__ = [
    "AsyncScorer",
    "Scorer",
    "StepResult",
    "always_no",
    "run_dialogues",
    "run_dialogues_async",
    "step_metrics",
]
