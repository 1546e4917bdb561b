"""Printing a plan, and carrying it out step by step.

As in :mod:`trtprep.runner`: every command is printed (``+ command``)
before it runs and its output goes to stderr, so that stdout carries only
the result line (``CHAT_MODEL=...``) that ``scripts/lib/vllm_quant.sh`` reads.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from trtprep.plan import Step
from trtprep.runner import StepError, step_lines
from trtprep.runner import execute as run_steps

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
    return lines + step_lines(plan.steps, plan.notes)


def _write(path: Path, data: Any) -> None:
    if not path.is_dir():
        raise StepError(f"writing the export's metadata failed: llm-compressor wrote no {path}")
    write_export_files(path, data)


def execute(steps: Sequence[Step], log: TextIO, run: Run = subprocess.run) -> None:
    """Carry out ``steps`` in order (:func:`trtprep.runner.execute`).

    Raises:
        StepError: a command exited non-zero, or a file operation failed.
    """
    run_steps(steps, log, run, write=_write, tag="vllm_quantize")


__all__ = ["KINDS", "StepError", "execute", "render"]
