"""The variables of the vLLM 4-bit preparation, read once.

Names and defaults follow the product brief: ``AWQ_CACHE_DIR`` (``.awq``),
``AWQ_CALIB_DATASET`` (``open_platypus``, a dataset name llm-compressor
knows or a Hugging Face dataset id), ``AWQ_NSAMPLES`` (64), ``AWQ_SEQLEN``
(2048), ``FORCE_REBUILD``; and ``AWQ_PYTHON``, the Python with
llm-compressor (``scripts/lib/vllm_quant.sh`` points it at ``.venv-awq``;
default: the Python running the script). Every problem is reported at once.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cadence.config.env import ConfigError, EnvReader

DEFAULT_CACHE_DIR = ".awq"
DEFAULT_DATASET = "open_platypus"
DEFAULT_NSAMPLES = 64
DEFAULT_SEQLEN = 2048


@dataclass(frozen=True)
class Calibration:
    """What AWQ calibrates on."""

    dataset: str
    nsamples: int
    seqlen: int


@dataclass(frozen=True)
class AwqSettings:
    """Everything the plan reads from the environment."""

    cache_dir: Path
    calibration: Calibration
    force_rebuild: bool
    python: str


def load_settings(environ: Mapping[str, str]) -> AwqSettings:
    """Read and check every variable.

    Raises:
        ConfigError: listing every invalid value.
    """
    env = EnvReader(environ)
    dataset = env.text("AWQ_CALIB_DATASET", DEFAULT_DATASET).strip()
    if not dataset:
        env.problem("AWQ_CALIB_DATASET is blank: a dataset name (open_platypus) or a Hugging Face dataset id")
    settings = AwqSettings(
        cache_dir=Path(env.text("AWQ_CACHE_DIR", DEFAULT_CACHE_DIR).strip() or DEFAULT_CACHE_DIR),
        calibration=Calibration(
            dataset=dataset,
            nsamples=env.integer("AWQ_NSAMPLES", DEFAULT_NSAMPLES, 1),
            seqlen=env.integer("AWQ_SEQLEN", DEFAULT_SEQLEN, 16),
        ),
        force_rebuild=env.flag("FORCE_REBUILD", False),
        python=env.text("AWQ_PYTHON").strip() or sys.executable,
    )
    env.raise_errors()
    return settings


__all__ = ["DEFAULT_CACHE_DIR", "DEFAULT_DATASET", "DEFAULT_NSAMPLES", "DEFAULT_SEQLEN", "AwqSettings",
           "Calibration", "ConfigError", "load_settings"]
