"""Prefix KV reuse for the ``hf`` engine: keep finished requests' caches.

When a request leaves the engine (done, cancelled, failed), the keys and
values of the tokens it holds (prompt plus the generated tokens fed back)
are kept here. A new prompt looks up the kept entry sharing its longest
common token prefix and prefills only the rest, the way vLLM's prefix
caching and llama.cpp's slot reuse do. Matching is on token ids of the new
rendered prompt: re-rendered history may tokenize differently from what was
generated, and the common prefix simply ends at the first difference.

Memory is bounded by a byte budget; the least recently used entries go
first, and an entry that is a prefix of a newer one is replaced by it (a
session's next turn supersedes its previous one). Scheduler thread only.
Only full-attention caches (``DynamicLayer`` or
:class:`~cadence.engines.hf_kv.SlabLayer` layers) are kept.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Sequence

import torch
from transformers import DynamicCache

from cadence.engines.hf_batch import is_mergeable, layer_tensors
from cadence.engines.hf_kv import slab_cache

#: Per layer: keys and values ``[1, heads, tokens, head_dim]``.
LayerKV = list[tuple[torch.Tensor, torch.Tensor]]


@dataclasses.dataclass(eq=False, slots=True)
class _Entry:
    ids: tuple[int, ...]
    layers: LayerKV
    nbytes: int


@dataclasses.dataclass(frozen=True, slots=True)
class PrefixCacheStats:
    """Counters of the prefix cache (approximate across threads)."""

    entries: int = 0
    bytes: int = 0
    budget_bytes: int = 0
    lookups: int = 0
    hits: int = 0
    reused_tokens: int = 0
    evictions: int = 0


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common prefix of two token sequences."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


class PrefixCache:
    """Kept KV caches by token prefix, LRU within ``budget_bytes`` (0 disables)."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = max(0, budget_bytes)
        self._entries: collections.OrderedDict[int, _Entry] = collections.OrderedDict()
        self._serial = 0
        self._bytes = 0
        self._stats = PrefixCacheStats(budget_bytes=self.budget_bytes)

    def stats(self) -> PrefixCacheStats:
        """A snapshot of the counters."""
        return dataclasses.replace(self._stats, entries=len(self._entries), bytes=self._bytes)

    def lookup(self, ids: Sequence[int]) -> DynamicCache | None:
        """A cache holding the longest kept prefix of ``ids``, leaving at least
        the last token to prefill (its logits are needed), or ``None``."""
        best, length = None, 0
        for key, entry in self._entries.items():
            shared = common_prefix(entry.ids, ids)
            if shared > length:
                best, length = key, shared
        length = min(length, len(ids) - 1)
        hit = best is not None and length > 0
        self._stats = dataclasses.replace(
            self._stats, lookups=self._stats.lookups + 1, hits=self._stats.hits + int(hit),
            reused_tokens=self._stats.reused_tokens + (length if hit else 0))
        if best is None or not hit:
            return None
        self._entries.move_to_end(best)
        layers = self._entries[best].layers
        return slab_cache((k[:, :, :length], v[:, :, :length]) for k, v in layers)

    def store(self, ids: Sequence[int], layers: LayerKV) -> None:
        """Keep ``layers`` (copied) as the cache of ``ids``; entries that are
        a prefix of ``ids`` are replaced, the least recently used evicted."""
        if not ids or not layers or self.budget_bytes == 0:
            return
        kept = [(k[:, :, : len(ids)].clone(), v[:, :, : len(ids)].clone()) for k, v in layers]
        nbytes = sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in kept)
        if nbytes > self.budget_bytes:
            return
        key_ids = tuple(ids)
        for key in [k for k, e in self._entries.items() if key_ids[: len(e.ids)] == e.ids]:
            self._drop(key)
        evicted = 0
        while self._bytes + nbytes > self.budget_bytes and self._entries:
            self._drop(next(iter(self._entries)))
            evicted += 1
        self._serial += 1
        self._entries[self._serial] = _Entry(key_ids, kept, nbytes)
        self._bytes += nbytes
        if evicted:
            self._stats = dataclasses.replace(self._stats, evictions=self._stats.evictions + evicted)

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
        self._bytes = 0

    def _drop(self, key: int) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.nbytes


def cache_layers(cache: DynamicCache) -> LayerKV | None:
    """The keys and values of a one-row full-attention cache, or ``None`` for
    other layouts (sliding-window, hybrid), which are not kept."""
    if not is_mergeable(cache):
        return None
    try:
        return layer_tensors(cache)
    except RuntimeError:  # a layer that never ran: nothing to keep
        return None


__all__ = ["LayerKV", "PrefixCache", "PrefixCacheStats", "cache_layers", "common_prefix"]
