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
:meth:`DecodeWeights.decoding`. Projections that read the same input
(``q_proj``/``k_proj``/``v_proj`` of an attention block, ``gate_proj``/
``up_proj`` of an MLP: the Llama, Mistral, Qwen and SmolLM layouts) share
one concatenated copy, so a decode step makes 2 matrix calls per layer for
them instead of 5 (7-10% of a step on the development VM).
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

    def pays(self, rows: int) -> bool:
        """Whether a decode step of ``rows`` rows should use the copies."""
        return rows <= DECODE_MAX_ROWS and self.nbytes > 0

    @contextlib.contextmanager
    def decoding(self, rows: int) -> Iterator[None]:
        """Use the copies for a decode step of ``rows`` rows, if it pays."""
        self.active = self.pays(rows)
        try:
            yield
        finally:
            self.active = False


#: Sibling projections that read the same input tensor, by attribute name.
FUSED_GROUPS = (("q_proj", "k_proj", "v_proj"), ("gate_proj", "up_proj"))


class _FusedCopy:
    """One concatenated decode copy for sibling projections.

    The first sibling called with an input computes every sibling's output;
    the others, called with the same tensor object, take theirs. The last
    input is held, so its identity cannot be reused by another tensor.
    """

    def __init__(self, weights: list[torch.Tensor]) -> None:
        self.weight = torch.cat(weights)
        self.sizes = [w.shape[0] for w in weights]
        self._input: torch.Tensor | None = None
        self._outputs: tuple[torch.Tensor, ...] = ()

    def output(self, inputs: torch.Tensor, index: int) -> torch.Tensor:
        if inputs is not self._input:
            fused = F.linear(inputs.to(self.weight.dtype), self.weight).to(inputs.dtype)
            self._outputs = torch.split(fused, self.sizes, dim=-1)
            self._input = inputs
        return self._outputs[index]


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
        self._fused: _FusedCopy | None = None
        self._fused_index = 0

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``inputs @ weight.T + bias``, through the decode copy while the
        switch is on."""
        if not self._switch.active:
            return F.linear(inputs, self.weight, self.bias)
        if self._fused is not None:
            out = self._fused.output(inputs, self._fused_index)
        else:
            decode_weight = self.decode_weight
            out = F.linear(inputs.to(decode_weight.dtype), decode_weight).to(inputs.dtype)
        return out if self.bias is None else out + self.bias


def _fuse_siblings(module: nn.Module) -> None:
    """Give each group of :data:`FUSED_GROUPS` under ``module`` one shared copy."""
    for names in FUSED_GROUPS:
        members = [getattr(module, name, None) for name in names]
        if not all(isinstance(m, DecodeLinear) for m in members):
            continue
        linears = [m for m in members if isinstance(m, DecodeLinear)]
        if len({m.in_features for m in linears}) != 1:
            continue
        fused = _FusedCopy([m.decode_weight for m in linears])
        for index, member in enumerate(linears):
            member._fused, member._fused_index = fused, index
            member.decode_weight = fused.weight[sum(fused.sizes[:index]):sum(fused.sizes[: index + 1])]


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
    for module in list(model.modules()):
        _fuse_siblings(module)
    return switch


__all__ = ["DECODE_MAX_ROWS", "DecodeLinear", "DecodeWeights", "add_decode_weights"]
