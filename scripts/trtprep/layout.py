"""Where the outputs go, and their labels.

One folder per (model, format, KV dtype, SM, TensorRT-LLM version) under
``$MODELS_DIR/trt/``, e.g. ``models/trt/Qwen--Qwen3-8B-int4_awq-sm90-trtllm1.2.0/``,
holding up to three stages, each with its ``build_metadata.json``:

- ``checkpoint/``: a ModelOpt unified Hugging Face checkpoint, which the
  PyTorch backend serves as it is (``TRT_CHECKPOINT_DIR``);
- ``trtllm-checkpoint/``: a TensorRT-LLM checkpoint (``quantize.py``), the
  input of ``trtllm-build``;
- ``engine/``: the TensorRT engine (``TRT_ENGINE_DIR``).

A stage is written into ``<stage>.partial`` and renamed once its metadata is
written, so an interrupted build never looks finished.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Target:
    """What identifies a build: the model and how it is quantized, for which GPU."""

    model: str
    qformat: str
    kv_dtype: str
    sm: str
    tensorrt_llm: str
    modelopt: str


def model_slug(model: str) -> str:
    """A folder-safe name: ``Qwen/Qwen3-8B`` → ``Qwen--Qwen3-8B``; a local path → its last part."""
    text = model.strip().rstrip("/")
    if text.startswith(("/", "./", "../", "~")) or Path(text).is_dir():
        text = Path(text).name
    else:
        text = text.replace("/", "--")
    return _UNSAFE.sub("_", text).strip("._") or "model"


def label(target: Target) -> str:
    """``<model>-<qformat>[-kv<dtype>]-<sm>-trtllm<version>``."""
    kv = "" if target.kv_dtype == "auto" else f"-kv{target.kv_dtype}"
    return f"{model_slug(target.model)}-{target.qformat}{kv}-{target.sm}-trtllm{target.tensorrt_llm}"


@dataclass(frozen=True)
class Layout:
    """The stage folders of one target."""

    root: Path

    @classmethod
    def of(cls, output_root: Path, target: Target) -> Layout:
        """The layout of ``target`` under ``output_root`` (``$MODELS_DIR/trt``)."""
        return cls(output_root / label(target))

    @property
    def checkpoint(self) -> Path:
        """ModelOpt unified HF checkpoint (PyTorch backend)."""
        return self.root / "checkpoint"

    @property
    def trtllm_checkpoint(self) -> Path:
        """TensorRT-LLM checkpoint (input of ``trtllm-build``)."""
        return self.root / "trtllm-checkpoint"

    @property
    def engine(self) -> Path:
        """TensorRT engine folder."""
        return self.root / "engine"


def partial(path: Path) -> Path:
    """Where a stage is written before it is complete."""
    return path.with_name(path.name + ".partial")


__all__ = ["Layout", "Target", "label", "model_slug", "partial"]
