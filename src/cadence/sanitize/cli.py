"""``cadence sanitize [--chunk N]``: print standard input as speakable text.

Reads all of standard input (UTF-8), sanitizes it with the default rules and
writes the result and a newline to standard output. With ``--chunk N`` the
text is fed in pieces of N characters, as a model stream would be; the
output is the same by design, which makes this a quick manual check.
"""

from __future__ import annotations

import argparse
import sys

from cadence.sanitize.config import SanitizerConfig
from cadence.sanitize.sanitizer import Sanitizer


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cadence sanitize``."""
    parser = argparse.ArgumentParser(
        prog="cadence sanitize",
        description="Print standard input as text a TTS can say well.",
    )
    parser.add_argument(
        "--chunk",
        type=_positive,
        metavar="N",
        help="feed the text in chunks of N characters (default: all at once)",
    )
    parser.add_argument(
        "--prefix",
        action="append",
        default=[],
        metavar="TEXT",
        help="a control prefix to strip at the start (repeatable)",
    )
    return parser


def sanitize_chunked(text: str, chunk: int | None, config: SanitizerConfig) -> str:
    """Sanitize ``text`` fed in pieces of ``chunk`` characters (None: at once)."""
    sanitizer = Sanitizer(config)
    size = chunk or max(len(text), 1)
    out = [sanitizer.feed(text[i : i + size]) for i in range(0, len(text), size)]
    out.append(sanitizer.flush())
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run ``cadence sanitize``; ``argv`` are the arguments after ``sanitize``.

    Returns the exit status (0). Raises SystemExit(2) on bad arguments.
    """
    args = build_parser().parse_args(argv)
    config = SanitizerConfig(control_prefixes=tuple(args.prefix))
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    result = sanitize_chunked(text, args.chunk, config)
    sys.stdout.buffer.write((result + "\n").encode("utf-8"))
    sys.stdout.flush()
    return 0


__all__ = ["build_parser", "main", "sanitize_chunked"]

if __name__ == "__main__":
    raise SystemExit(main())
