"""The pure fitter: budgets, history dropping order, keeping the utterance's end."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cadence.tools.fitting import (
    FitBudget,
    FitLayout,
    clamp_max_length,
    fit_input,
    keep_end,
)

# BERT-like: [CLS]=101, [SEP]=102; history turns joined with [SEP].
BERT = FitLayout(
    single_prefix=(101,),
    single_suffix=(102,),
    pair_prefix=(101,),
    pair_middle=(102,),
    pair_suffix=(102,),
    pair_prefix_types=(0,),
    pair_middle_types=(0,),
    pair_suffix_types=(1,),
    type_a=0,
    type_b=1,
    turn_separator=(102,),
)
# RoBERTa-like: <s> A </s></s> B </s>, no token types; Longformer adds global attention.
ROBERTA = FitLayout((0,), (2,), (0,), (2, 2), (2,), turn_separator=(2,))
LONGFORMER = FitLayout((0,), (2,), (0,), (2, 2), (2,), turn_separator=(2,), global_first=True)


def encode(text: str) -> list[int]:
    """Texts in these tests are space-separated integers: the ids themselves."""
    return [int(word) for word in text.split()]


def words(start: int, count: int) -> str:
    return " ".join(str(i) for i in range(start, start + count))


def test_short_utterance_without_history_uses_single_layout() -> None:
    fitted = fit_input([], "5 6 7", encode, BERT, FitBudget(16, 8))
    assert fitted.input_ids == (101, 5, 6, 7, 102)
    assert fitted.token_type_ids == (0, 0, 0, 0, 0)
    assert fitted.turns_used == 0
    assert not fitted.truncated
    assert fitted.global_attention_mask is None


def test_long_utterance_is_cut_keeping_its_end() -> None:
    fitted = fit_input([], words(1, 300), encode, BERT, FitBudget(10, 4))
    assert fitted.input_ids == (101, *range(293, 301), 102)
    assert fitted.truncated
    assert len(fitted.input_ids) == 10


def test_history_is_dropped_before_the_utterance_is_cut() -> None:
    turns = [words(500, 3), words(600, 3)]
    fitted = fit_input(turns, words(1, 20), encode, BERT, FitBudget(12, 8))
    assert fitted.turns_used == 0
    assert fitted.input_ids == (101, *range(11, 21), 102)
    assert fitted.truncated


def test_oldest_turns_are_dropped_first() -> None:
    turns = [words(100, 5), words(200, 5), words(300, 5)]
    fitted = fit_input(turns, "7 8", encode, BERT, FitBudget(64, 11))
    history = (*range(200, 205), 102, *range(300, 305))
    assert fitted.input_ids == (101, *history, 102, 7, 8, 102)
    assert fitted.turns_used == 2
    assert fitted.token_type_ids == (0,) * 13 + (1, 1, 1)


def test_history_room_shrinks_with_the_utterance() -> None:
    turns = [words(100, 4), words(200, 4)]
    # 16 total - 3 specials - 8 utterance = 5 tokens left: only the newest turn fits.
    fitted = fit_input(turns, words(1, 8), encode, BERT, FitBudget(16, 100))
    assert fitted.turns_used == 1
    assert fitted.input_ids == (101, *range(200, 204), 102, *range(1, 9), 102)


def test_an_older_turn_never_survives_a_dropped_newer_one() -> None:
    turns = ["9", words(100, 50), "7 7"]
    fitted = fit_input(turns, "1", encode, BERT, FitBudget(64, 10))
    assert fitted.turns_used == 1
    assert 9 not in fitted.input_ids


def test_zero_history_budget_and_blank_turns() -> None:
    assert fit_input(["4 4"], "1", encode, BERT, FitBudget(64, 0)).turns_used == 0
    fitted = fit_input(["3", "   ", ""], "1", encode, BERT, FitBudget(64, 8))
    assert fitted.turns_used == 1
    assert fitted.input_ids == (101, 3, 102, 1, 102)


def test_roberta_layout_counts_its_double_separator() -> None:
    fitted = fit_input(["5 5 5"], words(1, 4), encode, ROBERTA, FitBudget(11, 10))
    assert fitted.input_ids == (0, 5, 5, 5, 2, 2, 1, 2, 3, 4, 2)
    assert len(fitted.input_ids) == 11


def test_longformer_gets_global_attention_on_the_first_token() -> None:
    fitted = fit_input(["5"], "1 2", encode, LONGFORMER, FitBudget(32, 8))
    assert fitted.global_attention_mask == (1,) + (0,) * (len(fitted.input_ids) - 1)


def test_keep_end_and_clamp() -> None:
    assert keep_end([1, 2, 3], 2) == ((2, 3), True)
    assert keep_end([1, 2], 5) == ((1, 2), False)
    assert keep_end([1], 0) == ((), True)
    assert clamp_max_length(512, 4096, 10**30) == 512
    assert clamp_max_length(4096, 512, None) == 512
    assert clamp_max_length(256, None, 128) == 128


@given(
    turn_lengths=st.lists(st.integers(0, 40), max_size=8),
    utterance_length=st.integers(1, 120),
    max_length=st.integers(8, 96),
    history_tokens=st.integers(0, 64),
    layout=st.sampled_from([BERT, ROBERTA, LONGFORMER]),
)
def test_fitting_invariants(
    turn_lengths: list[int],
    utterance_length: int,
    max_length: int,
    history_tokens: int,
    layout: FitLayout,
) -> None:
    turns = [words(1000 * (i + 1), n) for i, n in enumerate(turn_lengths)]
    utterance = encode(words(1, utterance_length))
    fitted = fit_input(
        turns,
        words(1, utterance_length),
        encode,
        layout,
        FitBudget(max_length, history_tokens),
    )
    ids = fitted.input_ids
    assert len(ids) <= max_length
    assert len(fitted.token_type_ids) == len(ids)
    # The utterance's end is always there, right before the closing specials.
    suffix = layout.pair_suffix if fitted.turns_used else layout.single_suffix
    body = ids[len(ids) - len(suffix) - min(len(utterance), 3) : len(ids) - len(suffix)]
    assert body == tuple(utterance[-len(body) :])
    # Kept turns are the newest ones, and history never exceeds its budget.
    non_blank = [t for t in turns if t.strip()]
    if fitted.turns_used:
        kept = non_blank[-fitted.turns_used :]
        history_len = sum(len(encode(t)) for t in kept) + len(layout.turn_separator) * (len(kept) - 1)
        assert history_len <= history_tokens
        assert not fitted.truncated
    assert fitted.truncated == (
        fitted.turns_used == 0 and utterance_length > max_length - layout.single_overhead
    )
