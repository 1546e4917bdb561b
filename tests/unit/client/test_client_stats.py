"""Percentile math and metric summaries."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cadence.client import Summary, percentile, summarize


@pytest.mark.parametrize("q", [0, 1, 25, 50, 90, 95, 99, 99.9, 100])
def test_percentile_matches_numpy_linear(q: float) -> None:
    rng = random.Random(7)
    for size in (1, 2, 3, 10, 101):
        values = [rng.uniform(0, 500) for _ in range(size)]
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_small_cases() -> None:
    assert percentile([5.0], 99) == 5.0
    assert percentile([1.0, 2.0], 50) == 1.5
    assert percentile([3.0, 1.0, 2.0, 4.0], 90) == pytest.approx(3.7)
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 95) == pytest.approx(48.0)


def test_percentile_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 101)


def test_summarize_skips_none_and_reports_all_fields() -> None:
    s = summarize([None, 4.0, 1.0, 3.0, 2.0, None])
    assert s.n == 4 and s.avg == 2.5 and s.min == 1.0 and s.max == 4.0
    assert s.p50 == 2.5
    assert s.as_dict()["p99"] == pytest.approx(3.97)


def test_summarize_nothing() -> None:
    assert summarize([]) == Summary()
    assert summarize([None]).as_dict() == {"n": 0, "avg": None, "min": None, "p50": None, "p90": None,
                                           "p95": None, "p99": None, "max": None}
