"""Translations between Cadence's types and vLLM's (imports vLLM).

Only :mod:`cadence.engines.vllm` imports this module, and only the engine
factory imports that one, lazily: nothing else pays for importing vLLM.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import Any

from vllm import SamplingParams as VLLMSamplingParams
from vllm.engine.arg_utils import AsyncEngineArgs
from vllm.sampling_params import RequestOutputKind

from cadence.engines.base import FinishReason, InvalidRequestError, SamplingParams
from cadence.engines.checks import check_sampling
from cadence.engines.vllm_config import VLLMEngineConfig
from cadence.engines.vllm_quant import Quantization, resolve_dtype

#: vLLM finish reasons and what the protocol says for each. ``repetition``
#: (vLLM's optional loop detector, off unless asked for) is a normal stop.
#: ``abort`` and ``error`` are not finishes: the engine handles them.
FINISH_REASONS: dict[str, FinishReason] = {"stop": "stop", "length": "length", "repetition": "stop"}



def to_vllm_sampling(params: SamplingParams, stop_token_ids: Collection[int]) -> VLLMSamplingParams:
    """vLLM sampling parameters for ``params``, streaming deltas.

    Every field maps one to one: ``top_k`` 0 is "off" in both; temperature
    0 is greedy in both; ``seed`` gives the request its own generator.
    ``stop_token_ids`` adds the chat template's end-of-turn tokens to the
    model's EOS. Special tokens are skipped in the text.

    Raises:
        InvalidRequestError: vLLM rejected a value.
    """
    check_sampling(params)
    try:
        return VLLMSamplingParams(
            temperature=params.temperature,
            top_p=params.top_p,
            top_k=params.top_k,
            min_p=params.min_p,
            repetition_penalty=params.repetition_penalty,
            presence_penalty=params.presence_penalty,
            frequency_penalty=params.frequency_penalty,
            max_tokens=params.max_tokens,
            stop=list(params.stop),
            stop_token_ids=sorted(stop_token_ids),
            seed=params.seed,
            output_kind=RequestOutputKind.DELTA,
            skip_special_tokens=True,
        )
    except ValueError as exc:  # VLLMValidationError is a ValueError
        raise InvalidRequestError(f"invalid sampling parameters: {exc}") from exc


def apply_attention_backend(config: VLLMEngineConfig) -> dict[str, Any]:
    """Engine arguments selecting ``config.attention_backend``.

    vLLM 0.32 no longer reads the ``VLLM_ATTENTION_BACKEND`` environment
    variable (it was replaced by the ``attention_backend`` engine argument),
    so setting it in the environment would silently do nothing. The value
    is passed as the argument instead, and the stale variable is removed
    from this process's environment so spawned workers cannot disagree.
    """
    os.environ.pop("VLLM_ATTENTION_BACKEND", None)
    if config.attention_backend is None:
        return {}
    return {"attention_backend": config.attention_backend}


def engine_args(
    config: VLLMEngineConfig, quantization: Quantization, *, on_gpu: bool
) -> AsyncEngineArgs:
    """The ``AsyncEngineArgs`` for ``config``: prefix caching on, V1 engine."""
    optional: dict[str, Any] = {
        name: value
        for name, value in (
            ("max_model_len", config.max_model_len),
            ("max_num_seqs", config.max_num_seqs),
            ("max_num_batched_tokens", config.max_num_batched_tokens),
            ("block_size", config.block_size),
            ("quantization", quantization.vllm_argument),
        )
        if value is not None
    }
    return AsyncEngineArgs(
        model=config.model,
        dtype=resolve_dtype(config, quantization, on_gpu=on_gpu),
        gpu_memory_utilization=config.gpu_memory_utilization,
        kv_cache_dtype=config.vllm_kv_cache_dtype,
        enforce_eager=config.enforce_eager,
        tensor_parallel_size=config.tensor_parallel_size,
        seed=config.seed,
        enable_prefix_caching=True,
        trust_remote_code=config.trust_remote_code,
        disable_log_stats=not config.log_stats,
        **apply_attention_backend(config),
        **optional,
    )


def finish_reason(vllm_reason: str | None) -> FinishReason | None:
    """The protocol's finish reason for a vLLM one (``None`` if not a finish)."""
    return None if vllm_reason is None else FINISH_REASONS.get(vllm_reason)


__all__ = [
    "FINISH_REASONS",
    "apply_attention_backend",
    "engine_args",
    "finish_reason",
    "to_vllm_sampling",
]
