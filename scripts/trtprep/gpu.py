"""Which NVIDIA architecture (SM) the build is for.

TensorRT engines and the kernels a quantization format needs are specific to
the GPU's compute capability, so every output folder is labelled with it.
``nvidia-smi --query-gpu=compute_cap --format=csv,noheader`` prints one line
per GPU (``9.0`` on an H100); ``CADENCE_GPU_SM`` (``sm90`` or ``9.0``)
replaces the query, for tests and for planning on a machine without the GPU.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping, Sequence

SM_ENV = "CADENCE_GPU_SM"
NVIDIA_SMI = ("nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader")

# Examples for messages and docs; any smXY parses.
KNOWN_GPUS: dict[str, str] = {
    "sm80": "A100, A30",
    "sm86": "A10, A40, RTX A6000, RTX 30xx",
    "sm87": "Jetson Orin",
    "sm89": "L4, L40, L40S, RTX 6000 Ada, RTX 40xx",
    "sm90": "H100, H200, GH200",
    "sm100": "B200, GB200",
    "sm103": "B300, GB300",
    "sm120": "RTX PRO 6000 Blackwell, RTX 50xx",
}

_DOTTED = re.compile(r"^(\d{1,2})\.(\d)$")  # nvidia-smi: 9.0, 12.0
_COMPACT = re.compile(r"^(?:sm_?)?(\d{2,3})$", re.IGNORECASE)  # sm90, sm_100, 90

Runner = Callable[[Sequence[str]], str]


class GpuError(Exception):
    """The SM could not be determined; the message says why and what to do."""


def parse_sm(text: str) -> str:
    """``"9.0"``, ``"sm90"``, ``"sm_90"`` or ``"90"`` → ``"sm90"``.

    Raises:
        GpuError: the text is not a compute capability.
    """
    text = text.strip()
    dotted = _DOTTED.match(text)
    if dotted is not None:
        return f"sm{dotted.group(1)}{dotted.group(2)}"
    compact = _COMPACT.match(text)
    if compact is not None:
        return f"sm{compact.group(1)}"
    raise GpuError(f"not a compute capability: {text!r} (expected e.g. 9.0 or sm90)")


def sm_number(sm: str) -> int:
    """``"sm90"`` → 90, ``"sm100"`` → 100 (for comparisons)."""
    return int(parse_sm(sm)[2:])


def _run_nvidia_smi(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=30, check=False)
    except FileNotFoundError:
        raise GpuError(
            "nvidia-smi not found: this step needs an NVIDIA GPU host with its driver installed "
            f"(or set {SM_ENV}=sm90 to plan for an H100 elsewhere)"
        ) from None
    except subprocess.TimeoutExpired:
        raise GpuError("nvidia-smi did not answer within 30 s") from None
    if done.returncode != 0:
        raise GpuError(f"nvidia-smi failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def detect_sm(environ: Mapping[str, str], run: Runner = _run_nvidia_smi) -> str:
    """The SM of GPU 0 (``CADENCE_GPU_SM`` wins), e.g. ``"sm90"``.

    Raises:
        GpuError: no override and no usable answer from ``nvidia-smi``;
            or the GPUs differ (one build cannot serve both).
    """
    override = environ.get(SM_ENV, "").strip()
    if override:
        return parse_sm(override)
    lines = [line.strip() for line in run(NVIDIA_SMI).splitlines() if line.strip()]
    if not lines:
        raise GpuError("nvidia-smi listed no GPU")
    found = {parse_sm(line) for line in lines}
    if len(found) > 1:
        raise GpuError(
            f"this host mixes GPU architectures ({', '.join(sorted(found))}); "
            f"pick one with CUDA_VISIBLE_DEVICES and set {SM_ENV} to its SM"
        )
    return found.pop()


__all__ = ["KNOWN_GPUS", "NVIDIA_SMI", "SM_ENV", "GpuError", "detect_sm", "parse_sm", "sm_number"]
