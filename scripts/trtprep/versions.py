"""The TensorRT-LLM and ModelOpt versions a build is made with.

Outputs are labelled with the TensorRT-LLM version and their metadata records
both, because an engine or a quantized checkpoint made by one release is not
promised to load in another. On a machine without them (planning, tests) the
versions pinned in ``requirements-trt.txt`` are used, or
``CADENCE_TRTLLM_VERSION`` / ``CADENCE_MODELOPT_VERSION``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata

# requirements-trt.txt pins tensorrt-llm==PINNED_TRTLLM (a test checks they agree);
# TensorRT-LLM 1.2's own requirements.txt pins nvidia-modelopt[torch]~=0.37.0.
PINNED_TRTLLM = "1.2.0"
PINNED_MODELOPT = "0.37.0"
TRTLLM_ENV = "CADENCE_TRTLLM_VERSION"
MODELOPT_ENV = "CADENCE_MODELOPT_VERSION"

_RELEASE = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?(?:(?:rc|a|b|\.post|\.dev)\d+)*")

Lookup = Callable[[str], str]


class VersionError(Exception):
    """A package the step needs is not installed."""


@dataclass(frozen=True)
class Versions:
    """``installed`` is False when these are the pins (nothing installed here)."""

    tensorrt_llm: str
    modelopt: str
    installed: bool


def _installed(lookup: Lookup, *names: str) -> str | None:
    for name in names:
        try:
            return lookup(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def clean(version: str) -> str:
    """Drop a local part: ``"1.2.0+cu130"`` → ``"1.2.0"`` (labels, git tags)."""
    return version.split("+", 1)[0].strip()


def detect_versions(environ: Mapping[str, str], lookup: Lookup = metadata.version) -> Versions:
    """The overrides, else the installed versions, else the pins."""
    found_trtllm = _installed(lookup, "tensorrt_llm", "tensorrt-llm")
    found_modelopt = _installed(lookup, "nvidia-modelopt", "nvidia_modelopt")
    trtllm = environ.get(TRTLLM_ENV, "").strip() or found_trtllm or PINNED_TRTLLM
    modelopt = environ.get(MODELOPT_ENV, "").strip() or found_modelopt or PINNED_MODELOPT
    installed = found_trtllm is not None and found_modelopt is not None
    return Versions(clean(trtllm), clean(modelopt), installed)


def require_installed(versions: Versions) -> None:
    """Raise unless TensorRT-LLM and ModelOpt are really installed.

    Raises:
        VersionError: with the install command.
    """
    if not versions.installed:
        raise VersionError(
            "TensorRT-LLM is not installed in this Python: use NVIDIA's container (docker/trt) or "
            "pip install -r requirements-trt.txt on an NVIDIA GPU host (see docs/TRT.md)"
        )


def at_least(version: str, major: int, minor: int) -> bool:
    """Whether ``version`` is ``major.minor`` or newer (unknown forms: False)."""
    match = _RELEASE.match(version)
    if match is None:
        return False
    return (int(match.group(1)), int(match.group(2))) >= (major, minor)


__all__ = ["MODELOPT_ENV", "PINNED_MODELOPT", "PINNED_TRTLLM", "TRTLLM_ENV", "VersionError", "Versions",
           "at_least", "clean", "detect_versions", "require_installed"]
