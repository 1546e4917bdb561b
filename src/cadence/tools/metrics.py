"""Binary classification metrics and latency percentiles (pure)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True, slots=True)
class BinaryMetrics:
    """Counts and scores of a binary classifier (positive class = 1).

    Precision, recall and F1 are 0.0 when undefined (no predicted or no
    actual positives).
    """

    n: int
    tp: int
    fp: int
    tn: int
    fn: int
    accuracy: float
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float | int]:
        """Return the fields as a plain dict (for JSON)."""
        return dataclasses.asdict(self)


def binary_metrics(labels: Sequence[int], predictions: Sequence[int]) -> BinaryMetrics:
    """Compare ``predictions`` with ``labels`` (equal lengths, values 0 or 1).

    Raises:
        ValueError: the sequences differ in length.
    """
    if len(labels) != len(predictions):
        raise ValueError("labels and predictions differ in length")
    pairs = list(zip(labels, predictions, strict=True))
    tp = sum(1 for y, p in pairs if y == 1 and p == 1)
    fp = sum(1 for y, p in pairs if y == 0 and p == 1)
    tn = sum(1 for y, p in pairs if y == 0 and p == 0)
    fn = sum(1 for y, p in pairs if y == 1 and p == 0)
    n = len(pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / n if n else 0.0
    return BinaryMetrics(n, tp, fp, tn, fn, accuracy, precision, recall, f1)


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) with linear interpolation; NaN if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


__all__ = ["BinaryMetrics", "binary_metrics", "percentile"]
