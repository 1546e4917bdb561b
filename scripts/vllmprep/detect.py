"""Is the model already quantized? Then it is served as it is, never quantized twice.

The evidence is the engine's own (:mod:`cadence.engines.vllm_quant`): the
config files (``config.json``'s ``quantization_config``, a
``quantize_config.json`` or ``quant_config.json``) first, then the name
(``awq``, ``w4a16``, ``compressed-tensors``, ``autoround``, ``gptq``,
``fp8``). For a Hugging Face repo the three config files are fetched
(``snapshot_download`` with ``allow_patterns``, into the Hugging Face cache);
when that fails, the name alone decides and the plan says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cadence.engines.vllm_quant import method_from_config_files, method_from_name

CONFIG_FILES = ("config.json", "quantize_config.json", "quant_config.json")

#: A model id -> a local folder holding (some of) its :data:`CONFIG_FILES`.
Fetch = Callable[[str], Path]


@dataclass(frozen=True)
class Detection:
    """The method found (``None``: not quantized), where it came from, and notes for the plan."""

    method: str | None
    source: str
    notes: tuple[str, ...] = ()


def hub_config_folder(model: str) -> Path:
    """Download the config files of a Hugging Face repo; the folder that holds them."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(model, allow_patterns=list(CONFIG_FILES)))


def detect(model: str, fetch: Fetch = hub_config_folder) -> Detection:
    """What quantization ``model`` (a local folder or a hub id) already has."""
    notes: list[str] = []
    folder = Path(model).expanduser()
    if folder.is_dir():
        config_folder: Path | None = folder
    else:
        try:
            config_folder = fetch(model)
        except Exception as exc:  # network, gated or missing repo: the name still decides
            config_folder = None
            notes.append(f"could not read {model}'s config files from the hub ({type(exc).__name__}: {exc}); "
                         "decided by the name alone")
    declared = method_from_config_files(config_folder) if config_folder is not None else None
    if declared is not None:
        return Detection(declared, "config", tuple(notes))
    by_name = method_from_name(model)
    if by_name is not None:
        return Detection(by_name, "name", tuple(notes))
    return Detection(None, "none", tuple(notes))


__all__ = ["CONFIG_FILES", "Detection", "Fetch", "detect", "hub_config_folder"]
