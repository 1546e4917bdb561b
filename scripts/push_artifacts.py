#!/usr/bin/env python3
"""Upload a quantized export or a TensorRT-LLM engine to Hugging Face.

Run from the repository root (scripts/lib/push.sh's ``push_artifacts`` finds
the folder from what the preparation exported)::

    python scripts/push_artifacts.py --push-quant .awq/Qwen--Qwen3-8B-w4a16
    python scripts/push_artifacts.py --push-engine models/trt/<label>/engine --dry-run
    python scripts/push_artifacts.py --push-quant --check      # the variables only

``--push-quant`` creates ``HF_PUSH_REPO_ID`` if needed (private unless
``HF_PUSH_PRIVATE=0``) and uploads the AWQ export or TensorRT-LLM checkpoint
to its root (an engine folder: its checkpoint to the root, the engine to
``engines/<label>/``). ``--push-engine`` adds an engine to ``engines/<label>/``
of a repo that exists. The two are mutually exclusive. ``HF_TOKEN`` (write
access) and ``HF_PUSH_REPO_ID`` are required. ``--dry-run`` prints the plan and
uploads nothing. Exit status: 0 done, 1 an upload failed, 2 not possible as asked.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from hfpush.settings import ConfigError, load_push_settings
from hfpush.targets import PushError, plan_push
from hfpush.upload import MakeApi, default_api, push, render


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="push_artifacts.py", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--push-quant", metavar="PATH", nargs="?", const="",
                        help="an AWQ export or TensorRT-LLM checkpoint (or engine folder) to the repo's root")
    parser.add_argument("--push-engine", metavar="PATH", nargs="?", const="",
                        help="a TensorRT engine folder into engines/<label>/ of an existing repo")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and upload nothing")
    parser.add_argument("--check", action="store_true", help="only check HF_TOKEN, HF_PUSH_REPO_ID, HF_PUSH_PRIVATE")
    args = parser.parse_args(argv)
    if args.push_quant is not None and args.push_engine is not None:
        parser.error("--push-quant and --push-engine are mutually exclusive: push the checkpoint with "
                     "--push-quant (an engine folder brings its engine along), or add an engine with --push-engine")
    if args.push_quant is None and args.push_engine is None:
        parser.error("one of --push-quant PATH or --push-engine PATH is required")
    args.mode = "--push-quant" if args.push_quant is not None else "--push-engine"
    args.path = args.push_quant if args.push_quant is not None else args.push_engine
    if not args.path and not args.check:
        parser.error(f"{args.mode} needs the folder to upload")
    return args


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ,
         make_api: MakeApi = default_api) -> int:
    """Check, plan, print, upload; the exit statuses of the module docstring."""
    args = _parse(argv)
    try:
        settings = load_push_settings(environ, args.mode)
        if args.check:
            print(f"push_artifacts: {args.mode} to {settings.repo_id} "
                  f"({'private' if settings.private else 'public'}): variables OK", file=sys.stderr)
            return 0
        plan = plan_push(args.mode, Path(args.path), dry_run=args.dry_run)
    except (ConfigError, PushError) as exc:
        print(f"push_artifacts: error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout if args.dry_run else sys.stderr
    print("\n".join(render(plan, settings, args.dry_run)), file=out, flush=True)
    if args.dry_run:
        return 0
    try:
        urls = push(plan, settings, sys.stderr, make_api)
    except PushError as exc:
        print(f"push_artifacts: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # huggingface_hub's HTTP and validation errors
        print(f"push_artifacts: error: the upload failed ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    for url in urls:
        print(f"push_artifacts: uploaded {url}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
