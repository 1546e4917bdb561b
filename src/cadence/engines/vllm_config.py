"""Configuration of the ``vllm`` engine (pure: no vLLM import).

:class:`VLLMEngineConfig` is a frozen dataclass the caller fills;
:func:`vllm_config_from_env` builds one from the environment variables of
the operations guide (``CHAT_GPU_FRAC``, ``KV_DTYPE``, ``ENFORCE_EAGER``,
``VLLM_ATTENTION_BACKEND``, ``CHAT_QUANTIZATION``, ``CHAT_MAX_LEN``,
``CHAT_MAX_OUT`` ...), listing every problem in one error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TypeVar

#: ``KV_DTYPE`` values and the vLLM ``kv_cache_dtype`` each one selects.
#: vLLM 0.32 has no plain ``int8`` cache dtype: ``int8`` maps to its
#: per-token-head int8 cache, which only the GPU Triton attention backend
#: supports. ``fp8`` works on CUDA (sm89+ natively) and on the CPU backend.
KV_DTYPES: Mapping[str, str] = {"auto": "auto", "fp8": "fp8", "int8": "int8_per_token_head"}

#: ``dtype`` values; ``auto`` is bfloat16 on a GPU and float32 on a CPU for
#: an unquantized model, and the checkpoint's own dtype for a quantized one.
DTYPES = ("auto", "float32", "bfloat16", "float16")

#: Shorthands of ``CHAT_QUANTIZATION`` (the guide's ``4bit``/``8bit`` modes).
QUANTIZATION_ALIASES: Mapping[str, str] = {"4bit": "awq", "8bit": "fp8"}

#: ``CHAT_MAX_OUT``'s default (PROTOCOL.md).
DEFAULT_MAX_OUT = 150

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class VLLMEngineConfig:
    """Settings of one :class:`~cadence.engines.vllm.VLLMEngine`.

    Attributes:
        model: a local model folder or a hub model id.
        max_out: ``CHAT_MAX_OUT``, the most tokens a reply may have. The
            context always keeps room for it: prompts are limited to
            ``max_model_len - max_out`` tokens (:attr:`max_prompt_tokens`).
        max_model_len: context length (prompt plus reply); ``None`` takes
            the model's own, possibly lowered by vLLM to fit the KV cache.
        gpu_memory_utilization: ``CHAT_GPU_FRAC``, the fraction of GPU
            memory vLLM may use (weights, activations and KV cache).
        kv_cache_dtype: ``KV_DTYPE``, a key of :data:`KV_DTYPES`.
        enforce_eager: disable CUDA graphs and ``torch.compile``.
        attention_backend: ``VLLM_ATTENTION_BACKEND``, a name of vLLM's
            ``AttentionBackendEnum`` (``FLASH_ATTN``, ``FLASHINFER``,
            ``TRITON_ATTN``, ``CPU_ATTN``...); ``None`` lets vLLM choose.
        max_num_seqs: most requests decoding together (``None``: vLLM's).
        max_num_batched_tokens: tokens per scheduler step (``None``: vLLM's).
        tensor_parallel_size: GPUs the model is sharded over.
        quantization: ``CHAT_QUANTIZATION``: a vLLM method name (``awq``,
            ``gptq``, ``fp8``, ``compressed-tensors``...) or ``4bit``/``8bit``
            to force; ``None`` detects it from the model's config files or
            name (:mod:`cadence.engines.vllm_quant`).
        dtype: a value of :data:`DTYPES`.
        seed: vLLM's global seed (requests with a ``seed`` use their own).
        block_size: KV-cache block size in tokens (``None``: vLLM's; the CPU
            backend needs a multiple of 32). Prefix caching reuses whole
            blocks only.
        chat_template: a Jinja chat template overriding the tokenizer's.
        trust_remote_code: passed to vLLM and transformers.
        log_stats: let vLLM log its periodic throughput statistics.
    """

    model: str
    max_out: int = DEFAULT_MAX_OUT
    max_model_len: int | None = None
    gpu_memory_utilization: float = 0.9
    kv_cache_dtype: str = "auto"
    enforce_eager: bool = False
    attention_backend: str | None = None
    max_num_seqs: int | None = None
    max_num_batched_tokens: int | None = None
    tensor_parallel_size: int = 1
    quantization: str | None = None
    dtype: str = "auto"
    seed: int = 0
    block_size: int | None = None
    chat_template: str | None = None
    trust_remote_code: bool = False
    log_stats: bool = False

    def __post_init__(self) -> None:
        """Check every field at once.

        Raises:
            ValueError: listing every invalid field.
        """
        checks = (
            (not self.model.strip(), "model must not be empty"),
            (self.max_out < 1, "max_out must be >= 1"),
            (
                self.max_model_len is not None and self.max_model_len <= self.max_out,
                "max_model_len must be greater than max_out (CHAT_MAX_OUT)",
            ),
            (not 0 < self.gpu_memory_utilization <= 1, "gpu_memory_utilization must be in (0, 1]"),
            (
                self.kv_cache_dtype not in KV_DTYPES,
                f"kv_cache_dtype must be one of {', '.join(KV_DTYPES)}",
            ),
            (self.max_num_seqs is not None and self.max_num_seqs < 1, "max_num_seqs must be >= 1"),
            (
                self.max_num_batched_tokens is not None and self.max_num_batched_tokens < 1,
                "max_num_batched_tokens must be >= 1",
            ),
            (self.tensor_parallel_size < 1, "tensor_parallel_size must be >= 1"),
            (self.dtype not in DTYPES, f"dtype must be one of {', '.join(DTYPES)}"),
            (self.block_size is not None and self.block_size < 1, "block_size must be >= 1"),
            (
                self.quantization is not None and not self.quantization.strip(),
                "quantization must not be blank",
            ),
        )
        problems = [message for bad, message in checks if bad]
        if problems:
            raise ValueError("invalid VLLMEngineConfig: " + "; ".join(problems))

    @property
    def max_prompt_tokens(self) -> int | None:
        """``max_model_len - max_out``, or ``None`` while the length is the model's.

        The engine's own :attr:`~cadence.engines.vllm.VLLMEngine.max_prompt_tokens`
        is always known after start (vLLM resolves the length).
        """
        return None if self.max_model_len is None else self.max_model_len - self.max_out

    @property
    def forced_quantization(self) -> str | None:
        """The vLLM method ``quantization`` forces, aliases resolved."""
        if self.quantization is None:
            return None
        name = self.quantization.strip().lower()
        return QUANTIZATION_ALIASES.get(name, name)

    @property
    def vllm_kv_cache_dtype(self) -> str:
        """The ``kv_cache_dtype`` engine argument for :attr:`kv_cache_dtype`."""
        return KV_DTYPES[self.kv_cache_dtype]


def _parse(
    env: Mapping[str, str], name: str, convert: Callable[[str], T], problems: list[str]
) -> T | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return convert(raw)
    except ValueError:
        kind = {int: "integer", float: "number", _flag: "flag (0 or 1)"}.get(convert, "value")
        problems.append(f"{name}={raw!r} is not a valid {kind}")
        return None


def _flag(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)

#: Environment variable -> (field, converter).
_ENV_FIELDS: Mapping[str, tuple[str, Callable[[str], object]]] = {
    "CHAT_MAX_OUT": ("max_out", int),
    "CHAT_MAX_LEN": ("max_model_len", int),
    "CHAT_GPU_FRAC": ("gpu_memory_utilization", float),
    "KV_DTYPE": ("kv_cache_dtype", str.lower),
    "ENFORCE_EAGER": ("enforce_eager", _flag),
    "VLLM_ATTENTION_BACKEND": ("attention_backend", str.upper),
    "CHAT_MAX_NUM_SEQS": ("max_num_seqs", int),
    "CHAT_MAX_BATCHED_TOKENS": ("max_num_batched_tokens", int),
    "CHAT_TENSOR_PARALLEL_SIZE": ("tensor_parallel_size", int),
    "CHAT_QUANTIZATION": ("quantization", str),
    "CHAT_DTYPE": ("dtype", str.lower),
    "CHAT_SEED": ("seed", int),
    "CHAT_KV_BLOCK_SIZE": ("block_size", int),
}


def vllm_config_from_env(env: Mapping[str, str], model: str) -> VLLMEngineConfig:
    """Build a config from ``env``; unset or empty variables keep the defaults.

    Cadence's own variables avoid the ``VLLM_`` prefix: vLLM warns about
    (or, configured so, refuses) every ``VLLM_*`` variable it does not
    know. ``VLLM_ATTENTION_BACKEND`` is the guide's name; vLLM 0.32 no
    longer reads it, so the engine passes it as an engine argument.

    ``CHAT_MAX_LEN`` in the guide is the input length (5025): it is taken
    here as the prompt budget, so ``max_model_len`` becomes
    ``CHAT_MAX_LEN + CHAT_MAX_OUT``. ``VLLM_ATTENTION_BACKEND="auto"``
    means no override.

    Raises:
        ValueError: listing every unparsable variable and invalid field.
    """
    problems: list[str] = []
    values: dict[str, object] = {}
    for name, (field, convert) in _ENV_FIELDS.items():
        value = _parse(env, name, convert, problems)
        if value is not None:
            values[field] = value
    if values.get("attention_backend") == "AUTO":
        del values["attention_backend"]
    max_out = values.get("max_out", DEFAULT_MAX_OUT)
    prompt_len = values.get("max_model_len")
    if isinstance(prompt_len, int) and isinstance(max_out, int):
        values["max_model_len"] = prompt_len + max_out
    config: VLLMEngineConfig | None = None
    try:
        config = VLLMEngineConfig(model=model, **values)  # type: ignore[arg-type]
    except ValueError as exc:
        problems.append(str(exc).removeprefix("invalid VLLMEngineConfig: "))
    if problems or config is None:
        raise ValueError("invalid vLLM settings: " + "; ".join(problems))
    return config


__all__ = [
    "DTYPES",
    "KV_DTYPES",
    "QUANTIZATION_ALIASES",
    "VLLMEngineConfig",
    "vllm_config_from_env",
]
