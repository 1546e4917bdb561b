"""``awq_metadata.json`` and ``README.md``: what an AWQ export was made from, checked on reuse.

Written into the export after llm-compressor succeeds. An export found again
is reused only if its metadata matches what is asked for now (model, scheme,
recipe, calibration); otherwise the error names each field that differs and
says to set ``FORCE_REBUILD=true`` (the messages of :mod:`trtprep.metadata`).
The versions, the date and the command are recorded but not compared: an
export made by another llm-compressor release loads in vLLM all the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trtprep.metadata import MetadataError, differences
from trtprep.metadata import read_metadata as read_metadata_file

from vllmprep.settings import Calibration

FILENAME = "awq_metadata.json"
README = "README.md"
SCHEMA = 1
#: llm-compressor's preset: 4-bit integer weights with zero points, groups of 128, 16-bit activations
#: (the scheme of its AWQ examples); saved in the compressed-tensors format vLLM reads.
SCHEME = "W4A16_ASYM"
GROUP_SIZE = 128
IGNORE = ("lm_head",)
TARGETS = ("Linear",)
_INFORMATIVE = frozenset({"versions", "created", "command", "tool"})


def make_metadata(model: str, calibration: Calibration, *, versions: Mapping[str, str | None] | None = None,
                  command: tuple[str, ...] = (), created: str = "") -> dict[str, Any]:
    """The metadata of an export of ``model``."""
    return {
        "schema": SCHEMA,
        "model": model,
        "method": "awq",
        "scheme": SCHEME,
        "group_size": GROUP_SIZE,
        "format": "compressed-tensors",
        "recipe": {"modifiers": ["AWQModifier", "QuantizationModifier"], "targets": list(TARGETS),
                   "ignore": list(IGNORE)},
        "calibration": {"dataset": calibration.dataset, "nsamples": calibration.nsamples,
                        "seqlen": calibration.seqlen},
        "versions": dict(versions or {}),
        "command": list(command),
        "created": created,
        "tool": "cadence scripts/vllm_quantize.py",
    }


def _compared(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in _INFORMATIVE}


def read_metadata(folder: Path) -> dict[str, Any]:
    """The ``awq_metadata.json`` of ``folder``.

    Raises:
        MetadataError: the file is missing or is not a JSON object.
    """
    return read_metadata_file(folder, FILENAME)


def validate(folder: Path, expected: Mapping[str, Any]) -> None:
    """Check that ``folder`` was made as ``expected`` says.

    Raises:
        MetadataError: missing or unreadable metadata, or a compared field differs.
    """
    problems = differences(_compared(read_metadata(folder)), _compared(expected))
    if problems:
        raise MetadataError(folder, problems)


def _is_hub_id(model: str) -> bool:
    return model.count("/") == 1 and not model.startswith((".", "/", "~")) and not Path(model).exists()


def render_readme(folder_name: str, data: Mapping[str, Any]) -> str:
    """A model card for the export (Hugging Face front matter when the source is a hub id)."""
    model, cal = str(data["model"]), data["calibration"]
    versions = ", ".join(f"{k} {v}" for k, v in data.get("versions", {}).items() if v) or "unknown"
    front = (f"---\nbase_model: {model}\ntags: [awq, w4a16, compressed-tensors, llm-compressor, vllm]\n---\n\n"
             if _is_hub_id(model) else "")
    source = f"[{model}](https://huggingface.co/{model})" if _is_hub_id(model) else f"`{model}`"
    return (
        f"{front}# {folder_name}\n\n"
        f"4-bit AWQ quantization ({data['scheme']}, groups of {data['group_size']}, lm_head kept) of {source}, "
        f"made with llm-compressor's `oneshot` (AWQModifier + QuantizationModifier) by Cadence's "
        f"`scripts/vllm_quantize.py`, saved in the {data['format']} format that vLLM reads.\n\n"
        "| Setting | Value |\n|---|---|\n"
        f"| Calibration dataset (`AWQ_CALIB_DATASET`) | {cal['dataset']} |\n"
        f"| Samples (`AWQ_NSAMPLES`) | {cal['nsamples']} |\n"
        f"| Sequence length (`AWQ_SEQLEN`) | {cal['seqlen']} |\n"
        f"| Versions | {versions} |\n"
        f"| Created | {data.get('created') or 'unknown'} |\n\n"
        "## Serving\n\n"
        "vLLM detects the quantization from `config.json`; no `--quantization` flag is needed:\n\n"
        f"```bash\nvllm serve <this folder or repo>\n```\n\n"
        f"`{FILENAME}` records how this export was made; Cadence reuses it only while those settings match.\n"
    )


def write_export_files(folder: Path, data: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write ``awq_metadata.json`` and ``README.md`` into ``folder``; return their paths."""
    meta = folder / FILENAME
    meta.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    readme = folder / README
    name = folder.name.removesuffix(".partial")
    readme.write_text(render_readme(name, data), encoding="utf-8")
    return meta, readme


__all__ = ["FILENAME", "GROUP_SIZE", "IGNORE", "README", "SCHEMA", "SCHEME", "TARGETS", "MetadataError",
           "make_metadata", "read_metadata", "render_readme", "validate", "write_export_files"]
