"""Half-size weight copies for the ``hf`` engine's decode steps.

The decode step of one session multiplies one row by every weight matrix,
so on a CPU it is bound by the bytes of weights read, not by arithmetic. A
bfloat16 copy of each linear weight halves those bytes. Everything else
keeps the original float32 weights: every prompt position (a one-token
prompt tail too, so a reused prefix gives the first token a cold prefill
would), and decode steps of more than :data:`DECODE_MAX_ROWS` rows, because on CPUs
without native bfloat16 units a bfloat16 product costs the same per row and
stops paying from about four rows (microbenchmark in
docs/benchmarks/hf.md). Measured on the 2-core development VM with
SmolLM2-135M: a one-session decode step at 600 tokens 47 ms instead of
75-98 ms with two threads; perplexity 67.10 instead of 67.05.

:func:`add_decode_weights` swaps each ``nn.Linear`` of a model for a
:class:`DecodeLinear` that keeps the original ``weight`` and ``bias``
(tied embeddings stay tied); the copies are used only inside
:meth:`DecodeWeights.decoding`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn

#: Decode steps (one new position per row) of at most this many rows use
#: the decode copy.
DECODE_MAX_ROWS = 2


class DecodeWeights:
    """The switch of one model's decode copies. Scheduler thread only."""

    def __init__(self) -> None:
        #: Bytes the decode copies take.
        self.nbytes = 0
        #: Whether linear layers use their decode copy now.
        self.active = False

    @contextlib.contextmanager
    def decoding(self, rows: int) -> Iterator[None]:
        """Use the copies for a decode step of ``rows`` rows, if it pays."""
        self.active = rows <= DECODE_MAX_ROWS and self.nbytes > 0
        try:
            yield
        finally:
            self.active = False


class DecodeLinear(nn.Module):
    """An ``nn.Linear`` with a second, smaller copy of its weight for decode steps.

    Outputs keep the input's dtype. ``weight`` and ``bias`` are the
    original parameters (shared, not copied).
    """

    def __init__(self, linear: nn.Linear, dtype: torch.dtype, switch: DecodeWeights) -> None:
        super().__init__()
        self.weight = linear.weight
        self.bias = linear.bias
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        self._switch = switch
        #: The decode copy: a plain attribute, not a buffer or parameter, so
        #: it stays out of ``state_dict`` (add copies after moving the model).
        self.decode_weight: torch.Tensor = linear.weight.detach().to(dtype)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``inputs @ weight.T + bias``, through the decode copy while the
        switch is on."""
        if not self._switch.active:
            return F.linear(inputs, self.weight, self.bias)
        decode_weight = self.decode_weight
        out = F.linear(inputs.to(decode_weight.dtype), decode_weight).to(inputs.dtype)
        return out if self.bias is None else out + self.bias


def add_decode_weights(model: nn.Module, dtype: torch.dtype) -> DecodeWeights:
    """Give every ``nn.Linear`` of ``model`` a ``dtype`` decode copy, in place.

    Returns their switch; it has ``nbytes`` 0 and nothing changes if the
    weights already have ``dtype``.
    """
    switch = DecodeWeights()
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if type(child) is nn.Linear and child.weight.dtype != dtype:
                swapped = DecodeLinear(child, dtype, switch)
                setattr(module, name, swapped)
                switch.nbytes += swapped.decode_weight.numel() * swapped.decode_weight.element_size()
    return switch


__all__ = ["DECODE_MAX_ROWS", "DecodeLinear", "DecodeWeights", "add_decode_weights"]
