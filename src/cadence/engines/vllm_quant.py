"""Which quantization a chat model uses, and what to tell vLLM (pure).

Order of evidence, strongest first:

1. ``CHAT_QUANTIZATION`` forces a method (``4bit`` = ``awq``, ``8bit`` =
   ``fp8``); it is passed to vLLM as its ``quantization`` argument. Forcing
   ``fp8`` on an unquantized model is vLLM's online FP8 quantization (GPU).
2. The model folder's config files: ``config.json``'s
   ``quantization_config.quant_method`` (AWQ, GPTQ, FP8, compressed-tensors
   and any other method vLLM knows), else a ``quantize_config.json`` (GPTQ)
   or ``quant_config.json`` (AWQ) beside it.
3. The model name (the guide's rule for pre-quantized repos): ``awq``,
   ``w4a16``, ``compressed-tensors``/``compressed_tensors`` or
   ``autoround`` means 4-bit, ``gptq`` GPTQ, ``fp8`` FP8.

Detected (not forced) quantization is *not* passed to vLLM: vLLM reads the
same config and picks the fastest kernel for it (``awq_marlin`` for an AWQ
checkpoint, which an explicit ``awq`` would disable). Detection decides the
dtype: an unquantized model is served in bfloat16 on a GPU and float32 on a
CPU; a quantized one in the dtype its kernels support (``auto``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Literal

from cadence.engines.vllm_config import VLLMEngineConfig

Source = Literal["forced", "config", "name", "none"]

#: Name patterns of pre-quantized checkpoints, checked in order.
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"gptq"), "gptq"),
    (re.compile(r"awq"), "awq"),
    (re.compile(r"w4a16|compressed[-_]tensors"), "compressed-tensors"),
    (re.compile(r"auto[-_]?round"), "auto-round"),
    (re.compile(r"fp8"), "fp8"),
)

#: Methods that need a checkpoint quantized ahead of time.
PREQUANTIZED_ONLY = frozenset({"awq", "gptq", "compressed-tensors", "auto-round"})


@dataclasses.dataclass(frozen=True, slots=True)
class Quantization:
    """What the model uses and what vLLM is told.

    Attributes:
        method: the quantization method, or ``None`` for a float model.
        source: where ``method`` came from.
        vllm_argument: the ``quantization`` engine argument (``None`` lets
            vLLM read the checkpoint's own config).
    """

    method: str | None
    source: Source
    vllm_argument: str | None


def _read_json(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def method_from_config_files(folder: Path) -> str | None:
    """The quantization method a local model folder declares, lower-cased."""
    config = _read_json(folder / "config.json") or {}
    quant = config.get("quantization_config")
    if isinstance(quant, dict):
        method = quant.get("quant_method")
        if isinstance(method, str) and method.strip():
            return method.strip().lower()
    gptq = _read_json(folder / "quantize_config.json")
    if gptq is not None:
        return "gptq"
    awq = _read_json(folder / "quant_config.json")
    if awq is not None:
        return "awq"
    return None


def method_from_name(model: str) -> str | None:
    """The quantization method a model's name suggests (last path part)."""
    name = Path(model.rstrip("/")).name.lower() or model.lower()
    for pattern, method in _NAME_RULES:
        if pattern.search(name):
            return method
    return None


def detect_quantization(config: VLLMEngineConfig) -> Quantization:
    """Decide the quantization of ``config.model`` (see the module docstring).

    Raises:
        ValueError: a method that needs a pre-quantized checkpoint is forced
            on a local folder that declares none, or the folder declares a
            different one.
    """
    folder = Path(config.model).expanduser()
    declared = method_from_config_files(folder) if folder.is_dir() else None
    forced = config.forced_quantization
    if forced is not None:
        if folder.is_dir() and declared is None and forced in PREQUANTIZED_ONLY:
            raise ValueError(
                f"CHAT_QUANTIZATION={config.quantization} needs a checkpoint quantized "
                f"with {forced}; {folder} declares no quantization (use a pre-quantized model)"
            )
        if declared is not None and declared != forced:
            raise ValueError(
                f"CHAT_QUANTIZATION={config.quantization} does not match the "
                f"checkpoint's own quantization ({declared})"
            )
        return Quantization(forced, "forced", forced)
    if declared is not None:
        return Quantization(declared, "config", None)
    by_name = method_from_name(config.model)
    if by_name is not None:
        return Quantization(by_name, "name", None)
    return Quantization(None, "none", None)


def resolve_dtype(config: VLLMEngineConfig, quantization: Quantization, *, on_gpu: bool) -> str:
    """The ``dtype`` engine argument.

    An explicit ``config.dtype`` wins. Otherwise a quantized model gets
    ``auto`` (the dtype its kernels support) and a float model bfloat16 on
    a GPU, float32 on a CPU.
    """
    if config.dtype != "auto":
        return config.dtype
    if quantization.method is not None:
        return "auto"
    return "bfloat16" if on_gpu else "float32"


__all__ = [
    "PREQUANTIZED_ONLY",
    "Quantization",
    "detect_quantization",
    "method_from_config_files",
    "method_from_name",
    "resolve_dtype",
]
