"""Translations between Cadence's types and TensorRT-LLM's LLM API.

TensorRT-LLM's classes are passed in (``sampling_cls``, ``kv_cache_cls``)
rather than imported, so this module imports on any machine and the unit
tests drive it with a fake. The facts relied on (TensorRT-LLM 1.x,
``tensorrt_llm/sampling_params.py`` and ``tensorrt_llm/llmapi/llm_args.py``):

- ``SamplingParams`` is a keyword-only dataclass; ``None`` in a sampling
  field means "the runtime default" (temperature 1, top-k 0 = off, top-p
  1... and seed 0, the same for every request);
- greedy decoding is ``top_k=1`` (``SamplingParams.params_imply_greedy_decoding``);
- stop strings are cut from ``CompletionOutput.text`` unless
  ``include_stop_str_in_output``; ``stop_token_ids`` add end tokens to
  ``end_id`` (the tokenizer's EOS);
- ``KvCacheConfig(enable_block_reuse, free_gpu_memory_fraction, dtype)``;
  ``dtype`` applies to the PyTorch backend only.

Python 3.10 compatible.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import secrets
from collections.abc import Collection, Iterable
from typing import Any

from cadence.engines.base import FinishReason, InvalidRequestError, SamplingParams
from cadence.engines.checks import check_sampling
from cadence.engines.trt_config import TRTEngineConfig
from cadence.engines.trt_layout import RuntimeLimits

log = logging.getLogger("cadence.engines.trt")

#: ``SamplingParams`` fields the adapter sets; a TensorRT-LLM without one of
#: them cannot honour PROTOCOL.md's sampling settings (a start-up error).
REQUIRED_SAMPLING_FIELDS = (
    "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "presence_penalty",
    "frequency_penalty", "max_tokens", "stop", "stop_token_ids", "seed",
    "include_stop_str_in_output", "detokenize", "skip_special_tokens",
)

#: ``CompletionOutput.finish_reason`` values and the protocol's finish for
#: each. ``cancelled`` (an abort), ``timeout`` (a per-request timeout, which
#: the adapter never sets) and ``not_finished`` are not finishes: a request
#: ending with one of them fails with ``EngineError`` unless we aborted it.
FINISH_REASONS: dict[str, FinishReason] = {"stop": "stop", "length": "length"}

#: Largest per-request seed drawn for a request without one (the runtime's
#: seed is a 64-bit unsigned integer).
_SEED_BITS = 63


def field_names(cls: Any) -> frozenset[str]:
    """The keyword arguments ``cls`` accepts: its dataclass fields, its
    pydantic ``model_fields`` or its constructor's parameters."""
    if dataclasses.is_dataclass(cls):
        return frozenset(field.name for field in dataclasses.fields(cls))
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict):
        return frozenset(fields)
    try:
        return frozenset(inspect.signature(cls).parameters)
    except (TypeError, ValueError):
        return frozenset()


def missing_sampling_fields(sampling_cls: Any) -> list[str]:
    """The :data:`REQUIRED_SAMPLING_FIELDS` ``sampling_cls`` lacks."""
    names = field_names(sampling_cls)
    return [name for name in REQUIRED_SAMPLING_FIELDS if name not in names]



def sampling_kwargs(params: SamplingParams, stop_token_ids: Collection[int]) -> dict[str, Any]:
    """``SamplingParams`` keyword arguments for ``params``.

    Temperature 0 is greedy (``top_k=1``, the rest at the runtime's
    defaults). Neutral values (``top_k`` 0, ``min_p`` 0, penalties off) are
    left ``None`` so the runtime skips them. A request without a seed gets a
    random one: the runtime's default seed is 0 for every request, which
    would make unseeded sampling repeat itself.

    Raises:
        InvalidRequestError: a value out of range.
    """
    check_sampling(params)
    greedy = params.temperature == 0
    seed = params.seed if params.seed is not None else secrets.randbits(_SEED_BITS)
    return {
        "max_tokens": params.max_tokens,
        "temperature": None if greedy else params.temperature,
        "top_k": 1 if greedy else (params.top_k or None),
        "top_p": None if greedy else params.top_p,
        "min_p": None if greedy or params.min_p == 0 else params.min_p,
        "repetition_penalty": None if params.repetition_penalty == 1 else params.repetition_penalty,
        "presence_penalty": params.presence_penalty or None,
        "frequency_penalty": params.frequency_penalty or None,
        "seed": seed,
        "stop": list(params.stop) or None,
        "stop_token_ids": sorted(stop_token_ids) or None,
        "include_stop_str_in_output": False,
        "detokenize": True,
        "skip_special_tokens": True,
    }


def to_trt_sampling(params: SamplingParams, stop_token_ids: Collection[int], sampling_cls: Any) -> Any:
    """A TensorRT-LLM ``SamplingParams`` for ``params`` (see :func:`sampling_kwargs`).

    Raises:
        InvalidRequestError: a value out of range, or TensorRT-LLM rejected it.
    """
    kwargs = sampling_kwargs(params, stop_token_ids)
    try:
        return sampling_cls(**kwargs)
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        raise InvalidRequestError(f"invalid sampling parameters: {str(exc)[:200]}") from exc


def finish_reason(trt_reason: str | None) -> FinishReason | None:
    """The protocol's finish for a TensorRT-LLM one (``None``: not a finish)."""
    return None if trt_reason is None else FINISH_REASONS.get(trt_reason)


def _sampler_choice(llm_fields: Iterable[str]) -> dict[str, Any]:
    """The PyTorch backend's C++ (TRTLLM) sampler: the documented way to get
    penalties and min-p there (``sampler_type`` in 1.x, earlier
    ``enable_trtllm_sampler``)."""
    names = set(llm_fields)
    if "sampler_type" in names:
        return {"sampler_type": "TRTLLMSampler"}
    if "enable_trtllm_sampler" in names:
        return {"enable_trtllm_sampler": True}
    log.warning("this TensorRT-LLM cannot select its TRTLLM sampler: penalties and min_p may be ignored")
    return {}


def llm_kwargs(
    config: TRTEngineConfig,
    limits: RuntimeLimits,
    *,
    tokenizer: str,
    kv_cache_cls: Any,
    llm_fields: Iterable[str],
) -> dict[str, Any]:
    """The ``LLM(...)`` keyword arguments for ``config``.

    KV block reuse is on (prefix reuse across a session's turns) and the KV
    cache takes ``TRT_KV_FREE_GPU_FRAC`` of the free GPU memory. The runtime
    batch size is ``limits.batch_size`` (``max_batch_size`` of the LLM API
    is the runtime maximum the scheduler uses, at most the engine's).
    """
    kv: dict[str, Any] = {
        "enable_block_reuse": True,
        "free_gpu_memory_fraction": config.kv_free_gpu_frac,
    }
    pytorch = config.backend == "pytorch"
    if pytorch and config.kv_cache_dtype != "auto":
        kv["dtype"] = config.kv_cache_dtype
    kwargs: dict[str, Any] = {
        "model": config.weights,
        "tokenizer": tokenizer,
        "dtype": config.dtype,
        "trust_remote_code": config.trust_remote_code,
        "max_batch_size": limits.batch_size,
        "max_input_len": limits.max_input_len,
        "max_seq_len": limits.max_seq_len,
        "kv_cache_config": kv_cache_cls(**kv),
    }
    if limits.max_num_tokens is not None:
        kwargs["max_num_tokens"] = limits.max_num_tokens
    if pytorch:
        kwargs.update(_sampler_choice(llm_fields))
    return kwargs


__all__ = [
    "FINISH_REASONS",
    "REQUIRED_SAMPLING_FIELDS",
    "field_names",
    "finish_reason",
    "llm_kwargs",
    "missing_sampling_fields",
    "sampling_kwargs",
    "to_trt_sampling",
]
