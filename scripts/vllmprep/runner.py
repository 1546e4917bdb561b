"""Printing a plan, and carrying it out step by step.

As in :mod:`trtprep.runner`: every command is printed (``+ command``)
before it runs and its output goes to stderr, so that stdout carries only
the result line (``CHAT_MODEL=...``) that ``scripts/lib/vllm_quant.sh`` reads.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from trtprep.commands import describe
from trtprep.plan import Step
from trtprep.runner import StepError

from vllmprep.metadata import SCHEME, write_export_files
from vllmprep.plan import SERVE_ENV, Plan, Request

KINDS = {
    "prequantized": "the model as it is (already quantized)",
    "reuse": "an AWQ export made earlier",
    "quantize": "a new AWQ export (llm-compressor)",
}

Run = Callable[..., Any]


def render(plan: Plan, req: Request, dry_run: bool) -> list[str]:
    """The plan as lines of text: the inputs, each step with its command, the notes."""
    cal = req.settings.calibration
    found = req.detection
    head = "vLLM 4-bit (AWQ) preparation plan" + (" (dry run: nothing is changed)" if dry_run else "")
    lines = [
        head,
        f"  model:        {req.model}",
        f"  detected:     {found.method or 'not quantized'} (by {found.source})",
        f"  serves:       {KINDS[plan.kind]}",
    ]
    if plan.kind != "prequantized":
        lines += [
            f"  scheme:       {SCHEME} (llm-compressor AWQ, compressed-tensors format)",
            f"  calibration:  {cal.dataset}, {cal.nsamples} samples of up to {cal.seqlen} tokens",
            f"  versions:     {req.versions.describe()}",
        ]
    lines.append(f"  output:       {SERVE_ENV}={plan.serve}")
    if plan.steps:
        lines.append("steps:")
    for number, step in enumerate(plan.steps, 1):
        lines.append(f"  {number}. {step.title}")
        if step.argv:
            lines.append(f"     $ {describe(step.argv)}")
    if plan.notes:
        lines.append("notes:")
        lines.extend(f"  - {note}" for note in plan.notes)
    return lines


def _do(step: Step, log: TextIO, run: Run) -> None:
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
        if not step.path.is_dir():
            raise StepError(f"{step.title} failed: llm-compressor wrote no {step.path}")
        write_export_files(step.path, step.data)
    elif step.action == "rename" and step.path is not None and step.dest is not None:
        step.path.rename(step.dest)


def execute(steps: Sequence[Step], log: TextIO, run: Run = subprocess.run) -> None:
    """Carry out ``steps`` in order, announcing each; stop at the first failure.

    Raises:
        StepError: a command exited non-zero, or a file operation failed.
    """
    for number, step in enumerate(steps, 1):
        print(f"[vllm_quantize] step {number}/{len(steps)}: {step.title}", file=log, flush=True)
        try:
            _do(step, log, run)
        except OSError as exc:
            raise StepError(f"{step.title} failed: {exc}") from None


__all__ = ["KINDS", "StepError", "execute", "render"]
