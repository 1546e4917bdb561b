"""Per-request token sampling for the ``hf`` engine.

Order, as in vLLM: repetition penalty (prompt and reply), then the
OpenAI-style presence and frequency penalties (reply only), then either
greedy argmax (temperature 0) or temperature, top-k, top-p, min-p and a draw
from the request's own seeded generator.
"""

from __future__ import annotations

import secrets
from typing import cast

import torch
from transformers import (
    LogitsProcessor,
    LogitsProcessorList,
    MinPLogitsWarper,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from cadence.engines.base import SamplingParams


def _generated_counts(input_ids: torch.Tensor, prompt_length: int, vocab_size: int) -> torch.Tensor:
    """Count each token id of the reply part of ``input_ids``: shape ``[B, V]``."""
    generated = input_ids[:, prompt_length:]
    counts = torch.zeros((input_ids.shape[0], vocab_size), dtype=torch.float32, device=input_ids.device)
    if generated.shape[1]:
        counts.scatter_add_(1, generated, torch.ones_like(generated, dtype=torch.float32))
    return counts


class PresencePenaltyLogitsProcessor(LogitsProcessor):
    """Subtract ``penalty`` from every token the reply already contains.

    OpenAI's ``presence_penalty``: the prompt is not counted, only tokens
    after the first ``prompt_length`` of ``input_ids``. Negative values
    encourage repetition.
    """

    def __init__(self, penalty: float, prompt_length: int) -> None:
        self._penalty = penalty
        self._prompt_length = prompt_length

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        counts = _generated_counts(input_ids, self._prompt_length, scores.shape[-1])
        return cast(torch.FloatTensor, scores - self._penalty * (counts > 0).to(scores.dtype))


class FrequencyPenaltyLogitsProcessor(LogitsProcessor):
    """Subtract ``penalty`` times the count of each token in the reply so far.

    OpenAI's ``frequency_penalty``; the prompt is not counted.
    """

    def __init__(self, penalty: float, prompt_length: int) -> None:
        self._penalty = penalty
        self._prompt_length = prompt_length

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        counts = _generated_counts(input_ids, self._prompt_length, scores.shape[-1])
        return cast(torch.FloatTensor, scores - self._penalty * counts.to(scores.dtype))



def _penalties(params: SamplingParams, prompt_length: int) -> LogitsProcessorList:
    processors = LogitsProcessorList()
    if params.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(params.repetition_penalty))
    if params.presence_penalty:
        processors.append(PresencePenaltyLogitsProcessor(params.presence_penalty, prompt_length))
    if params.frequency_penalty:
        processors.append(FrequencyPenaltyLogitsProcessor(params.frequency_penalty, prompt_length))
    return processors


def _warpers(params: SamplingParams) -> LogitsProcessorList:
    warpers = LogitsProcessorList()
    if params.temperature != 1.0:
        warpers.append(TemperatureLogitsWarper(params.temperature))
    if params.top_k > 0:
        warpers.append(TopKLogitsWarper(params.top_k))
    if params.top_p < 1.0:
        warpers.append(TopPLogitsWarper(params.top_p))
    if params.min_p > 0.0:
        warpers.append(MinPLogitsWarper(params.min_p))
    return warpers


class TokenSampler:
    """Choose the next token of one request.

    Holds the request's own :class:`torch.Generator`, so a fixed ``seed``
    gives the same draws whatever other requests do. (Batched forward passes
    may still change logits in the last bits, and so rare draws, when the
    batch around a request changes.) Not thread-safe: one owner thread.
    """

    def __init__(self, params: SamplingParams, prompt_length: int, device: torch.device) -> None:
        """Build the processors for ``params``; call :func:`check_sampling` first."""
        self.greedy = params.temperature == 0
        self._penalties = _penalties(params, prompt_length)
        self._warpers = LogitsProcessorList() if self.greedy else _warpers(params)
        self._generator: torch.Generator | None = None
        if not self.greedy:
            seed = params.seed if params.seed is not None else secrets.randbits(63)
            self._generator = torch.Generator(device=device)
            self._generator.manual_seed(seed)

    def __call__(self, input_ids: torch.Tensor, logits: torch.Tensor) -> int:
        """Return the next token id.

        ``input_ids`` is ``[1, L]`` (prompt then reply so far) and ``logits``
        ``[1, V]`` for the next position, on the same device.
        """
        ids = cast(torch.LongTensor, input_ids)
        scores = cast(torch.FloatTensor, logits.float())
        if self._penalties:
            scores = self._penalties(ids, scores)
        if self.greedy:
            return int(scores.argmax(dim=-1).item())
        if self._warpers:
            scores = self._warpers(ids, scores)
        probs = torch.softmax(scores, dim=-1)
        return int(torch.multinomial(probs, 1, generator=self._generator).item())


__all__ = [
    "FrequencyPenaltyLogitsProcessor",
    "PresencePenaltyLogitsProcessor",
    "TokenSampler",
]
