"""KV layers that grow in place give the same attention inputs as DynamicLayer."""

from __future__ import annotations

import torch
from transformers.cache_utils import DynamicLayer

from cadence.engines.hf_kv import SPARE_TOKENS, SlabLayer, is_full_attention, slab_cache


def states(tokens: int, batch: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.randn(batch, 2, tokens, 4), torch.randn(batch, 2, tokens, 4)


def test_updates_match_dynamic_layer_and_write_in_place() -> None:
    slab, dynamic = SlabLayer(), DynamicLayer()
    first_slab = None
    for tokens in (5, 1, 1, 3):
        keys, values = states(tokens)
        got = slab.update(keys, values)
        want = dynamic.update(keys, values)
        assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
        assert slab.get_seq_length() == dynamic.get_seq_length()
        first_slab = first_slab or got[0].data_ptr()
        assert got[0].data_ptr() == first_slab  # no copy while the spare room lasts


def test_grows_past_the_spare_room_keeping_every_position() -> None:
    slab, dynamic = SlabLayer(spare_tokens=4), DynamicLayer()
    for _ in range(7):
        keys, values = states(3)
        slab.update(keys, values)
        dynamic.update(keys, values)
    assert torch.equal(slab.keys, dynamic.keys) and torch.equal(slab.values, dynamic.values)
    assert slab.get_seq_length() == 21


def test_a_replaced_tensor_is_copied_not_overwritten() -> None:
    slab = SlabLayer()
    slab.update(*states(4))
    outside = torch.randn(1, 2, 4, 4)
    slab.keys, slab.values = outside.clone(), outside.clone()  # e.g. a crop or reorder
    keys, values = states(1)
    slab.update(keys, values)
    assert torch.equal(slab.keys[:, :, :4], outside) and torch.equal(slab.keys[:, :, 4:], keys)


def test_slab_cache_copies_and_leaves_spare_room() -> None:
    layers = [states(6, batch=2) for _ in range(3)]
    cache = slab_cache(layers)
    assert cache.get_seq_length() == 6
    assert all(is_full_attention(layer) for layer in cache.layers)
    for layer, (keys, values) in zip(cache.layers, layers, strict=True):
        assert torch.equal(layer.keys, keys) and torch.equal(layer.values, values)
        assert layer.keys.data_ptr() != keys.data_ptr()
    keys[:, :, 0] = 0.0  # the source can change: the cache holds a copy
    assert layer.keys.untyped_storage().nbytes() >= 2 * 2 * (6 + SPARE_TOKENS) * 4 * 4
