#!/usr/bin/env python3
"""Prepare a chat model for ``--vllm 4bit``: quantize it to AWQ (W4A16) once, or use it as it is.

Run from the repository root with the Python that serves (Cadence installed)::

    python scripts/vllm_quantize.py Qwen/Qwen3-8B               # what vllm_prepare_chat runs
    python scripts/vllm_quantize.py Qwen/Qwen3-8B --dry-run     # the plan only

A model that is already quantized (by its config files or its name: the
engine's detection) is served as it is. Otherwise llm-compressor, in the
Python named by ``AWQ_PYTHON``, writes ``$AWQ_CACHE_DIR/<model-label>-w4a16/``
with ``awq_metadata.json`` and ``README.md``; a matching export is reused
(``FORCE_REBUILD=true`` rebuilds it). Calibration: ``AWQ_CALIB_DATASET``
(open_platypus), ``AWQ_NSAMPLES`` (64), ``AWQ_SEQLEN`` (2048).

``--dry-run`` prints the plan and changes nothing (reading a hub repo's
config files may fill the Hugging Face cache). The last stdout line is
``CHAT_MODEL=<what vLLM serves>``; everything else goes to stderr, except a
dry run's plan. Exit status: 0 done, 1 a step failed, 2 nothing could be
planned, 3 llm-compressor is missing for ``AWQ_PYTHON`` (install
requirements-vllm-quant.txt there and run again).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping

from trtprep.metadata import MetadataError
from vllmprep.detect import Fetch, detect, hub_config_folder
from vllmprep.plan import SERVE_ENV, Request, make_plan
from vllmprep.runner import StepError, execute, render
from vllmprep.settings import ConfigError, load_settings
from vllmprep.versions import QuantEnvError, Versions, probe_versions, require_installed

NEEDS_QUANT_ENV = 3


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vllm_quantize.py", description=__doc__.split("\n", 1)[0])
    parser.add_argument("model", help="Hugging Face model id or local folder")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ,
         fetch: Fetch = hub_config_folder) -> int:
    """Plan, print, run; the exit statuses of the module docstring."""
    args = _parse(argv)
    try:
        settings = load_settings(environ)
        detection = detect(args.model, fetch)
        versions = (Versions(settings.python, {}, installed=False) if detection.method is not None
                    else probe_versions(settings.python))
        request = Request(args.model, settings, detection, versions,
                          created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        plan = make_plan(request)
    except (ConfigError, MetadataError) as exc:
        print(f"vllm_quantize: error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout if args.dry_run else sys.stderr
    print("\n".join(render(plan, request, args.dry_run)), file=out, flush=True)
    if not args.dry_run and plan.steps:
        try:
            if plan.quantizes:
                require_installed(versions)
            execute(plan.steps, sys.stderr)
        except QuantEnvError as exc:
            print(f"vllm_quantize: error: {exc}", file=sys.stderr)
            return NEEDS_QUANT_ENV
        except StepError as exc:
            print(f"vllm_quantize: error: {exc}", file=sys.stderr)
            return 1
    print(f"{SERVE_ENV}={plan.serve}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
