"""What an upload sends where, decided from the metadata the preparation steps wrote.

``--push-quant PATH`` uploads a quantized model to the repo's root:

- an AWQ export (``awq_metadata.json``, scripts/vllm_quantize.py);
- a TensorRT-LLM checkpoint (``build_metadata.json`` stage ``checkpoint`` or
  ``trtllm-checkpoint``, scripts/trt_prepare.py);
- an engine folder (stage ``engine``): its ``trtllm-checkpoint`` beside it
  goes to the root and the engine into its subfolder, as ``--push-engine``.

``--push-engine PATH`` uploads an engine into ``engines/<label>/`` of a repo
that already exists: the label names what the engine only runs on, e.g.
``engines/int4_awq-sm90-trtllm1.2.0`` (format, KV-cache dtype when not
auto, the GPU's SM, the TensorRT-LLM version).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AWQ_METADATA = "awq_metadata.json"
TRT_METADATA = "build_metadata.json"
MODES = ("--push-quant", "--push-engine")


class PushError(Exception):
    """Nothing can be pushed from this folder; the message says why."""


@dataclass(frozen=True)
class Upload:
    """One ``upload_folder`` call: ``path_in_repo`` None is the repo's root."""

    folder: Path
    path_in_repo: str | None
    what: str


@dataclass(frozen=True)
class PushPlan:
    """The uploads, whether the repo may be created (``--push-quant``) or must exist, and notes."""

    mode: str
    create_repo: bool
    uploads: tuple[Upload, ...]
    notes: tuple[str, ...] = ()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PushError(f"{path} is unreadable: {exc}") from None
    if not isinstance(data, dict):
        raise PushError(f"{path} is not a JSON object")
    return data


def kind_of(folder: Path) -> tuple[str, dict[str, Any]]:
    """``("awq", metadata)`` or ``(<trt stage>, metadata)``.

    Raises:
        PushError: not a folder, or one the preparation steps did not make.
    """
    if not folder.is_dir():
        raise PushError(f"{folder} is not a folder: nothing to push")
    if (folder / AWQ_METADATA).is_file():
        return "awq", _read(folder / AWQ_METADATA)
    if (folder / TRT_METADATA).is_file():
        data = _read(folder / TRT_METADATA)
        return str(data.get("stage", "unknown")), data
    raise PushError(f"{folder} has no {AWQ_METADATA} or {TRT_METADATA}: only exports made by "
                    "scripts/vllm_quantize.py or scripts/trt_prepare.py are pushed")


def engine_subfolder(meta: dict[str, Any]) -> str:
    """``engines/<format>[-kv<dtype>]-<sm>-trtllm<version>`` from an engine's build_metadata.json.

    Raises:
        PushError: a field it needs is missing.
    """
    versions = meta.get("versions") if isinstance(meta.get("versions"), dict) else {}
    fields = {"quantization": meta.get("quantization"), "sm": meta.get("sm"),
              "versions.tensorrt_llm": (versions or {}).get("tensorrt_llm")}
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise PushError(f"{TRT_METADATA} lacks {', '.join(missing)}: cannot label the engine")
    kv = meta.get("kv_cache_dtype") or "auto"
    kv_part = "" if kv == "auto" else f"-kv{kv}"
    return f"engines/{fields['quantization']}{kv_part}-{fields['sm']}-trtllm{fields['versions.tensorrt_llm']}"


def _engine_upload(folder: Path, meta: dict[str, Any]) -> Upload:
    return Upload(folder, engine_subfolder(meta), f"TensorRT engine ({meta.get('sm')})")


def plan_push(mode: str, folder: Path, *, dry_run: bool = False) -> PushPlan:
    """The uploads for ``mode`` (``--push-quant`` or ``--push-engine``) of ``folder``.

    Raises:
        PushError: unknown mode, missing folder (outside a dry run), wrong kind of folder.
    """
    if mode not in MODES:
        raise PushError(f"unknown mode {mode!r}: expected --push-quant or --push-engine")
    create = mode == "--push-quant"
    if dry_run and not folder.exists():
        note = f"{folder} does not exist yet (a dry run prepares nothing): what goes where is read from its metadata"
        where = None if create else "engines/<format>-<sm>-trtllm<version>"
        return PushPlan(mode, create, (Upload(folder, where, "the prepared model"),), (note,))
    kind, meta = kind_of(folder)
    if mode == "--push-engine":
        if kind != "engine":
            raise PushError(f"--push-engine uploads a TensorRT engine folder; {folder} is a {kind} "
                            "(use --push-quant for quantized checkpoints and AWQ exports)")
        return PushPlan(mode, False, (_engine_upload(folder, meta),))
    if kind == "awq":
        return PushPlan(mode, True, (Upload(folder, None, "AWQ (W4A16) export"),))
    if kind in ("checkpoint", "trtllm-checkpoint"):
        return PushPlan(mode, True, (Upload(folder, None, f"TensorRT-LLM {kind}"),))
    if kind != "engine":
        raise PushError(f"{folder}/{TRT_METADATA} has stage {kind!r}: expected checkpoint, trtllm-checkpoint or engine")
    sibling = folder.parent / "trtllm-checkpoint"
    uploads = [_engine_upload(folder, meta)]
    notes: list[str] = []
    if (sibling / TRT_METADATA).is_file():
        uploads.insert(0, Upload(sibling, None, "TensorRT-LLM trtllm-checkpoint"))
    else:
        notes.append(f"no {sibling} with {TRT_METADATA}: only the engine is uploaded")
    return PushPlan(mode, True, tuple(uploads), tuple(notes))


__all__ = ["AWQ_METADATA", "MODES", "TRT_METADATA", "PushError", "PushPlan", "Upload", "engine_subfolder",
           "kind_of", "plan_push"]
