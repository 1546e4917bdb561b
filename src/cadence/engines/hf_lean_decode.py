"""A lean decode step for Llama-layout models on the ``hf`` engine's decode copies.

A transformers forward pass of SmolLM2-135M runs about 2,000 small
operations and a module call per projection, norm and block; on a 2-core
CPU that framework work is 5-7 ms of a 35-40 ms decode step of one session
(docs/benchmarks/hf.md). :class:`LeanDecoder` runs the same arithmetic, in
the same order and dtypes, as straight-line code over the model's own
tensors and the concatenated bfloat16 copies of
:mod:`cadence.engines.hf_decode_weights`, so its logits equal the model's
forward under :meth:`DecodeWeights.decoding` bit for bit (tested).

It covers exactly what it reproduces: ``model_type`` ``llama`` (SmolLM,
Llama 2/3 and their fine-tunes) with SDPA attention, no projection biases,
SiLU MLPs, and fused decode copies in place. :func:`lean_decoder` returns
``None`` for anything else, and those models keep the generic forward pass.
Blocking, scheduler thread only, under ``torch.inference_mode``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
import torch.nn.functional as F
from transformers import DynamicCache, PreTrainedModel

from cadence.engines.hf_decode_weights import DecodeLinear


@dataclasses.dataclass(frozen=True, slots=True)
class _Layer:
    """One decoder block's tensors: norms in the model's dtype, matrices as decode copies."""

    input_norm: torch.Tensor
    qkv: torch.Tensor
    qkv_sizes: list[int]
    out: torch.Tensor
    post_norm: torch.Tensor
    gate_up: torch.Tensor
    down: torch.Tensor


class LeanDecoder:
    """Decode steps of a supported model without the framework's per-op work."""

    def __init__(self, model: Any, layers: list[_Layer], head: torch.Tensor) -> None:
        config = model.config
        inner = model.model
        self._embed = inner.embed_tokens
        self._rotary = inner.rotary_emb
        self._final_norm: torch.Tensor = inner.norm.weight
        self._layers = layers
        self._head = head
        self._heads = int(config.num_attention_heads)
        self._kv_heads = int(config.num_key_value_heads)
        self._head_dim = int(getattr(config, "head_dim", None) or config.hidden_size // self._heads)
        self._eps = float(config.rms_norm_eps)

    def step(
        self, ids: torch.Tensor, positions: torch.Tensor, cache: DynamicCache, mask: torch.Tensor | None
    ) -> torch.Tensor:
        """One new position per row: ``ids`` and ``positions`` ``[B, 1]``;
        ``mask`` ``[B, T + 1]`` (0 on left padding) or ``None`` when no row
        is padded. Appends each layer's keys and values to ``cache``.

        Returns the logits ``[B, V]`` in the model's dtype.
        """
        hidden = self._embed(ids)
        cos, sin = self._rotary(hidden, positions)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        attn_mask = None if mask is None else mask.bool()[:, None, None, :]
        for index, layer in enumerate(self._layers):
            hidden = hidden + self._attention(
                layer, self._rms_norm(hidden, layer.input_norm), cos, sin, cache, index, attn_mask
            )
            gate, up = _linear(self._rms_norm(hidden, layer.post_norm), layer.gate_up).chunk(2, dim=-1)
            hidden = hidden + _linear(F.silu(gate) * up, layer.down)
        logits = _linear(self._rms_norm(hidden, self._final_norm)[:, -1], self._head)
        return logits

    def _attention(
        self,
        layer: _Layer,
        normed: torch.Tensor,
        cos: torch.Tensor,
        sin: torch.Tensor,
        cache: DynamicCache,
        index: int,
        attn_mask: torch.Tensor | None,
    ) -> torch.Tensor:
        rows = normed.shape[0]
        query, key, value = torch.split(_linear(normed, layer.qkv), layer.qkv_sizes, dim=-1)
        query = query.view(rows, 1, self._heads, self._head_dim).transpose(1, 2)
        key = key.view(rows, 1, self._kv_heads, self._head_dim).transpose(1, 2)
        value = value.view(rows, 1, self._kv_heads, self._head_dim).transpose(1, 2)
        query = query * cos + _rotate_half(query) * sin
        key = key * cos + _rotate_half(key) * sin
        layer_cache: Any = cache.layers[index]  # a full-attention layer: the batch checked
        keys, values = layer_cache.update(key, value)
        attended = F.scaled_dot_product_attention(
            query, keys, values, attn_mask=attn_mask, scale=self._head_dim**-0.5,
            enable_gqa=self._kv_heads != self._heads,
        )
        return _linear(attended.transpose(1, 2).reshape(rows, 1, -1), layer.out)

    def _rms_norm(self, hidden: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        variance = hidden.pow(2).mean(-1, keepdim=True)
        return weight * (hidden * torch.rsqrt(variance + self._eps))


def _linear(inputs: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """``inputs @ weight.T`` in ``weight``'s dtype, returned in ``inputs``' dtype."""
    return F.linear(inputs.to(weight.dtype), weight).to(inputs.dtype)


def _rotate_half(tensor: torch.Tensor) -> torch.Tensor:
    half = tensor.shape[-1] // 2
    return torch.cat((-tensor[..., half:], tensor[..., :half]), dim=-1)


def _is_supported(model: Any) -> bool:
    config = model.config
    inner = getattr(model, "model", None)
    return (
        getattr(config, "model_type", None) == "llama"
        and getattr(config, "_attn_implementation", None) == "sdpa"
        and not getattr(config, "attention_bias", False)
        and not getattr(config, "mlp_bias", False)
        and getattr(config, "hidden_act", None) == "silu"
        and getattr(config, "pretraining_tp", 1) in (None, 1)
        and inner is not None
        and all(hasattr(inner, name) for name in ("embed_tokens", "layers", "norm", "rotary_emb"))
        and isinstance(getattr(model, "lm_head", None), DecodeLinear)
    )


def _fused(first: Any, count: int) -> tuple[torch.Tensor, tuple[int, ...]] | None:
    """The shared copy of a sibling group whose first projection is ``first``."""
    fused = getattr(first, "_fused", None) if isinstance(first, DecodeLinear) else None
    if fused is None or len(fused.sizes) != count:
        return None
    return fused.weight, tuple(fused.sizes)


def _layer(block: Any) -> _Layer | None:
    attention, mlp = block.self_attn, block.mlp
    qkv, gate_up = _fused(attention.q_proj, 3), _fused(mlp.gate_proj, 2)
    out, down = attention.o_proj, mlp.down_proj
    if qkv is None or gate_up is None or not isinstance(out, DecodeLinear) or not isinstance(down, DecodeLinear):
        return None
    return _Layer(
        input_norm=block.input_layernorm.weight, qkv=qkv[0], qkv_sizes=list(qkv[1]),
        out=out.decode_weight, post_norm=block.post_attention_layernorm.weight,
        gate_up=gate_up[0], down=down.decode_weight,
    )


def lean_decoder(model: PreTrainedModel) -> LeanDecoder | None:
    """A :class:`LeanDecoder` for ``model`` (its decode copies already
    added), or ``None`` when it is not a layout this module reproduces."""
    if not _is_supported(model):
        return None
    layers = [_layer(block) for block in model.model.layers]
    if any(layer is None for layer in layers):
        return None
    head: torch.Tensor = model.lm_head.decode_weight
    return LeanDecoder(model, [layer for layer in layers if layer is not None], head)


__all__ = ["LeanDecoder", "lean_decoder"]
