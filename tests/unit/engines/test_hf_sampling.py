"""Penalties and sampling of the hf engine on hand-made logits (no model)."""

from __future__ import annotations

from typing import cast

import pytest
import torch

from cadence.engines.base import InvalidRequestError, SamplingParams
from cadence.engines.checks import check_sampling
from cadence.engines.hf_sampling import (
    FrequencyPenaltyLogitsProcessor,
    PresencePenaltyLogitsProcessor,
    TokenSampler,
)

CPU = torch.device("cpu")
VOCAB = 8


def ids(*values: int) -> torch.LongTensor:
    return cast(torch.LongTensor, torch.tensor([values], dtype=torch.long))


def zeros() -> torch.FloatTensor:
    return cast(torch.FloatTensor, torch.zeros((1, VOCAB)))


def test_presence_penalty_counts_each_reply_token_once() -> None:
    # Prompt [1, 2]; reply [3, 3, 4]: token 2 is only in the prompt.
    scores = PresencePenaltyLogitsProcessor(0.5, prompt_length=2)(ids(1, 2, 3, 3, 4), zeros())
    assert scores[0].tolist() == [0, 0, 0, -0.5, -0.5, 0, 0, 0]


def test_frequency_penalty_scales_with_the_count() -> None:
    scores = FrequencyPenaltyLogitsProcessor(0.5, prompt_length=2)(ids(1, 2, 3, 3, 4), zeros())
    assert scores[0].tolist() == [0, 0, 0, -1.0, -0.5, 0, 0, 0]


def test_penalties_with_no_reply_change_nothing() -> None:
    scores = FrequencyPenaltyLogitsProcessor(2.0, prompt_length=2)(ids(1, 2), zeros())
    assert scores[0].tolist() == [0.0] * VOCAB


def test_negative_presence_penalty_encourages_repeats() -> None:
    scores = PresencePenaltyLogitsProcessor(-1.0, prompt_length=0)(ids(5), zeros())
    assert scores[0, 5] == 1.0


def logits(*values: float) -> torch.Tensor:
    return torch.tensor([values])


def test_greedy_takes_the_argmax() -> None:
    sampler = TokenSampler(SamplingParams(temperature=0.0), prompt_length=1, device=CPU)
    assert sampler.greedy
    assert sampler(ids(0), logits(0.1, 3.0, 2.0)) == 1


def test_frequency_penalty_changes_the_greedy_choice() -> None:
    params = SamplingParams(temperature=0.0, frequency_penalty=1.0)
    sampler = TokenSampler(params, prompt_length=1, device=CPU)
    # Token 1 was already generated twice: 3.0 - 2.0 < 2.0.
    assert sampler(ids(0, 1, 1), logits(0.1, 3.0, 2.0)) == 2


def test_repetition_penalty_covers_the_prompt() -> None:
    params = SamplingParams(temperature=0.0, repetition_penalty=2.0)
    sampler = TokenSampler(params, prompt_length=1, device=CPU)
    assert sampler(ids(1), logits(0.1, 3.0, 2.0)) == 2


def test_seeded_sampling_is_reproducible() -> None:
    params = SamplingParams(temperature=1.0, seed=1234)
    flat = torch.zeros((1, 1000))
    first = [TokenSampler(params, 1, CPU)(ids(0), flat) for _ in range(3)]
    sampler = TokenSampler(params, 1, CPU)
    again = [sampler(ids(0), flat) for _ in range(3)]
    assert first == [again[0]] * 3
    assert len(set(again)) > 1  # the generator advances between draws


@pytest.mark.parametrize(
    "params",
    [
        SamplingParams(temperature=1.0, top_k=1, seed=1),
        SamplingParams(temperature=1.0, top_p=0.01, seed=2),
        SamplingParams(temperature=1.0, min_p=0.9, seed=3),
    ],
)
def test_filters_leave_only_the_best_token(params: SamplingParams) -> None:
    sampler = TokenSampler(params, 1, CPU)
    draws = {sampler(ids(0), logits(0.0, 5.0, 1.0, 2.0)) for _ in range(50)}
    assert draws == {1}


def test_check_sampling_names_every_problem() -> None:
    bad = SamplingParams()._replace(
        temperature=-1.0, top_p=0.0, max_tokens=0, repetition_penalty=0.0
    )
    with pytest.raises(InvalidRequestError) as info:
        check_sampling(bad)
    message = str(info.value)
    for name in ("temperature", "top_p", "max_tokens", "repetition_penalty"):
        assert name in message


def test_check_sampling_accepts_defaults() -> None:
    check_sampling(SamplingParams())
