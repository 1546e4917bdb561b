"""What the ``trt`` engine's folders hold, and the limits it runs with.

Reads JSON files only (no TensorRT-LLM import), so the configuration can be
checked, every problem at once, before anything heavy starts:

- a prebuilt engine (``TRT_ENGINE_DIR``): ``trtllm-build`` writes
  ``config.json`` with a ``build_config`` section (``max_batch_size``,
  ``max_input_len``, ``max_seq_len``, ``max_num_tokens``) and a
  ``pretrained_config.quantization.kv_cache_quant_algo``; Cadence's build
  script adds ``build_metadata.json``, read for any limit ``config.json``
  lacks (keys at its top level or under ``limits``);
- a checkpoint (``TRT_CHECKPOINT_DIR``): a Hugging Face or ModelOpt folder
  (``config.json`` with ``architectures``) is served by the PyTorch
  backend; a TensorRT-LLM checkpoint (``rank0.safetensors``, a singular
  ``architecture``) needs an engine build first and is refused.

Python 3.10 compatible.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from cadence.engines.trt_config import DEFAULT_BATCH_SIZE, DEFAULT_MAX_INPUT_LEN, TRTEngineConfig

#: TensorRT-LLM's default ``max_num_tokens`` (tokens per scheduler step); a
#: prompt longer than it is refused unless chunked prefill is on.
TRT_DEFAULT_MAX_NUM_TOKENS = 8192

_LIMIT_KEYS = ("max_batch_size", "max_input_len", "max_seq_len", "max_num_tokens")


@dataclasses.dataclass(frozen=True, slots=True)
class EngineBuild:
    """What a prebuilt engine has baked in (``None``: not recorded)."""

    max_batch_size: int | None = None
    max_input_len: int | None = None
    max_seq_len: int | None = None
    max_num_tokens: int | None = None
    kv_cache_quant_algo: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class RuntimeLimits:
    """The limits the engine runs with.

    Attributes:
        batch_size: passed as ``LLM(max_batch_size=...)``: the runtime batch.
        max_batch_size: the most it may be (the engine's baked-in maximum).
        max_input_len: the longest prompt accepted, in tokens.
        max_seq_len: the context (prompt plus reply) in tokens.
        max_num_tokens: ``LLM(max_num_tokens=...)``, or ``None`` for
            TensorRT-LLM's default.
    """

    batch_size: int
    max_batch_size: int
    max_input_len: int
    max_seq_len: int
    max_num_tokens: int | None = None


def _positive_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def read_json(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON object in ``path``, or ``None`` and why it could not be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{path} does not exist"
    except (OSError, ValueError) as exc:
        return None, f"{path} is not readable JSON ({type(exc).__name__})"
    if not isinstance(data, dict):
        return None, f"{path} does not hold a JSON object"
    return data, None


def read_engine_build(engine_dir: Path) -> tuple[EngineBuild | None, list[str]]:
    """The limits baked into the engine in ``engine_dir``, and any problems."""
    if not engine_dir.is_dir():
        return None, [f"TRT_ENGINE_DIR {engine_dir} is not a directory"]
    config, problem = read_json(engine_dir / "config.json")
    if config is None:
        return None, [f"TRT_ENGINE_DIR: {problem} (is it a trtllm-build output?)"]
    build = config.get("build_config")
    build = build if isinstance(build, dict) else {}
    metadata, _ = read_json(engine_dir / "build_metadata.json")
    extra: dict[str, Any] = dict(metadata or {})
    if isinstance(extra.get("limits"), dict):
        extra.update(extra["limits"])
    batch, input_len, seq_len, num_tokens = (
        _positive_int(build.get(key)) or _positive_int(extra.get(key)) for key in _LIMIT_KEYS
    )
    pretrained = config.get("pretrained_config")
    quant = pretrained.get("quantization") if isinstance(pretrained, dict) else None
    kv_algo = quant.get("kv_cache_quant_algo") if isinstance(quant, dict) else None
    kv_algo = kv_algo if isinstance(kv_algo, str) else None
    return EngineBuild(batch, input_len, seq_len, num_tokens, kv_algo), []


def checkpoint_problems(checkpoint_dir: Path) -> list[str]:
    """Why the PyTorch backend cannot serve ``checkpoint_dir`` (empty: it can)."""
    if not checkpoint_dir.is_dir():
        return [f"TRT_CHECKPOINT_DIR {checkpoint_dir} is not a directory"]
    config, problem = read_json(checkpoint_dir / "config.json")
    if config is None:
        return [f"TRT_CHECKPOINT_DIR: {problem}"]
    if (checkpoint_dir / "rank0.safetensors").is_file() or "architecture" in config:
        return [
            f"TRT_CHECKPOINT_DIR {checkpoint_dir} is a TensorRT-LLM checkpoint: build an engine "
            "from it (trtllm-build) and set TRT_ENGINE_DIR; the PyTorch backend loads Hugging "
            "Face or ModelOpt checkpoints only"
        ]
    return []


def tokenizer_source(config: TRTEngineConfig) -> str | None:
    """Where the tokenizer is loaded from: the first of the engine and checkpoint
    folders that holds one (``tokenizer_config.json``), else the chat model."""
    for folder in (config.engine_dir, config.checkpoint_dir):
        if folder and (Path(folder) / "tokenizer_config.json").is_file():
            return folder
    return config.model.strip() or None


def generation_eos_ids(source: str) -> list[int]:
    """The ``eos_token_id`` of ``source``'s ``generation_config.json`` (a local
    folder); ``[]`` when there is none."""
    data, _ = read_json(Path(source) / "generation_config.json")
    eos = (data or {}).get("eos_token_id")
    values = eos if isinstance(eos, list) else [eos]
    return [value for value in values if isinstance(value, int) and not isinstance(value, bool)]


def _engine_limits(config: TRTEngineConfig, build: EngineBuild) -> tuple[RuntimeLimits | None, list[str]]:
    where = f"the engine in {config.engine_dir}"
    problems: list[str] = []
    baked = build.max_batch_size
    if baked is None:
        problems.append(f"{where} records no max_batch_size (config.json build_config)")
    elif config.max_batch_size is not None and config.max_batch_size != baked:
        problems.append(f"TRT_MAX_BATCH_SIZE={config.max_batch_size} but {where} was built with {baked}")
    batch = config.batch_size or baked or 1
    if baked is not None and batch > baked:
        problems.append(f"TRT_BATCH_SIZE={batch} exceeds the baked-in max_batch_size {baked} of {where}")
    input_len = config.max_input_len or build.max_input_len or DEFAULT_MAX_INPUT_LEN
    if build.max_input_len is not None and input_len > build.max_input_len:
        problems.append(f"TRT_MAX_INPUT_LEN={input_len} exceeds the max_input_len {build.max_input_len} of {where}")
    seq_len = input_len + config.max_output_len
    if build.max_seq_len is not None:
        if build.max_seq_len <= config.max_output_len:
            problems.append(
                f"TRT_MAX_OUTPUT_LEN={config.max_output_len} leaves no room for prompts in the "
                f"max_seq_len {build.max_seq_len} of {where}"
            )
        seq_len = min(seq_len, build.max_seq_len)
    if config.kv_cache_dtype == "fp8" and (build.kv_cache_quant_algo or "").upper() != "FP8":
        problems.append(
            f"KV_DTYPE=fp8 but {where} has no FP8 KV cache (kv_cache_quant_algo="
            f"{build.kv_cache_quant_algo}); rebuild it with an FP8 KV cache or unset KV_DTYPE"
        )
    if problems:
        return None, problems
    return RuntimeLimits(batch, baked or batch, input_len, seq_len, build.max_num_tokens), []


def _pytorch_limits(config: TRTEngineConfig) -> tuple[RuntimeLimits | None, list[str]]:
    problems = checkpoint_problems(Path(config.checkpoint_dir)) if config.checkpoint_dir else []
    maximum = config.max_batch_size or config.batch_size or DEFAULT_BATCH_SIZE
    batch = config.batch_size or maximum
    input_len = config.max_input_len or DEFAULT_MAX_INPUT_LEN
    num_tokens = input_len if input_len > TRT_DEFAULT_MAX_NUM_TOKENS else None
    if problems:
        return None, problems
    return RuntimeLimits(batch, maximum, input_len, input_len + config.max_output_len, num_tokens), []


def resolve_limits(config: TRTEngineConfig) -> tuple[RuntimeLimits | None, list[str]]:
    """The limits ``config`` runs with, or ``None`` and every problem found.

    ``TRT_BATCH_SIZE`` must not exceed the maximum (the engine's baked-in
    one, or ``TRT_MAX_BATCH_SIZE`` on the PyTorch backend); the applied
    value is :attr:`RuntimeLimits.batch_size`. A prompt may have at most
    ``max_input_len`` tokens and, with its reply, fit ``max_seq_len``.
    """
    problems: list[str] = []
    if tokenizer_source(config) is None:
        problems.append(
            "no tokenizer: set CHAT_MODEL to the Hugging Face model the engine or checkpoint "
            "was made from, or copy its tokenizer files next to it"
        )
    if config.engine_dir:
        build, found = read_engine_build(Path(config.engine_dir))
        problems.extend(found)
        if config.checkpoint_dir and not Path(config.checkpoint_dir).is_dir():
            problems.append(f"TRT_CHECKPOINT_DIR {config.checkpoint_dir} is not a directory")
        limits, more = _engine_limits(config, build) if build is not None else (None, [])
    else:
        limits, more = _pytorch_limits(config)
    problems.extend(more)
    return (None if problems else limits), problems


__all__ = [
    "TRT_DEFAULT_MAX_NUM_TOKENS",
    "EngineBuild",
    "RuntimeLimits",
    "checkpoint_problems",
    "generation_eos_ids",
    "read_engine_build",
    "read_json",
    "resolve_limits",
    "tokenizer_source",
]
