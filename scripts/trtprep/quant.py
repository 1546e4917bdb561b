"""Choosing the quantization format from the mode, the GPU and ``QUANTIZATION``.

The names are those of TensorRT-LLM's ``examples/quantization/quantize.py
--qformat`` and ModelOpt's ``examples/llm_ptq/hf_ptq.py --qformat``. The
hardware facts come from TensorRT-LLM's ``docs/source/features/quantization.md``
(its PyTorch-backend hardware matrix) and ModelOpt's support matrix:

- FP8 weights and activations need Ada or newer (sm89+); A100 (sm80) has no
  FP8 tensor cores, so ``8bit`` there is INT8 SmoothQuant.
- The PyTorch backend (TensorRT-LLM 1.x's default, no engine build) lists no
  INT8 SmoothQuant, so ``int8_sq`` is served from a TensorRT engine only.
- W4A16 AWQ is listed for Ampere, Ada and Hopper but not Blackwell, where
  the 4-bit format is NVFP4 (sm100+).
"""

from __future__ import annotations

from dataclasses import dataclass

from trtprep.gpu import KNOWN_GPUS, sm_number


@dataclass(frozen=True)
class QFormat:
    """One ``--qformat`` value and where it can run."""

    name: str
    min_sm: int
    engine_only: bool
    summary: str
    not_on_blackwell: bool = False


FORMATS: dict[str, QFormat] = {
    f.name: f
    for f in (
        QFormat("int4_awq", 80, False, "INT4 weights (AWQ, W4A16)", not_on_blackwell=True),
        QFormat("w4a8_awq", 89, False, "INT4 weights, FP8 activations (AWQ)", not_on_blackwell=True),
        QFormat("fp8", 89, False, "FP8 weights and activations"),
        QFormat("int8_sq", 80, True, "INT8 weights and activations (SmoothQuant, W8A8)"),
        QFormat("nvfp4", 100, False, "NVFP4 weights and activations"),
        QFormat("full_prec", 0, False, "no quantization"),
    )
}

MODES = ("4bit", "awq", "8bit", "fp8", "int8", "none")
OVERRIDE_ENV = "QUANTIZATION"


class QuantError(Exception):
    """The requested format is unknown or does not run on this GPU."""


@dataclass(frozen=True)
class Choice:
    """The format to build and why it was chosen."""

    qformat: str
    reason: str
    engine_only: bool
    warnings: tuple[str, ...] = ()


def _from_mode(mode: str, sm: str) -> str:
    number = sm_number(sm)
    if mode in ("", "none"):
        return "full_prec"
    if mode == "4bit":
        return "nvfp4" if number >= 100 else "int4_awq"
    if mode == "awq":
        return "int4_awq"
    if mode == "8bit":
        return "fp8" if number >= 89 else "int8_sq"
    if mode == "fp8":
        return "fp8"
    if mode == "int8":
        return "int8_sq"
    if mode in FORMATS:
        return mode
    if mode == "gptq":
        raise QuantError("the trt path does not make GPTQ checkpoints; serve a GPTQ model as it is (mode none)")
    raise QuantError(f"unknown quantization mode {mode!r}: expected one of {', '.join(MODES)} or {_names()}")


def _names() -> str:
    return ", ".join(FORMATS)


def choose_format(mode: str, sm: str, override: str | None = None) -> Choice:
    """The format for ``mode`` (``4bit``, ``8bit``, ...) on ``sm``, or ``override``.

    ``override`` is ``QUANTIZATION``: a format name, checked like any other.

    Raises:
        QuantError: an unknown mode or override, or a format this GPU lacks.
    """
    mode = mode.strip().lower()
    if override is not None and override.strip():
        name = override.strip().lower()
        if name not in FORMATS:
            raise QuantError(f"{OVERRIDE_ENV}={override.strip()!r} is not a known format: expected one of {_names()}")
        reason = f"{OVERRIDE_ENV}={name}"
    else:
        name = _from_mode(mode, sm)
        reason = f"{mode or 'none'} on {sm}"
    fmt = FORMATS[name]
    number = sm_number(sm)
    if number < fmt.min_sm:
        needed = f"sm{fmt.min_sm}"
        hint = " (8bit on this GPU is int8_sq)" if name == "fp8" else ""
        raise QuantError(
            f"{name} ({fmt.summary}) needs {needed} or newer ({KNOWN_GPUS.get(needed, 'newer GPUs')}); "
            f"this GPU is {sm}{hint}"
        )
    warnings: tuple[str, ...] = ()
    if fmt.not_on_blackwell and number >= 100:
        warnings = (f"{name} is not in TensorRT-LLM's PyTorch-backend hardware matrix for Blackwell ({sm}); "
                    "nvfp4 is the documented 4-bit format there",)
    return Choice(name, reason, fmt.engine_only, warnings)


__all__ = ["FORMATS", "MODES", "OVERRIDE_ENV", "Choice", "QFormat", "QuantError", "choose_format"]
