"""KV cache layers of the ``hf`` engine that grow in place.

transformers' ``DynamicLayer`` concatenates on every update, so each decode
step copies the whole cache of every layer once more: at 600 tokens that
was about a fifth of a CPU decode step of SmolLM2-135M (profile in
docs/benchmarks/hf.md). A :class:`SlabLayer` keeps keys and values in a
buffer with spare positions and writes new ones in place; its ``keys`` and
``values`` are views of the filled part, so everything that reads a
``DynamicLayer`` (sequence length, masks, the batch and prefix code) reads
it unchanged. Scheduler thread only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from transformers import DynamicCache, PreTrainedModel
from transformers.cache_utils import DynamicLayer

#: Positions allocated beyond what a layer holds, so decode steps and most
#: prefill chunks write in place; a fuller layer moves to a bigger slab.
SPARE_TOKENS = 256


class SlabLayer(DynamicLayer):  # type: ignore[no-untyped-call]  # transformers is untyped
    """A full-attention cache layer backed by a buffer with spare room.

    ``keys``/``values`` are ``[B, H, T, D]`` views of the first ``T``
    positions of ``[B, H, T + spare, D]`` slabs. If anything replaces
    ``keys`` with a tensor outside the slab, the next update copies it into
    a new slab, so the layer never writes where it should not.
    """

    def __init__(self, spare_tokens: int = SPARE_TOKENS) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._spare = spare_tokens
        self._key_slab: torch.Tensor | None = None
        self._value_slab: torch.Tensor | None = None

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Append ``[B, H, n, D]`` keys and values; return the filled views."""
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        filled = self.get_seq_length()
        end = filled + key_states.shape[-2]
        if not self._fits(key_states, end):
            self._move(key_states, end, filled)
        key_slab, value_slab = self._key_slab, self._value_slab
        assert key_slab is not None and value_slab is not None
        key_slab[:, :, filled:end].copy_(key_states)
        value_slab[:, :, filled:end].copy_(value_states)
        self.keys = key_slab[:, :, :end]
        self.values = value_slab[:, :, :end]
        return self.keys, self.values

    def reset(self) -> None:
        """Forget the slabs and every position."""
        self._key_slab = self._value_slab = None
        super().reset()

    def _fits(self, states: torch.Tensor, end: int) -> bool:
        slab, keys = self._key_slab, self.keys
        return (
            slab is not None
            and end <= slab.shape[-2]
            and slab.shape[0] == states.shape[0]
            and (self.get_seq_length() == 0 or (keys is not None and keys.data_ptr() == slab.data_ptr()))
        )

    def _move(self, states: torch.Tensor, end: int, filled: int) -> None:
        """Allocate slabs for ``end + spare`` positions, keeping the filled ones."""
        batch, heads, _, dim = states.shape
        shape = (batch, heads, end + self._spare, dim)
        key_slab, value_slab = states.new_empty(shape), states.new_empty(shape)
        if filled and self.keys is not None and self.values is not None:
            key_slab[:, :, :filled].copy_(self.keys)
            value_slab[:, :, :filled].copy_(self.values)
        self._key_slab, self._value_slab = key_slab, value_slab


def slab_cache(layers: Iterable[tuple[torch.Tensor, torch.Tensor]]) -> DynamicCache:
    """A cache of :class:`SlabLayer` layers holding copies of ``(keys, values)`` per layer."""
    cache = DynamicCache()
    cache.layers = []
    for keys, values in layers:
        layer = SlabLayer()
        layer.update(keys, values)
        cache.layers.append(layer)
    return cache


def new_cache(model: PreTrainedModel) -> DynamicCache:
    """An empty cache laid out for ``model``: its full-attention layers are
    :class:`SlabLayer` layers, any other kind (sliding window) stays as built."""
    cache = DynamicCache(config=model.config)
    cache.layers = [SlabLayer() if type(layer) is DynamicLayer else layer for layer in cache.layers]
    return cache


def is_full_attention(layer: object) -> bool:
    """Whether ``layer`` is a plain full-attention layer (paddable, keepable)."""
    return type(layer) in (DynamicLayer, SlabLayer)


__all__ = ["SPARE_TOKENS", "SlabLayer", "is_full_attention", "new_cache", "slab_cache"]
