"""Configuration of the ``trt`` engine (pure: no TensorRT-LLM import).

:class:`TRTEngineConfig` is a frozen dataclass the caller fills;
:func:`trt_config_from_env` builds one from the brief's variables
(``TRT_ENGINE_DIR``, ``TRT_CHECKPOINT_DIR``, ``TRT_MAX_BATCH_SIZE``,
``TRT_BATCH_SIZE``, ``TRT_MAX_INPUT_LEN``, ``TRT_MAX_OUTPUT_LEN``,
``TRT_DTYPE``, ``TRT_KV_FREE_GPU_FRAC``, ``KV_DTYPE``) and then checks them
against the files they name (:mod:`cadence.engines.trt_layout`), listing
every problem in one error.

Python 3.10 compatible (TensorRT-LLM's release images run 3.10).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TypeVar

#: ``TRT_DTYPE`` values (the model's compute precision); the brief's default
#: is ``float16``. ``auto`` takes the checkpoint's own dtype.
DTYPES = ("auto", "float16", "bfloat16", "float32")

#: ``KV_DTYPE`` values the trt engine supports. ``fp8`` is
#: ``KvCacheConfig(dtype="fp8")`` on the PyTorch backend; a prebuilt engine
#: has its KV-cache precision baked in, so there it must match the engine.
#: TensorRT-LLM's LLM API has no runtime ``int8`` KV cache.
KV_DTYPES = ("auto", "fp8")

#: ``TRT_MAX_INPUT_LEN``'s default when neither it nor ``CHAT_MAX_LEN`` is set
#: (the operations guide's ``CHAT_MAX_LEN``).
DEFAULT_MAX_INPUT_LEN = 5025

#: ``TRT_MAX_OUTPUT_LEN``'s default when ``CHAT_MAX_OUT`` is not set either.
DEFAULT_MAX_OUTPUT_LEN = 150

#: ``TRT_KV_FREE_GPU_FRAC``'s default when ``CHAT_GPU_FRAC`` is not set either
#: (TensorRT-LLM's own default, and ``CHAT_GPU_FRAC``'s).
DEFAULT_KV_FREE_GPU_FRAC = 0.9

#: The PyTorch backend's batch size when neither ``TRT_BATCH_SIZE`` nor
#: ``TRT_MAX_BATCH_SIZE`` is set (the server's default connection limit).
DEFAULT_BATCH_SIZE = 64

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class TRTEngineConfig:
    """Settings of one :class:`~cadence.engines.trt.TRTEngine`.

    Attributes:
        model: the chat model (a Hugging Face folder or hub id): the weights
            the PyTorch backend loads when ``checkpoint_dir`` is unset, and
            the tokenizer when neither directory below has one. May be
            empty when one of them has a tokenizer.
        checkpoint_dir: ``TRT_CHECKPOINT_DIR``, a Hugging Face or ModelOpt
            (quantized) checkpoint folder the PyTorch backend loads.
        engine_dir: ``TRT_ENGINE_DIR``, a prebuilt ``trtllm-build`` engine;
            when set the TensorRT backend serves it.
        max_batch_size: ``TRT_MAX_BATCH_SIZE``, the most requests decoded
            together: with an engine, its baked-in maximum (checked against
            the engine's own); on the PyTorch backend, the upper bound of
            ``batch_size``.
        batch_size: ``TRT_BATCH_SIZE``, the runtime batch size actually
            applied (``LLM(max_batch_size=...)``); ``None`` takes the maximum.
        max_input_len: ``TRT_MAX_INPUT_LEN``, the longest prompt in tokens;
            ``None`` takes the engine's (engine) or 5025 (PyTorch backend).
        max_output_len: ``TRT_MAX_OUTPUT_LEN``, the longest reply; the
            context is ``max_input_len + max_output_len``.
        dtype: ``TRT_DTYPE``, a value of :data:`DTYPES`.
        kv_free_gpu_frac: ``TRT_KV_FREE_GPU_FRAC``, the fraction of free GPU
            memory the KV cache takes (``KvCacheConfig.free_gpu_memory_fraction``).
        kv_cache_dtype: ``KV_DTYPE``, a value of :data:`KV_DTYPES`.
        chat_template: a Jinja chat template overriding the tokenizer's.
        trust_remote_code: passed to TensorRT-LLM and transformers.
    """

    model: str
    checkpoint_dir: str | None = None
    engine_dir: str | None = None
    max_batch_size: int | None = None
    batch_size: int | None = None
    max_input_len: int | None = None
    max_output_len: int = DEFAULT_MAX_OUTPUT_LEN
    dtype: str = "float16"
    kv_free_gpu_frac: float = DEFAULT_KV_FREE_GPU_FRAC
    kv_cache_dtype: str = "auto"
    chat_template: str | None = None
    trust_remote_code: bool = False

    def __post_init__(self) -> None:
        """Check every value at once (the files are checked at start).

        Raises:
            ValueError: listing every invalid field.
        """
        problems = value_problems(self)
        if problems:
            raise ValueError("invalid TRTEngineConfig: " + "; ".join(problems))

    @property
    def backend(self) -> str:
        """``"tensorrt"`` for a prebuilt engine, else ``"pytorch"``."""
        return "tensorrt" if self.engine_dir else "pytorch"

    @property
    def weights(self) -> str:
        """What ``LLM(model=...)`` loads: the engine, the checkpoint or the model."""
        return self.engine_dir or self.checkpoint_dir or self.model


def value_problems(config: TRTEngineConfig) -> list[str]:
    """Every invalid value of ``config``, named by its variable."""
    def positive(value: int | None) -> bool:
        return value is None or value >= 1

    checks = (
        (
            not (config.model.strip() or config.checkpoint_dir or config.engine_dir),
            "a chat model, TRT_CHECKPOINT_DIR or TRT_ENGINE_DIR is required",
        ),
        (not positive(config.max_batch_size), "TRT_MAX_BATCH_SIZE must be >= 1"),
        (not positive(config.batch_size), "TRT_BATCH_SIZE must be >= 1"),
        (
            config.batch_size is not None and config.max_batch_size is not None
            and config.batch_size > config.max_batch_size,
            f"TRT_BATCH_SIZE={config.batch_size} exceeds TRT_MAX_BATCH_SIZE={config.max_batch_size}",
        ),
        (not positive(config.max_input_len), "TRT_MAX_INPUT_LEN must be >= 1"),
        (config.max_output_len < 1, "TRT_MAX_OUTPUT_LEN must be >= 1"),
        (config.dtype not in DTYPES, f"TRT_DTYPE must be one of {', '.join(DTYPES)}"),
        (not 0 < config.kv_free_gpu_frac <= 1, "TRT_KV_FREE_GPU_FRAC must be in (0, 1]"),
        (
            config.kv_cache_dtype not in KV_DTYPES,
            f"KV_DTYPE must be one of {', '.join(KV_DTYPES)} for the trt engine",
        ),
    )
    return [message for bad, message in checks if bad]


def _parse(
    env: Mapping[str, str], name: str, convert: Callable[[str], T], problems: list[str]
) -> T | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return convert(raw)
    except ValueError:
        kinds: dict[object, str] = {int: "integer", float: "number"}
        kind = kinds.get(convert, "value")
        problems.append(f"{name}={raw!r} is not a valid {kind}")
        return None


def _first(env: Mapping[str, str], names: tuple[str, ...], convert: Callable[[str], T],
           problems: list[str]) -> T | None:
    """The first of ``names`` that is set (each set one is parsed)."""
    values = [_parse(env, name, convert, problems) for name in names]
    return next((value for value in values if value is not None), None)


def config_values(env: Mapping[str, str], problems: list[str]) -> dict[str, object]:
    """The :class:`TRTEngineConfig` fields the environment sets.

    Defaults follow the operations guide: ``TRT_MAX_INPUT_LEN`` falls back
    to ``CHAT_MAX_LEN``, ``TRT_MAX_OUTPUT_LEN`` to ``CHAT_MAX_OUT`` and
    ``TRT_KV_FREE_GPU_FRAC`` to ``CHAT_GPU_FRAC``. Unparsable values are
    appended to ``problems``.
    """
    text = str.strip
    values: dict[str, object] = {
        "checkpoint_dir": _parse(env, "TRT_CHECKPOINT_DIR", text, problems),
        "engine_dir": _parse(env, "TRT_ENGINE_DIR", text, problems),
        "max_batch_size": _parse(env, "TRT_MAX_BATCH_SIZE", int, problems),
        "batch_size": _parse(env, "TRT_BATCH_SIZE", int, problems),
        "max_input_len": _first(env, ("TRT_MAX_INPUT_LEN", "CHAT_MAX_LEN"), int, problems),
        "max_output_len": _first(env, ("TRT_MAX_OUTPUT_LEN", "CHAT_MAX_OUT"), int, problems),
        "dtype": _parse(env, "TRT_DTYPE", str.lower, problems),
        "kv_free_gpu_frac": _first(env, ("TRT_KV_FREE_GPU_FRAC", "CHAT_GPU_FRAC"), float, problems),
        "kv_cache_dtype": _parse(env, "KV_DTYPE", str.lower, problems),
    }
    return {name: value for name, value in values.items() if value is not None}


def trt_config_from_env(env: Mapping[str, str], model: str) -> TRTEngineConfig:
    """Build a config from ``env`` and check it against the files it names.

    Unset or empty variables keep the defaults. The engine directory's
    ``config.json`` (and ``build_metadata.json``) give the baked-in limits
    ``TRT_BATCH_SIZE`` and ``TRT_MAX_INPUT_LEN`` are checked against; see
    :func:`cadence.engines.trt_layout.resolve_limits`.

    Raises:
        ValueError: listing every unparsable variable, invalid value and
            file problem.
    """
    from cadence.engines.trt_layout import resolve_limits

    problems: list[str] = []
    values = config_values(env, problems)
    config: TRTEngineConfig | None = None
    try:
        config = TRTEngineConfig(model=model, **values)  # type: ignore[arg-type]
    except ValueError as exc:
        problems.append(str(exc).removeprefix("invalid TRTEngineConfig: "))
    checkable = config or _checkable(model, values)
    if checkable is not None:
        problems.extend(resolve_limits(checkable)[1])
    if problems or config is None:
        raise ValueError("invalid TensorRT-LLM settings: " + "; ".join(problems))
    return config


def _checkable(model: str, values: dict[str, object]) -> TRTEngineConfig | None:
    """A config of the values that are valid on their own, so the folders can
    still be checked when another value is not (every problem listed at once);
    ``None`` when not even that can be built (no model and no folder)."""
    valid: dict[str, object] = {}
    for name, value in values.items():
        try:
            TRTEngineConfig(model=model or "-", **{name: value})  # type: ignore[arg-type]
        except ValueError:
            continue
        valid[name] = value
    folders = {k: v for k, v in valid.items() if k in ("checkpoint_dir", "engine_dir")}
    for candidate in (valid, folders):  # a cross-field problem left: the folders alone
        try:
            return TRTEngineConfig(model=model, **candidate)  # type: ignore[arg-type]
        except ValueError:
            continue
    return None


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_KV_FREE_GPU_FRAC",
    "DEFAULT_MAX_INPUT_LEN",
    "DEFAULT_MAX_OUTPUT_LEN",
    "DTYPES",
    "KV_DTYPES",
    "TRTEngineConfig",
    "config_values",
    "trt_config_from_env",
    "value_problems",
]
