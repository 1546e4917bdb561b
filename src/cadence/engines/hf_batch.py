"""Forward passes of the ``hf`` engine: chunked prefill and batched decode.

Requests are prefilled one at a time into their own ``DynamicCache``, then
merged into a :class:`DecodeBatch`: one KV cache for all rows, left-padded
to the longest row, with a 2-D attention mask hiding the padding and each
row's true ``position_ids`` for the rotary embeddings. This is the layout
``generate`` itself uses for left-padded batches, so every causal LM whose
cache layers are plain full-attention ``DynamicLayer``s batches this way;
other models (sliding-window, hybrid) keep one row per batch and are
interleaved step by step instead.

Blocking, scheduler thread only, under ``torch.inference_mode``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from transformers import DynamicCache, PreTrainedModel

from cadence.engines.hf_decode_weights import DecodeWeights
from cadence.engines.hf_kv import is_full_attention, slab_cache
from cadence.engines.hf_lean_decode import LeanDecoder
from cadence.engines.hf_request import Job, ReplyState


@dataclasses.dataclass(eq=False, slots=True)
class Row:
    """One decoding request: its handle and its reply state."""

    job: Job
    reply: ReplyState


#: Receives a row leaving a batch and its keys/values ``[1, H, T, D]`` per layer.
Retire = Callable[[Row, list[tuple[torch.Tensor, torch.Tensor]]], None]


def is_mergeable(cache: DynamicCache) -> bool:
    """Whether ``cache`` holds only full-attention layers that can be padded."""
    return all(is_full_attention(layer) for layer in cache.layers)


def prefill(
    model: PreTrainedModel,
    cache: DynamicCache,
    ids: torch.Tensor,
    start: int,
    *,
    keep_last_logits: bool,
) -> torch.Tensor:
    """Run prompt ids ``[1, n]`` at positions ``start..start+n`` into ``cache``.

    Returns the logits ``[1, V]`` of the last position.
    """
    positions = torch.arange(start, start + ids.shape[1], device=ids.device)
    kwargs: dict[str, Any] = {"logits_to_keep": 1} if keep_last_logits else {}
    out = model(
        input_ids=ids,
        position_ids=positions.unsqueeze(0),
        past_key_values=cache,
        use_cache=True,
        **kwargs,
    )
    logits: torch.Tensor = out.logits[:, -1, :]
    return logits


def layer_tensors(cache: DynamicCache) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The ``(keys, values)`` of each layer of a full-attention cache."""
    tensors = []
    for layer in cache.layers:
        keys, values = getattr(layer, "keys", None), getattr(layer, "values", None)
        if not isinstance(keys, torch.Tensor) or not isinstance(values, torch.Tensor):
            raise RuntimeError("cannot batch an uninitialized cache layer")
        tensors.append((keys, values))
    return tensors


def _left_pad(tensor: torch.Tensor, length: int) -> torch.Tensor:
    """Pad ``[B, H, T, D]`` on the left of ``T`` up to ``length``."""
    missing = length - tensor.shape[-2]
    return F.pad(tensor, (0, 0, missing, 0)) if missing else tensor


class DecodeBatch:
    """Rows that decode together, one forward pass per step.

    Holds, for ``B`` rows: the shared cache ``[B, H, T, D]`` per layer, the
    attention mask ``[B, T]`` (0 on left padding), each row's next position
    and its next input token (sampled, not yet in the cache).
    """

    def __init__(self, device: torch.device) -> None:
        """An empty batch whose tensors live on ``device`` (the model's)."""
        self.device = device
        self.rows: list[Row] = []
        self._cache: DynamicCache | None = None
        self._mask = torch.empty(0)
        self._positions = torch.empty(0)
        self._next = torch.empty(0)
        self._padded = False

    def __len__(self) -> int:
        return len(self.rows)

    def accepts(self, cache: DynamicCache) -> bool:
        """Whether a row with ``cache`` can join (an empty batch takes any)."""
        if self._cache is None:
            return True
        return is_mergeable(self._cache) and is_mergeable(cache)

    def add(self, row: Row, cache: DynamicCache, token: int) -> None:
        """Add a prefilled row whose next input is ``token``.

        ``cache`` holds the row's whole prompt and is consumed. Call
        :meth:`accepts` first.
        """
        length = cache.get_seq_length()
        device = self.device
        mask = torch.ones((1, length), dtype=torch.long, device=device)
        position = torch.tensor([length], dtype=torch.long, device=device)
        token_t = torch.tensor([[token]], dtype=torch.long, device=device)
        if self._cache is None:
            self._cache, self._mask = cache, mask
            self._positions, self._next = position, token_t
        else:
            total = max(length, self._mask.shape[1])
            self._cache = slab_cache(
                (
                    torch.cat((_left_pad(k0, total), _left_pad(k1, total))),
                    torch.cat((_left_pad(v0, total), _left_pad(v1, total))),
                )
                for (k0, v0), (k1, v1) in zip(layer_tensors(self._cache), layer_tensors(cache), strict=True)
            )
            self._mask = torch.cat(
                (F.pad(self._mask, (total - self._mask.shape[1], 0)), F.pad(mask, (total - length, 0)))
            )
            self._positions = torch.cat((self._positions, position))
            self._next = torch.cat((self._next, token_t))
        self.rows.append(row)
        self._padded = bool((self._mask == 0).any())

    def step(
        self, model: PreTrainedModel, weights: DecodeWeights | None = None, lean: LeanDecoder | None = None
    ) -> torch.Tensor:
        """Run one decode step for every row (with ``weights``' decode
        copies where they pay, through ``lean`` when given); return logits
        ``[B, V]``."""
        rows = len(self.rows)
        ones = torch.ones((rows, 1), dtype=self._mask.dtype, device=self._mask.device)
        mask = torch.cat((self._mask, ones), dim=1)
        positions = self._positions.unsqueeze(1)
        if lean is not None and weights is not None and weights.pays(rows) and self._cache is not None:
            logits = lean.step(self._next, positions, self._cache, mask if self._padded else None)
        else:
            with weights.decoding(rows) if weights is not None else contextlib.nullcontext():
                out = model(
                    input_ids=self._next,
                    attention_mask=mask if self._padded else None,
                    position_ids=positions,
                    past_key_values=self._cache,
                    use_cache=True,
                )
            logits = out.logits[:, -1, :]
        self._mask = mask
        self._positions = self._positions + 1
        return logits

    def set_next(self, tokens: list[int]) -> None:
        """Set each row's next input token, in row order."""
        self._next = torch.tensor(tokens, dtype=torch.long, device=self._next.device)
        self._next = self._next.unsqueeze(1)

    def keep(self, keep: list[bool], retire: Retire | None = None) -> None:
        """Keep the rows where ``keep`` is true; drop the others' cache, after
        handing each dropped row's own part of it to ``retire``."""
        if all(keep):
            return
        if retire is not None and self._cache is not None:
            self._retire(keep, retire)
        self.rows = [row for row, kept in zip(self.rows, keep, strict=True) if kept]
        if not self.rows or self._cache is None:
            self.clear()
            return
        index = torch.tensor([i for i, kept in enumerate(keep) if kept], device=self._mask.device)
        mask = self._mask.index_select(0, index)
        first = int(mask.any(dim=0).to(torch.int8).argmax())
        self._mask = mask[:, first:]
        self._cache = slab_cache(
            (k.index_select(0, index)[:, :, first:], v.index_select(0, index)[:, :, first:])
            for k, v in layer_tensors(self._cache)
        )
        self._positions = self._positions.index_select(0, index)
        self._next = self._next.index_select(0, index)
        self._padded = bool((self._mask == 0).any())

    def _retire(self, keep: list[bool], retire: Retire) -> None:
        layers = layer_tensors(self._cache) if self._cache is not None else []
        for index, (row, kept) in enumerate(zip(self.rows, keep, strict=True)):
            if kept:
                continue
            tokens = int(self._mask[index].sum())
            retire(row, [(k[index:index + 1, :, k.shape[-2] - tokens:],
                          v[index:index + 1, :, v.shape[-2] - tokens:]) for k, v in layers])

    def clear(self) -> None:
        """Drop every row and the cache."""
        self.rows = []
        self._cache = None
        self._padded = False


__all__ = ["DecodeBatch", "Retire", "Row", "is_mergeable", "layer_tensors", "prefill"]
