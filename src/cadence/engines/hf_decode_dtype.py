"""Choosing the dtype of the ``hf`` engine's decode weight copies on this CPU.

Which half-size dtype reads fastest in a one-row product depends on the
CPU and on torch's kernels for it, not on the model: on the AVX2
development VM bfloat16 and float16 were close, while on an AVX-512 host
with bfloat16 units float16 took 0.5x the time of bfloat16 for a one-row
step (docs/benchmarks/hf.md). So ``HF_DECODE_DTYPE=auto`` times both on one
decoder block's own matrices when the model loads (tens of milliseconds)
and keeps the faster; bfloat16 wins ties because it has float32's range.
Both keep perplexity within 1% of float32 on the default model. float16
holds values up to 65,504, far above what a model's hidden states reach
after each norm, so a model whose activations go beyond it should be run
with ``HF_DECODE_DTYPE=bfloat16``.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn

#: The candidates, in order of preference when their times are close.
CANDIDATES = (torch.bfloat16, torch.float16)
#: A later candidate must take at most this share of the best earlier one's time.
MARGIN = 0.85
#: Timed repetitions (the best one counts) and the matrices sampled from the model.
REPEATS, SAMPLE = 5, 7


def _sample(model: nn.Module) -> list[torch.Tensor]:
    """The weights of the first :data:`SAMPLE` linear layers (one block of a Llama)."""
    weights = [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]
    return weights[:SAMPLE]


def _time_one_row(weights: list[torch.Tensor], dtype: torch.dtype) -> float:
    copies = [w.to(dtype) for w in weights]
    rows = [torch.randn(1, w.shape[1], dtype=dtype) for w in copies]
    best = float("inf")
    with torch.inference_mode():
        for _ in range(REPEATS):
            started = time.perf_counter()
            for row, copy in zip(rows, copies, strict=True):
                F.linear(row, copy)
            best = min(best, time.perf_counter() - started)
    return best


def fastest_decode_dtype(model: nn.Module) -> torch.dtype:
    """The candidate whose one-row products over ``model``'s matrices are fastest here.

    Blocking (tens of milliseconds). Returns ``bfloat16`` when ``model``
    has no linear layer.
    """
    weights = _sample(model)
    if not weights:
        return CANDIDATES[0]
    chosen, chosen_time = CANDIDATES[0], _time_one_row(weights, CANDIDATES[0])
    for dtype in CANDIDATES[1:]:
        elapsed = _time_one_row(weights, dtype)
        if elapsed <= chosen_time * MARGIN:
            chosen, chosen_time = dtype, elapsed
    return chosen


__all__ = ["CANDIDATES", "fastest_decode_dtype"]
