"""The environment variables of the TensorRT-LLM preparation, read once.

Names and defaults follow the product brief (docs/TRT.md has the table):
calibration ``TRT_AWQ_BLOCK_SIZE`` (128), ``TRT_CALIB_SIZE`` (64),
``TRT_CALIB_SEQLEN`` (``CHAT_MAX_LEN + CHAT_MAX_OUT``), ``TRT_CALIB_BATCH_SIZE``
(16); engine limits ``TRT_MAX_BATCH_SIZE`` (no default: required to build an
engine), ``TRT_MAX_INPUT_LEN`` (``CHAT_MAX_LEN``, 5025), ``TRT_MAX_OUTPUT_LEN``
(``CHAT_MAX_OUT``, 150); ``TRT_DTYPE`` (float16), ``KV_DTYPE`` (auto),
``QUANTIZATION``, ``FORCE_REBUILD``, ``TRT_BUILD_ENGINE``. Every problem is
reported at once (:class:`cadence.config.env.ConfigError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cadence.config.env import ConfigError, EnvReader

CHAT_MAX_LEN = 5025
CHAT_MAX_OUT = 150
AWQ_BLOCK_SIZES = (64, 128)
# As the trt engine accepts them (cadence.engines.trt_config): TensorRT-LLM's LLM API has
# no runtime int8 KV cache, so KV_DTYPE is auto or fp8.
DTYPES = ("float16", "bfloat16", "float32", "auto")
KV_DTYPES = ("auto", "fp8")


@dataclass(frozen=True)
class Calibration:
    """Calibration of the quantize step (both tools take these)."""

    awq_block_size: int
    calib_size: int
    calib_seqlen: int
    calib_batch_size: int
    dataset: str | None


@dataclass(frozen=True)
class Limits:
    """What a TensorRT engine bakes in; ``max_batch_size`` is None when unset."""

    max_batch_size: int | None
    max_input_len: int
    max_output_len: int

    @property
    def max_seq_len(self) -> int:
        """Prompt plus reply: ``trtllm-build --max_seq_len``."""
        return self.max_input_len + self.max_output_len


@dataclass(frozen=True)
class PrepSettings:
    """Everything the plan reads from the environment."""

    override: str | None
    calibration: Calibration
    limits: Limits
    dtype: str
    kv_dtype: str
    force_rebuild: bool
    build_engine: bool
    output_root: Path
    trtllm_repo: Path | None
    modelopt_repo: Path | None


def _optional_path(env: EnvReader, name: str) -> Path | None:
    raw = env.text(name).strip()
    return Path(raw) if raw else None


def load_settings(environ: Mapping[str, str]) -> PrepSettings:
    """Read and check every variable.

    Raises:
        ConfigError: listing every invalid value.
    """
    env = EnvReader(environ)
    chat_max_len = env.integer("CHAT_MAX_LEN", CHAT_MAX_LEN, 1)
    chat_max_out = env.integer("CHAT_MAX_OUT", CHAT_MAX_OUT, 1)
    block = env.integer("TRT_AWQ_BLOCK_SIZE", 128, 1)
    if block not in AWQ_BLOCK_SIZES:
        env.problem(f"TRT_AWQ_BLOCK_SIZE={block}: TensorRT-LLM supports 64 or 128")
    calibration = Calibration(
        awq_block_size=block,
        calib_size=env.integer("TRT_CALIB_SIZE", 64, 1),
        calib_seqlen=env.integer("TRT_CALIB_SEQLEN", chat_max_len + chat_max_out, 1),
        calib_batch_size=env.integer("TRT_CALIB_BATCH_SIZE", 16, 1),
        dataset=env.text("TRT_CALIB_DATASET").strip() or None,
    )
    max_batch = env.integer("TRT_MAX_BATCH_SIZE", 0, 1)
    limits = Limits(
        max_batch_size=max_batch or None,
        max_input_len=env.integer("TRT_MAX_INPUT_LEN", chat_max_len, 1),
        max_output_len=env.integer("TRT_MAX_OUTPUT_LEN", chat_max_out, 1),
    )
    settings = PrepSettings(
        override=env.text("QUANTIZATION").strip() or None,
        calibration=calibration,
        limits=limits,
        dtype=env.choice("TRT_DTYPE", "float16", DTYPES),
        kv_dtype=env.choice("KV_DTYPE", "auto", KV_DTYPES),
        force_rebuild=env.flag("FORCE_REBUILD", False),
        build_engine=env.flag("TRT_BUILD_ENGINE", False),
        output_root=Path(env.text("MODELS_DIR", "models")) / "trt",
        trtllm_repo=_optional_path(env, "TRT_REPO_DIR"),
        modelopt_repo=_optional_path(env, "TRT_MODELOPT_REPO_DIR"),
    )
    env.raise_errors()
    return settings


__all__ = ["AWQ_BLOCK_SIZES", "DTYPES", "KV_DTYPES", "Calibration", "ConfigError", "Limits", "PrepSettings",
           "load_settings"]
