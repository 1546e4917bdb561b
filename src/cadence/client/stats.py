"""Summary statistics for latency samples (no numpy needed).

Percentiles use linear interpolation between closest ranks, the default of
``numpy.percentile``, so numbers agree with vLLM's serving benchmark.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence

#: The percentiles every summary reports.
PERCENTILES = (50, 90, 95, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0 to 100) of ``values``.

    Raises:
        ValueError: ``values`` is empty or ``q`` is outside [0, 100].
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile {q} is outside [0, 100]")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    """Count, mean, extremes and percentiles of one metric; ``None`` when n = 0."""

    n: int = 0
    avg: float | None = None
    min: float | None = None
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None

    def as_dict(self, digits: int = 3) -> dict[str, float | int | None]:
        """A JSON-ready mapping, values rounded to ``digits`` decimals."""
        out: dict[str, float | int | None] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            out[field.name] = round(value, digits) if isinstance(value, float) else value
        return out


def summarize(values: Iterable[float | None]) -> Summary:
    """Summarize ``values``, skipping ``None`` (metrics that did not happen)."""
    data = [float(v) for v in values if v is not None]
    if not data:
        return Summary()
    p50, p90, p95, p99 = (percentile(data, q) for q in PERCENTILES)
    return Summary(
        n=len(data), avg=math.fsum(data) / len(data), min=min(data),
        p50=p50, p90=p90, p95=p95, p99=p99, max=max(data),
    )


__all__ = ["PERCENTILES", "Summary", "percentile", "summarize"]
