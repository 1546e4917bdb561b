"""Printing a plan, and carrying it out step by step.

Every command is printed (``+ command``) before it runs; a command's own
output goes to stderr so that stdout carries only the result line
(``TRT_CHECKPOINT_DIR=...`` or ``TRT_ENGINE_DIR=...``) that ``main.sh`` reads.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from trtprep.commands import describe
from trtprep.gpu import KNOWN_GPUS
from trtprep.metadata import write_metadata
from trtprep.plan import Plan, Request, Step
from trtprep.quant import FORMATS

KINDS = {
    "none": "the model as it is (PyTorch backend)",
    "checkpoint": "a ModelOpt-quantized checkpoint (PyTorch backend, no engine build)",
    "engine": "a TensorRT engine (TensorRT backend, built with trtllm-build)",
}

Run = Callable[..., Any]
#: Writes a step's metadata into its folder.
MetadataWriter = Callable[[Path, Any], None]


class StepError(Exception):
    """A step failed; the message names it."""


def _versions(req: Request) -> str:
    v = req.versions
    where = "installed" if v.installed else "pinned in requirements-trt.txt: not installed here"
    return f"TensorRT-LLM {v.tensorrt_llm}, ModelOpt {v.modelopt} ({where})"


def render(plan: Plan, req: Request, dry_run: bool) -> list[str]:
    """The plan as lines of text: the inputs, each step with its command, the notes."""
    fmt = FORMATS[plan.choice.qformat]
    head = "TensorRT-LLM preparation plan" + (" (dry run: nothing is changed)" if dry_run else "")
    lines = [
        head,
        f"  subcommand:   {req.command}",
        f"  model:        {req.model}",
        f"  GPU:          {req.sm} ({KNOWN_GPUS.get(req.sm, 'no example on file')})",
        f"  quantization: {fmt.name}: {fmt.summary} [{plan.choice.reason}]",
        f"  KV cache:     {req.settings.kv_dtype}",
        f"  serves:       {KINDS[plan.kind]}",
        f"  versions:     {_versions(req)}",
    ]
    if plan.serve is not None:
        lines.append(f"  output:       {plan.serve[0]}={plan.serve[1]}")
    return lines + step_lines(plan.steps, plan.notes)


def step_lines(steps: Sequence[Step], notes: Sequence[str]) -> list[str]:
    """The numbered steps, each with its command, then the notes."""
    lines = ["steps:"] if steps else []
    for number, step in enumerate(steps, 1):
        lines.append(f"  {number}. {step.title}")
        if step.argv:
            lines.append(f"     $ {describe(step.argv)}")
    if notes:
        lines.append("notes:")
        lines.extend(f"  - {note}" for note in notes)
    return lines


def _do(step: Step, log: TextIO, run: Run, write: MetadataWriter) -> None:
    if step.argv:
        print(f"+ {describe(step.argv)}", file=log, flush=True)
        done = run(list(step.argv), stdout=log, check=False)
        if done.returncode != 0:
            raise StepError(f"{step.title} failed (exit status {done.returncode}): {describe(step.argv)}")
    elif step.action == "mkdir" and step.path is not None:
        step.path.mkdir(parents=True, exist_ok=True)
    elif step.action == "remove" and step.path is not None:
        shutil.rmtree(step.path)
    elif step.action == "metadata" and step.path is not None and step.data is not None:
        write(step.path, step.data)
    elif step.action == "rename" and step.path is not None and step.dest is not None:
        step.path.rename(step.dest)


def execute(
    steps: Sequence[Step],
    log: TextIO,
    run: Run = subprocess.run,
    *,
    write: MetadataWriter = write_metadata,
    tag: str = "trt_prepare",
) -> None:
    """Carry out ``steps`` in order, announcing each as ``[tag]``; ``write``
    writes the metadata steps. Stop at the first failure.

    Raises:
        StepError: a command exited non-zero, or a file operation failed.
    """
    if any(step.action == "clone" for step in steps) and shutil.which("git") is None:
        raise StepError("git is needed to fetch the quantization scripts (apt-get install git)")
    for number, step in enumerate(steps, 1):
        print(f"[{tag}] step {number}/{len(steps)}: {step.title}", file=log, flush=True)
        try:
            _do(step, log, run, write)
        except OSError as exc:
            raise StepError(f"{step.title} failed: {exc}") from None


__all__ = ["KINDS", "MetadataWriter", "StepError", "execute", "render", "step_lines"]
