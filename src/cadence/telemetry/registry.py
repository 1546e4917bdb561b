"""In-process metric values: counters, gauges and fixed-bucket histograms.

The source of ``GET /metrics`` (:mod:`cadence.telemetry.prometheus`). Pure
Python, no locks: every update happens on the event loop thread, a few per
turn or per connection, never per token. Values are keyed by their sorted
attribute pairs.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping, Sequence

Attributes = Mapping[str, str | int | float | bool]
#: Sorted attribute pairs: the key of one time series.
SeriesKey = tuple[tuple[str, str], ...]


def series_key(attributes: Attributes | None) -> SeriesKey:
    """The key of the series with ``attributes``."""
    if not attributes:
        return ()
    return tuple(sorted((name, str(value)) for name, value in attributes.items()))


@dataclasses.dataclass(eq=False, slots=True)
class HistogramValue:
    """Bucket counts (one per bound, plus +Inf), sum and count of one series."""

    counts: list[int]
    total: float = 0.0
    count: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class MetricSpec:
    """What a metric is: its OpenTelemetry name, kind, unit and description.

    ``kind`` is ``counter``, ``histogram``, or ``gauge`` and
    ``observed_counter`` (read when collected, not recorded); ``bounds``
    are a histogram's bucket upper bounds.
    """

    name: str
    kind: str
    unit: str
    description: str
    bounds: tuple[float, ...] = ()


class LocalMetric:
    """The values of one metric, by series."""

    def __init__(self, spec: MetricSpec) -> None:
        self.spec = spec
        self.values: dict[SeriesKey, float] = {}
        self.histograms: dict[SeriesKey, HistogramValue] = {}

    def add(self, amount: float, attributes: Attributes | None = None) -> None:
        """Add ``amount`` (a counter)."""
        key = series_key(attributes) if attributes else ()
        self.values[key] = self.values.get(key, 0.0) + amount

    def record(self, value: float, attributes: Attributes | None = None) -> None:
        """Record one observation (a histogram)."""
        key = series_key(attributes) if attributes else ()
        histogram = self.histograms.get(key)
        if histogram is None:
            histogram = self.histograms[key] = HistogramValue([0] * (len(self.spec.bounds) + 1))
        histogram.counts[bisect.bisect_left(self.spec.bounds, value)] += 1
        histogram.total += value
        histogram.count += 1


class Registry:
    """Every local metric, by name."""

    def __init__(self, specs: Sequence[MetricSpec]) -> None:
        self.metrics = {spec.name: LocalMetric(spec) for spec in specs}

    def __getitem__(self, name: str) -> LocalMetric:
        return self.metrics[name]


__all__ = [
    "Attributes",
    "HistogramValue",
    "LocalMetric",
    "MetricSpec",
    "Registry",
    "SeriesKey",
    "series_key",
]
