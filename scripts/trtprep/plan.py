"""From a request to the ordered steps that prepare a model (nothing is run here).

Three kinds of plan:

- ``none``: nothing to prepare; the PyTorch backend serves the model as it is.
- ``checkpoint``: ModelOpt quantizes the model into a unified Hugging Face
  checkpoint that TensorRT-LLM 1.x's PyTorch backend serves without an engine
  build (``TRT_CHECKPOINT_DIR``).
- ``engine``: TensorRT-LLM's ``quantize.py`` makes a TensorRT-LLM checkpoint
  and ``trtllm-build`` compiles it (``TRT_ENGINE_DIR``); needs
  ``TRT_MAX_BATCH_SIZE``. Chosen by ``build``, by ``TRT_BUILD_ENGINE=true``,
  or when the format has no PyTorch-backend path (``int8_sq``).

A stage folder that exists is reused after its ``build_metadata.json`` is
checked (a mismatch is an error), or removed and rebuilt with
``FORCE_REBUILD=true``. Reading those folders is the only I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trtprep.commands import (
    calibrates,
    hf_ptq_argv,
    modelopt_tool,
    quantize_py_argv,
    trtllm_build_argv,
    trtllm_tool,
)
from trtprep.layout import Layout, Target, partial
from trtprep.metadata import FILENAME, make_metadata, validate
from trtprep.quant import Choice, choose_format
from trtprep.settings import PrepSettings
from trtprep.versions import Versions

COMMANDS = ("auto", "quantize", "build")
CHECKPOINT_ENV = "TRT_CHECKPOINT_DIR"
ENGINE_ENV = "TRT_ENGINE_DIR"


class PlanError(Exception):
    """The request cannot be planned; the message says what to change."""


@dataclass(frozen=True)
class Step:
    """One thing to do: ``clone``, ``mkdir``, ``run``, ``metadata``, ``rename``, ``remove`` or ``reuse``."""

    action: str
    title: str
    argv: tuple[str, ...] = ()
    path: Path | None = None
    dest: Path | None = None
    data: Mapping[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Request:
    """What was asked: the subcommand, the model, the mode, and the facts about this host."""

    command: str
    model: str
    mode: str
    sm: str
    versions: Versions
    settings: PrepSettings
    python: str
    created: str = ""


@dataclass(frozen=True)
class Plan:
    """The steps, the variable the server reads the result from, and notes for the user."""

    kind: str
    choice: Choice
    target: Target | None
    steps: tuple[Step, ...]
    serve: tuple[str, Path] | None
    notes: tuple[str, ...]


Build = Callable[[Path], tuple[list[Step], list[str], list[str]]]


def decide_kind(command: str, choice: Choice, settings: PrepSettings) -> str:
    """``none``, ``checkpoint`` or ``engine`` for this subcommand and format.

    Raises:
        PlanError: ``quantize`` asked for what only an engine serves.
    """
    reason = ""
    if choice.engine_only:
        reason = f"{choice.qformat} is served from a TensorRT engine only (the PyTorch backend has no INT8 SmoothQuant)"
    if command == "build":
        return "engine"
    if reason and command == "quantize":
        raise PlanError(f"{reason}: use the build subcommand (with TRT_MAX_BATCH_SIZE)")
    if reason or (command == "auto" and settings.build_engine):
        return "engine"
    return "none" if choice.qformat == "full_prec" else "checkpoint"


def _stage(folder: Path, expected: Mapping[str, Any], build: Build, req: Request) -> tuple[list[Step], list[str]]:
    if folder.exists():
        if not req.settings.force_rebuild:
            validate(folder, expected)
            return [Step("reuse", f"reuse {folder} ({FILENAME} matches)", path=folder)], []
        steps = [Step("remove", f"remove {folder} (FORCE_REBUILD=true)", path=folder)]
    else:
        steps = []
    work = partial(folder)
    if work.exists():
        steps.append(Step("remove", f"remove the unfinished {work}", path=work))
    built, command, notes = build(work)
    data = {**expected, "command": command, "created": req.created}
    steps += built
    steps.append(Step("metadata", f"write {work / FILENAME}", path=work, data=data))
    steps.append(Step("rename", f"rename {work} -> {folder}", path=work, dest=folder))
    return steps, notes


def _checkpoint(req: Request, target: Target, layout: Layout) -> tuple[list[Step], list[str]]:
    cal = req.settings.calibration

    def build(work: Path) -> tuple[list[Step], list[str], list[str]]:
        tool = modelopt_tool(req.settings.modelopt_repo, req.versions)
        argv, notes = hf_ptq_argv(req.python, tool.script, req.model, target.qformat, work, cal,
                                  target.kv_dtype, req.versions.modelopt)
        steps = [Step("clone", title, argv=argv) for title, argv in tool.fetch]
        steps.append(Step("mkdir", f"create {layout.root}", path=layout.root))
        steps.append(Step("run", f"quantize to {target.qformat} with {tool.origin}", argv=tuple(argv)))
        return steps, argv, notes

    expected = make_metadata("checkpoint", target, dtype=None, calibration=cal, limits=None)
    steps, notes = _stage(layout.checkpoint, expected, build, req)
    notes.append("the PyTorch backend serves this checkpoint without an engine build")
    return steps, notes


def _engine(req: Request, target: Target, layout: Layout) -> tuple[list[Step], list[str]]:
    settings = req.settings
    cal = settings.calibration if calibrates(target.qformat, target.kv_dtype) else None

    def build_checkpoint(work: Path) -> tuple[list[Step], list[str], list[str]]:
        tool = trtllm_tool(settings.trtllm_repo, req.versions)
        argv, notes = quantize_py_argv(req.python, tool.script, req.model, target.qformat, work,
                                       settings.calibration, target.kv_dtype, settings.dtype)
        steps = [Step("clone", title, argv=argv) for title, argv in tool.fetch]
        steps.append(Step("mkdir", f"create {layout.root}", path=layout.root))
        steps.append(Step("run", f"quantize to {target.qformat} with {tool.origin}", argv=tuple(argv)))
        return steps, argv, notes

    def build_engine(work: Path) -> tuple[list[Step], list[str], list[str]]:
        argv = trtllm_build_argv(layout.trtllm_checkpoint, work, settings.limits)
        return [Step("run", "build the TensorRT engine with trtllm-build", argv=tuple(argv))], argv, []

    checkpoint = make_metadata("trtllm-checkpoint", target, dtype=settings.dtype, calibration=cal, limits=None)
    engine = make_metadata("engine", target, dtype=settings.dtype, calibration=cal, limits=settings.limits)
    if layout.engine.exists() and not settings.force_rebuild:
        return _stage(layout.engine, engine, build_engine, req)
    steps, notes = _stage(layout.trtllm_checkpoint, checkpoint, build_checkpoint, req)
    more, _ = _stage(layout.engine, engine, build_engine, req)
    return steps + more, notes


def make_plan(req: Request) -> Plan:
    """Plan ``req``.

    Raises:
        PlanError: an impossible request (the message says what to change).
        QuantError: an unknown or unsupported format.
        MetadataError: an existing output does not match and FORCE_REBUILD is off.
        ToolError: a tool folder exists without its script.
    """
    if req.command not in COMMANDS:
        raise PlanError(f"unknown subcommand {req.command!r}: expected one of {', '.join(COMMANDS)}")
    choice = choose_format(req.mode, req.sm, req.settings.override)
    kind = decide_kind(req.command, choice, req.settings)
    notes = list(choice.warnings)
    if kind == "none":
        notes.append(f"nothing to prepare: the PyTorch backend serves {req.model} as it is")
        return Plan(kind, choice, None, (), None, tuple(notes))
    s, v = req.settings, req.versions
    if kind == "engine" and s.limits.max_batch_size is None:
        why = f"{choice.qformat} ({choice.reason}) is served from a TensorRT engine only; " if choice.engine_only else ""
        raise PlanError(f"{why}TRT_MAX_BATCH_SIZE is required to build a TensorRT engine: it is baked into the "
                        "engine (e.g. TRT_MAX_BATCH_SIZE=32); a prebuilt engine (TRT_ENGINE_DIR) does not need it")
    target = Target(req.model, choice.qformat, s.kv_dtype, req.sm, v.tensorrt_llm, v.modelopt)
    layout = Layout.of(s.output_root, target)
    if kind == "checkpoint":
        steps, more = _checkpoint(req, target, layout)
        serve = (CHECKPOINT_ENV, layout.checkpoint.absolute())
    else:
        steps, more = _engine(req, target, layout)
        serve = (ENGINE_ENV, layout.engine.absolute())
    return Plan(kind, choice, target, tuple(steps), serve, tuple(notes + more))


__all__ = ["CHECKPOINT_ENV", "COMMANDS", "ENGINE_ENV", "Plan", "PlanError", "Request", "Step", "decide_kind",
           "make_plan"]
