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


def carry_looks(old: Sequence[HistoryEntry], new: Sequence[HistoryEntry]) -> None:
    """Copy ``looked`` from ``old`` user messages onto the same messages in
    ``new`` (matched by content, in order), so a ``start`` that re-sends the
    conversation keeps the tool's memory of when it looked. Mutates ``new``."""
    olds = [entry for entry in old if entry.role == "user" and entry.looked]
    i = 0
    for entry in new:
        if i == len(olds):
            return
        if entry.role == "user" and entry.content == olds[i].content:
            entry.looked = True
            i += 1


def tool_turns(entries: Sequence[HistoryEntry], screen_prefix: str,
               limit: int) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """The last ``limit`` user turns for the tool classifier, oldest first,
    and whether the assistant looked at the screen for each.

    A screen description (a user message starting with ``screen_prefix``: a
    ``followup``, or one re-sent in ``start.history``) is not a user turn:
    it marks the turn before it as looked at.
    """
    turns: list[str] = []
    looks: list[bool] = []
    for entry in entries:
        if entry.role != "user":
            continue
        if screen_prefix and entry.content.startswith(screen_prefix):
            if looks:
                looks[-1] = True
            continue
        turns.append(entry.content)
        looks.append(entry.looked)
    if limit <= 0:
        return (), ()
    return tuple(turns[-limit:]), tuple(looks[-limit:])


__all__ = ["carry_looks", "drop_oldest_exchanges", "exchange_starts", "tool_turns", "trim_history"]
