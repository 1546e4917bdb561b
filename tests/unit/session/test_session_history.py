"""History trimming by whole exchanges, with hysteresis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.session.history import (
    carry_looks,
    drop_oldest_exchanges,
    exchange_starts,
    tool_turns,
    trim_history,
)
from cadence.session.state import HistoryEntry


def _h(*spec: tuple[str, int]) -> list[HistoryEntry]:
    return [HistoryEntry(role, f"{role}{i}", tokens) for i, (role, tokens) in enumerate(spec)]  # type: ignore[arg-type]


def test_exchange_starts() -> None:
    history = _h(("user", 1), ("user", 1), ("assistant", 1), ("assistant", 1), ("user", 1),
                 ("assistant", 1), ("user", 1))
    assert exchange_starts(history) == [0, 4, 6]
    assert exchange_starts([]) == []
    assert exchange_starts(_h(("assistant", 1), ("user", 1))) == [0, 1]


def test_drop_oldest_whole_exchanges() -> None:
    history = _h(("user", 3), ("assistant", 3), ("user", 2), ("assistant", 2), ("user", 1))
    assert drop_oldest_exchanges(history, 100) == history
    assert drop_oldest_exchanges(history, 5) == history[2:]
    assert drop_oldest_exchanges(history, 4) == history[4:]
    assert drop_oldest_exchanges(history, 0) == []


def test_trim_hysteresis_cuts_to_the_retention_only_when_over() -> None:
    history = _h(*[("user", 5), ("assistant", 5)] * 10)  # 100 tokens
    assert trim_history(history, 100, 66) == history
    over = [*history, *_h(("user", 1))]
    trimmed = trim_history(over, 100, 66)
    assert sum(e.tokens for e in trimmed) <= 66
    assert trimmed == over[len(over) - len(trimmed):] and trimmed[0].role == "user"
    assert sum(e.tokens for e in trimmed) > 56  # no more than needed: whole exchanges of 10


def test_prefix_stays_stable_between_cuts_over_many_turns() -> None:
    history: list[HistoryEntry] = []
    cuts, last_cut = 0, -100
    for turn in range(300):
        previous = list(history)
        history = trim_history(
            [*history, HistoryEntry("user", f"u{turn}", 4), HistoryEntry("assistant", f"a{turn}", 6)],
            300, 66,
        )
        assert sum(e.tokens for e in history) <= 300
        if history[: len(previous)] != previous:
            cuts += 1
            assert sum(e.tokens for e in history) <= 198
            assert turn - last_cut >= 10  # the prefix held for at least ten turns
            last_cut = turn
    # The first cut comes at 300 tokens, then one every ~12 turns (198 -> 300).
    assert 20 <= cuts <= 26


@given(st.lists(st.tuples(st.sampled_from(["user", "assistant"]), st.integers(0, 30)), max_size=40),
       st.integers(0, 200), st.integers(1, 100))
def test_trim_properties(spec: list[tuple[str, int]], budget: int, pct: int) -> None:
    history = _h(*spec)
    trimmed = trim_history(history, budget, pct)
    total = sum(e.tokens for e in history)
    if total <= budget:
        assert trimmed == history
        return
    assert sum(e.tokens for e in trimmed) <= budget * pct // 100
    assert trimmed == history[len(history) - len(trimmed):]  # a suffix
    if trimmed:  # cut at an exchange boundary
        assert len(history) - len(trimmed) in exchange_starts(history)


@pytest.mark.parametrize("pct", [1, 50, 100])
def test_empty_history(pct: int) -> None:
    assert trim_history([], 0, pct) == []


def test_tool_turns_skip_screen_descriptions_and_mark_the_turn_before_them() -> None:
    entries = [HistoryEntry("user", "what is this", 3), HistoryEntry("user", "SEEN: a cat", 3),
               HistoryEntry("assistant", "a cat", 2), HistoryEntry("user", "cute", 1, looked=False),
               HistoryEntry("user", "next one", 2, looked=True)]
    assert tool_turns(entries, "SEEN:", 8) == (("what is this", "cute", "next one"), (True, False, True))
    assert tool_turns(entries, "SEEN:", 2) == (("cute", "next one"), (False, True))
    assert tool_turns(entries, "SEEN:", 0) == ((), ())


def test_carry_looks_copies_flags_onto_the_same_user_messages_in_order() -> None:
    old = [HistoryEntry("user", "look", 1, looked=True), HistoryEntry("assistant", "ok", 1),
           HistoryEntry("user", "haha", 1), HistoryEntry("user", "next", 1, looked=True)]
    new = [HistoryEntry("user", "look", 1), HistoryEntry("assistant", "ok!", 1),
           HistoryEntry("user", "haha", 1), HistoryEntry("user", "other", 1)]
    carry_looks(old, new)
    assert [e.looked for e in new] == [True, False, False, False]
