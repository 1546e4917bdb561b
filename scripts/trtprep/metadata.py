"""``build_metadata.json``: what a stage folder was built from, checked on reuse.

Written into every stage folder (checkpoint, TensorRT-LLM checkpoint, engine)
after its command succeeds. When a folder is found again it is reused only if
its metadata matches what is asked for now, field by field; otherwise the
error names each field that differs and says to set ``FORCE_REBUILD=true``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from trtprep.layout import Target
from trtprep.settings import Calibration, Limits

FILENAME = "build_metadata.json"
SCHEMA = 1
# Not compared: when and how it was made.
_INFORMATIVE = frozenset({"command", "created", "tool"})


class MetadataError(Exception):
    """A stage folder cannot be reused; ``problems`` lists why."""

    def __init__(self, folder: Path, problems: Sequence[str]) -> None:
        self.folder = folder
        self.problems = list(problems)
        lines = "\n  - ".join(self.problems)
        super().__init__(
            f"{folder} cannot be reused:\n  - {lines}\n"
            "Set FORCE_REBUILD=true to rebuild it, or put the settings back as they were."
        )


def make_metadata(
    stage: str,
    target: Target,
    *,
    dtype: str | None,
    calibration: Calibration | None,
    limits: Limits | None,
    command: Sequence[str] = (),
    created: str = "",
) -> dict[str, Any]:
    """The metadata of one stage; ``calibration`` None when nothing was calibrated,
    ``limits`` None for checkpoints (only an engine bakes them in)."""
    return {
        "schema": SCHEMA,
        "stage": stage,
        "model": target.model,
        "quantization": target.qformat,
        "kv_cache_dtype": target.kv_dtype,
        "sm": target.sm,
        "versions": {"tensorrt_llm": target.tensorrt_llm, "modelopt": target.modelopt},
        "dtype": dtype,
        "calibration": None if calibration is None else {
            "awq_block_size": calibration.awq_block_size,
            "calib_size": calibration.calib_size,
            "calib_seqlen": calibration.calib_seqlen,
            "calib_batch_size": calibration.calib_batch_size,
            "dataset": calibration.dataset,
        },
        "limits": None if limits is None else {
            "max_batch_size": limits.max_batch_size,
            "max_input_len": limits.max_input_len,
            "max_output_len": limits.max_output_len,
            "max_seq_len": limits.max_seq_len,
        },
        "command": list(command),
        "created": created,
        "tool": "cadence scripts/trt_prepare.py",
    }


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if not prefix and key in _INFORMATIVE:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def differences(found: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """One line per compared field that differs (nested fields by dotted name)."""
    have, want = _flatten(found), _flatten(expected)
    return [
        f"{key}: built with {have.get(key)!r}, asked for {want.get(key)!r}"
        for key in sorted(set(have) | set(want))
        if have.get(key) != want.get(key)
    ]


def read_metadata(folder: Path, filename: str = FILENAME) -> dict[str, Any]:
    """The metadata file ``filename`` of ``folder``.

    Raises:
        MetadataError: the file is missing or is not a JSON object.
    """
    path = folder / filename
    if not path.is_file():
        raise MetadataError(folder, [f"no {filename} in it (interrupted, or not made by this script)"])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MetadataError(folder, [f"{filename} is unreadable: {exc}"]) from None
    if not isinstance(data, dict):
        raise MetadataError(folder, [f"{filename} is not a JSON object"])
    return data


def validate(folder: Path, expected: Mapping[str, Any]) -> None:
    """Check that ``folder`` was built as ``expected`` says.

    Raises:
        MetadataError: missing or unreadable metadata, or any field differs.
    """
    problems = differences(read_metadata(folder), expected)
    if problems:
        raise MetadataError(folder, problems)


def write_metadata(folder: Path, data: Mapping[str, Any]) -> Path:
    """Write ``data`` as ``folder/build_metadata.json``; return its path."""
    path = folder / FILENAME
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


__all__ = ["FILENAME", "SCHEMA", "MetadataError", "differences", "make_metadata", "read_metadata",
           "validate", "write_metadata"]
