"""Shared pieces of the e2e clients: flags, environment, metrics, reports.

Importing this module puts ``src/`` on ``sys.path``, so the clients run as
plain scripts (``python tests/e2e/warmup.py``) without installing the
package. Environment variables (flags win): ``SERVER_WS_URL`` (default
``ws://127.0.0.1:8000/ws``), ``TEXT_API_KEY``, ``RECV_TIMEOUT_SEC`` (60),
``GENDER`` (``female``/``male``, aliases ``woman``/``man``), ``PERSONALITY``
(``wholesome``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

_SRC = Path(__file__).resolve().parents[2] / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from cadence.client import (  # noqa: E402
    CadenceClient,
    ClientError,
    ReconnectPolicy,
    Summary,
    TokenFrame,
    Turn,
    TurnResult,
    normalize_url,
    redact,
    summarize,
)

DEFAULT_URL = "ws://127.0.0.1:8000/ws"
GENDER_ALIASES = {"female": "female", "woman": "female", "f": "female",
                  "male": "male", "man": "male", "m": "male"}

#: Report rows: (JSON key, label, how to get the values from results).
METRICS: tuple[tuple[str, str], ...] = (
    ("ttft_ms", "TTFT"),
    ("tpot_ms", "TPOT"),
    ("itl_ms", "ITL"),
    ("e2e_ms", "E2E"),
    ("toolcall_ms", "TOOLCALL"),
    ("first_3_words_ms", "3-WORDS"),
    ("first_sentence_ms", "SENTENCE"),
)


def env_float(name: str, default: float) -> float:
    """A float environment variable, ``default`` when unset or empty."""
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def gender(value: str) -> str:
    """``female``/``male`` from a flag or env value (argparse type)."""
    try:
        return GENDER_ALIASES[value.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"gender must be female or male, not {value!r}") from None


def base_parser(description: str, message: bool = True,
                timeout_help: str | None = None, timeout: float | None = None) -> argparse.ArgumentParser:
    """A parser with the flags every client shares; ``timeout``/``timeout_help``
    replace the ``--timeout`` default (``RECV_TIMEOUT_SEC``, 60) and its help."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--server", default=os.environ.get("SERVER_WS_URL", DEFAULT_URL),
                        help="WebSocket URL (SERVER_WS_URL; /ws is appended when missing)")
    parser.add_argument("--api-key", default=os.environ.get("TEXT_API_KEY"),
                        help="API key (TEXT_API_KEY)")
    parser.add_argument("--timeout", type=float,
                        default=env_float("RECV_TIMEOUT_SEC", 60.0) if timeout is None else timeout,
                        help=timeout_help or "receive timeout in seconds (RECV_TIMEOUT_SEC, default 60)")
    parser.add_argument("--gender", type=gender, default=os.environ.get("GENDER", "female"),
                        help="female or male (GENDER; aliases woman, man)")
    parser.add_argument("--personality", default=os.environ.get("PERSONALITY", "wholesome"),
                        help="personality key (PERSONALITY, default wholesome)")
    if message:
        parser.add_argument("message", nargs="*", help="message to send (default: a built-in one)")
    return parser


def add_sampling_args(parser: argparse.ArgumentParser) -> None:
    """``--temperature``, ``--top_p``, ``--top_k``, ``--max-tokens``."""
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--top_p", "--top-p", dest="top_p", type=float)
    parser.add_argument("--top_k", "--top-k", dest="top_k", type=int)
    parser.add_argument("--max-tokens", "--max_tokens", dest="max_tokens", type=int)


def sampling(args: argparse.Namespace) -> dict[str, float | int]:
    """The ``sampling`` object from the parsed sampling flags (unset ones left out)."""
    keys = ("temperature", "top_p", "top_k", "max_tokens")
    return {k: v for k in keys if (v := getattr(args, k, None)) is not None}


def message_text(args: argparse.Namespace, default: str) -> str:
    """The positional message, or ``default``."""
    words = getattr(args, "message", None) or []
    return " ".join(words).strip() or default


def make_client(args: argparse.Namespace, **kwargs: Any) -> CadenceClient:
    """A client for ``args.server`` with the key and timeout from ``args``."""
    kwargs.setdefault("reconnect", ReconnectPolicy(max_attempts=3))
    kwargs.setdefault("recv_timeout", args.timeout)
    return CadenceClient(args.server, api_key=args.api_key, **kwargs)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when installed (as on the server: less client overhead)."""
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run an async main (on uvloop when installed); client errors become
    exit status 1 with a message."""
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(main())
    except ClientError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, TimeoutError) as exc:
        print(f"error: cannot reach the server: {exc!r}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def stream(turn: Turn, out: TextIO | None = None) -> TurnResult:
    """Print a turn's tokens as they arrive (to stdout by default); returns its result."""
    out = out or sys.stdout
    async for frame in turn:
        if isinstance(frame, TokenFrame):
            out.write(frame.text)
            out.flush()
    out.write("\n")
    return await turn.result()


def fmt_ms(value: float | None) -> str:
    """``123ms`` or ``-``."""
    return "-" if value is None else f"{value:.0f}ms"


def describe(result: TurnResult) -> str:
    """One line: outcome, timings and token counts of a turn."""
    t, u = result.timings, result.usage
    parts = [f"[{result.outcome}]"]
    if result.error is not None:
        parts.append(f"code={result.error.code} ({result.error.message})")
    if result.cancel_reason:
        parts.append(f"reason={result.cancel_reason}")
    parts += [f"tool={fmt_ms(t.toolcall_ms)}", f"ttfb={fmt_ms(t.ttft_ms)}",
              f"3w={fmt_ms(t.first_3_words_ms)}", f"sent={fmt_ms(t.first_sentence_ms)}",
              f"total={fmt_ms(t.total_ms)}"]
    if u is not None:
        parts.append(f"tokens={u.completion_tokens} prompt={u.prompt_tokens} cached={u.cached_prompt_tokens}")
    return " ".join(parts)


def metric_values(results: Iterable[TurnResult]) -> dict[str, list[float]]:
    """Samples of every metric in :data:`METRICS`, from completed turns only.

    TPOT is one value per turn with at least two output tokens; ITL pools
    the gaps between token frames of every turn (as vLLM does).
    """
    values: dict[str, list[float]] = {key: [] for key, _ in METRICS}
    for r in results:
        if not r.ok or r.ack is not None:
            continue
        t = r.timings
        for key, value in (("ttft_ms", t.ttft_ms), ("tpot_ms", t.tpot_ms(r.output_tokens)),
                           ("e2e_ms", t.total_ms), ("toolcall_ms", t.toolcall_ms),
                           ("first_3_words_ms", t.first_3_words_ms),
                           ("first_sentence_ms", t.first_sentence_ms)):
            if value is not None:
                values[key].append(value)
        values["itl_ms"].extend(t.itl_ms)
    return values


def summaries(results: Iterable[TurnResult]) -> dict[str, Summary]:
    """:func:`summarize` of every metric."""
    return {key: summarize(vals) for key, vals in metric_values(results).items()}


def summary_row(label: str, s: Summary, width: int = 9) -> str:
    """``TTFT avg= 110ms p50= 109ms ... (n=5)``."""
    if s.n == 0:
        return f"{label:>{width}}  (no samples)"
    cells = [f"{name}={value:7.1f}ms" for name, value in
             (("avg", s.avg), ("p50", s.p50), ("p90", s.p90), ("p95", s.p95), ("p99", s.p99))
             if value is not None]
    return f"{label:>{width}}  " + "  ".join(cells) + f"  (n={s.n})"


def latency_summary(first: TurnResult | None, rest: Sequence[TurnResult],
                    rows: Sequence[tuple[str, str]] = (("ttft_ms", "TTFB"), ("first_3_words_ms", "3-WORDS"),
                                                       ("first_sentence_ms", "SENTENCE"))) -> str:
    """The multi-turn summary: the first turn apart (it pays the prefill),
    averages and percentiles over the other turns only."""
    lines = [banner("LATENCY SUMMARY")]
    if first is not None:
        t = first.timings
        lines.append(f"  FIRST  (includes prefill)  ttfb={fmt_ms(t.ttft_ms)}  "
                     f"3w={fmt_ms(t.first_3_words_ms)}  sent={fmt_ms(t.first_sentence_ms)}")
    stats = summaries(rest)
    lines += [summary_row(label, stats[key]) for key, label in rows]
    return "\n".join(lines)


def banner(title: str, width: int = 45) -> str:
    """``─────[ TITLE ]─────``."""
    return f"[ {title} ]".center(width, "─")


def show_server(args: argparse.Namespace) -> str:
    """The server URL, safe to print."""
    return redact(normalize_url(args.server))


def dump_counts(counts: Mapping[str, int]) -> str:
    """``a=1 b=2`` for non-zero counts."""
    return " ".join(f"{k}={v}" for k, v in sorted(counts.items()) if v) or "none"


__all__ = [
    "DEFAULT_URL",
    "METRICS",
    "add_sampling_args",
    "banner",
    "base_parser",
    "describe",
    "dump_counts",
    "env_float",
    "fmt_ms",
    "gender",
    "latency_summary",
    "make_client",
    "message_text",
    "metric_values",
    "run",
    "sampling",
    "show_server",
    "stream",
    "summaries",
    "summary_row",
]
