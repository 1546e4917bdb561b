"""History trimming by whole exchanges, with hysteresis.

An exchange is a run of user messages and the assistant run after it. When
the history grows past its budget it is cut, oldest exchanges first, down to
``retention_pct`` of the budget, then left alone until it passes the budget
again: between cuts the start of the prompt stays byte-identical, so the
engine's prefix cache keeps hitting.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence

from cadence.session.state import HistoryEntry

_tokens = operator.attrgetter("tokens")


def exchange_starts(entries: Sequence[HistoryEntry]) -> list[int]:
    """Return the index where each exchange begins (always includes 0)."""
    starts = [0] if entries else []
    for index in range(1, len(entries)):
        if entries[index].role == "user" and entries[index - 1].role == "assistant":
            starts.append(index)
    return starts


def drop_oldest_exchanges(entries: Sequence[HistoryEntry], target_tokens: int) -> list[HistoryEntry]:
    """Drop whole exchanges from the front until at most ``target_tokens`` remain.

    May return an empty list when even the newest exchange is over the target.
    """
    total = sum(map(_tokens, entries))
    if total <= target_tokens:
        return list(entries)
    starts = [*exchange_starts(entries), len(entries)]
    dropped = 0
    for begin, end in itertools.pairwise(starts):
        dropped += sum(map(_tokens, entries[begin:end]))
        if total - dropped <= target_tokens:
            return list(entries[end:])
    return []


def trim_history(
    entries: Sequence[HistoryEntry], max_tokens: int, retention_pct: int
) -> list[HistoryEntry]:
    """Apply the hysteresis rule: untouched while within ``max_tokens``,
    otherwise cut down to ``retention_pct`` percent of it."""
    if sum(map(_tokens, entries)) <= max_tokens:
        return list(entries)
    return drop_oldest_exchanges(entries, max_tokens * retention_pct // 100)


__all__ = ["drop_oldest_exchanges", "exchange_starts", "trim_history"]
