#!/usr/bin/env python3
"""Prepare a Hugging Face model for the ``trt`` engine: quantize, optionally build an engine.

Run from the repository root, with the Python that has TensorRT-LLM::

    python scripts/trt_prepare.py auto Qwen/Qwen3-8B --quant 4bit            # what main.sh --trt runs
    python scripts/trt_prepare.py quantize Qwen/Qwen3-8B --quant 8bit        # ModelOpt checkpoint only
    TRT_MAX_BATCH_SIZE=32 python scripts/trt_prepare.py build Qwen/Qwen3-8B --quant 8bit   # + TensorRT engine
    CADENCE_GPU_SM=sm80 python scripts/trt_prepare.py auto Qwen/Qwen3-8B --quant 8bit --dry-run

``--quant``: 4bit, awq, 8bit, fp8, int8, none, or a format name (int4_awq,
w4a8_awq, fp8, int8_sq, nvfp4, full_prec); ``QUANTIZATION`` overrides it.
``--dry-run`` prints the plan (inputs, every command, the outputs) and
changes nothing; ``CADENCE_GPU_SM`` stands in for ``nvidia-smi`` when
planning for another machine. The last line on stdout names the result
(``TRT_CHECKPOINT_DIR=...`` or ``TRT_ENGINE_DIR=...``), absent when the
model is served as it is. Everything else goes to stderr, except the plan of
a dry run. Variables: docs/TRT.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping

from trtprep.commands import ToolError
from trtprep.gpu import GpuError, detect_sm
from trtprep.metadata import MetadataError
from trtprep.plan import COMMANDS, PlanError, Request, make_plan
from trtprep.quant import QuantError
from trtprep.runner import StepError, execute, render
from trtprep.settings import ConfigError, load_settings
from trtprep.versions import VersionError, detect_versions, require_installed

PLANNING_ERRORS = (ConfigError, GpuError, QuantError, PlanError, MetadataError, ToolError, VersionError)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="trt_prepare.py", description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=COMMANDS,
                        help="auto: what main.sh runs; quantize: a ModelOpt checkpoint; build: a TensorRT engine")
    parser.add_argument("model", help="Hugging Face model id or local folder")
    parser.add_argument("--quant", default=os.environ.get("CHAT_QUANTIZATION") or "none",
                        help="4bit, awq, 8bit, fp8, int8, none or a format name (default CHAT_QUANTIZATION or none)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    """Plan, print, run; 0 on success, 1 when a step failed, 2 when it could not be planned."""
    args = _parse(argv)
    try:
        settings = load_settings(environ)
        sm = detect_sm(environ)
        versions = detect_versions(environ)
        if not args.dry_run:
            require_installed(versions)
        request = Request(args.command, args.model, args.quant, sm, versions, settings, sys.executable,
                          created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        plan = make_plan(request)
    except PLANNING_ERRORS as exc:
        print(f"trt_prepare: error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout if args.dry_run else sys.stderr
    print("\n".join(render(plan, request, args.dry_run)), file=out, flush=True)
    if not args.dry_run:
        try:
            execute(plan.steps, sys.stderr)
        except StepError as exc:
            print(f"trt_prepare: error: {exc}", file=sys.stderr)
            return 1
    if plan.serve is not None:
        print(f"{plan.serve[0]}={plan.serve[1]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
