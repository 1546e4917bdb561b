"""Coarse guards that the cost stays linear in the reply length.

Each check measures CPU time (``thread_time``, which other processes on a
shared machine do not inflate), takes the best of a few runs, and only fails
on a clearly super-linear growth: the cost per character of a 9,600-character
reply more than 3x that of a 600-character one. Inputs include ones built to
make a naive streaming sanitizer rescan its held-back tail.
"""

from __future__ import annotations

import time

import pytest

from cadence.sanitize import Sanitizer

PROSE = (
    "Sure! **Here's** the plan: email jane.doe@example.com, visit "
    "https://example.com/docs, and call 555-123-4567 at 5 p.m. It's 25°C, "
    "a 40% chance of rain 😀. *smiles* See you soon...\n- one\n- two\n"
)
PATHOLOGICAL = {
    "prose": PROSE,
    "unclosed brackets": "[see " * 40,
    "unclosed tags": "<a x " * 40,
    "digits": "1234567890" * 20,
    "dots": "a." * 100,
    "stage verb never closed": "*laughs and " * 20,
    "spaces": " " * 200,
    "emoji": "😀" * 200,
}


def _best_seconds(text: str, token: int = 4, runs: int = 3) -> float:
    tokens = [text[i : i + token] for i in range(0, len(text), token)]
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        sanitizer = Sanitizer()
        for t in tokens:
            sanitizer.feed(t)
        sanitizer.flush()
        best = min(best, time.thread_time() - start)
    return best


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_cost_grows_linearly(name: str) -> None:
    unit = PATHOLOGICAL[name]
    small = (unit * (600 // len(unit) + 1))[:600]
    large = (unit * (9600 // len(unit) + 1))[:9600]
    ratio = (_best_seconds(large) / len(large)) / (_best_seconds(small) / len(small))
    assert ratio < 3, f"{name}: cost per character grew {ratio:.1f}x"
