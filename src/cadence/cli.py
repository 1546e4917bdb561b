"""The ``cadence`` command: ``serve``, ``models``, ``tool``, ``sanitize``.

Subcommands other than ``serve`` live with the code they drive; this module
only routes to them, so ``cadence serve`` never imports what it does not use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def _serve(argv: list[str]) -> int:
    from cadence.serve import main as serve_main

    return serve_main(argv)


def _models(argv: list[str]) -> int:
    from cadence.models.cli import main as models_main

    return models_main(argv)


def _tool(argv: list[str]) -> int:
    from cadence.tools.cli import main as tool_main

    return tool_main(argv)


def _sanitize(argv: list[str]) -> int:
    from cadence.sanitize.cli import main as sanitize_main

    return sanitize_main(argv)


COMMANDS: dict[str, tuple[Callable[[list[str]], int], str]] = {
    "serve": (_serve, "run the WebSocket server"),
    "models": (_models, "prepare the default models (models prepare)"),
    "tool": (_tool, "train or evaluate the screenshot-intent classifier"),
    "sanitize": (_sanitize, "turn text on stdin into speakable text"),
}


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; return its exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        parser = argparse.ArgumentParser(prog="cadence", description="Cadence voice inference server")
        parser.add_argument("command", choices=sorted(COMMANDS))
        if args and args[0] not in ("-h", "--help"):
            parser.error(f"unknown command {args[0]!r}")
        parser.print_help()
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:10s} {text}")
        return 0 if args else 2
    command, _ = COMMANDS[args[0]]
    return command(args[1:])


__all__ = ["main"]
