"""The bench report: counts, throughput and latency summaries as JSON and text.

Shared by ``bench.py`` and ``history.py --bench``; docs/CLIENTS.md explains
every key ("Reading bench.py --json").
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import common

from cadence.client import Outcome, TurnResult, summarize

SCHEMA = "cadence-bench/1"


@dataclasses.dataclass(slots=True)
class Transaction:
    """One connection's work: its turns, or why it failed before or between them."""

    turns: list[TurnResult] = dataclasses.field(default_factory=list)
    connect_ms: float | None = None
    failure: str | None = None  # "timeout", "connect:<code>", ... when no turn result says it

    @property
    def ok(self) -> bool:
        """Every turn completed and nothing failed."""
        return self.failure is None and bool(self.turns) and all(t.ok for t in self.turns)


def _failure_codes(transactions: Sequence[Transaction]) -> Counter[str]:
    codes: Counter[str] = Counter()
    for tx in transactions:
        if tx.failure is not None:
            codes[tx.failure] += 1
        for turn in tx.turns:
            if turn.outcome is Outcome.ERROR:
                codes[turn.error_code or "error"] += 1
            elif turn.outcome is Outcome.DISCONNECTED:
                codes[f"disconnected:{turn.close[0] if turn.close else 1006}"] += 1
    return codes


def _counts(transactions: Sequence[Transaction], codes: Counter[str]) -> dict[str, int]:
    turns = [t for tx in transactions for t in tx.turns]
    return {
        "transactions": len(transactions),
        "completed": sum(tx.ok for tx in transactions),
        "failed": sum(not tx.ok for tx in transactions),
        "turns": len(turns),
        "turns_ok": sum(t.ok for t in turns),
        "errors": sum(codes.values()),
        "cancelled": sum(t.outcome is Outcome.CANCELLED for t in turns),
        "timeouts": codes.get("timeout", 0),
        "disconnected": sum(v for k, v in codes.items() if k.startswith("disconnected")),
    }


def _throughput(turns: Sequence[TurnResult], transactions: int, duration: float) -> dict[str, float | int]:
    done = [t for t in turns if t.ok and t.usage is not None]
    out_tokens = sum(t.output_tokens for t in done)
    span = max(duration, 1e-9)
    return {
        "transactions_per_s": round(transactions / span, 3),
        "turns_per_s": round(len(done) / span, 3),
        "output_tokens_per_s": round(out_tokens / span, 3),
        "output_tokens": out_tokens,
        "prompt_tokens": sum(t.usage.prompt_tokens for t in done if t.usage is not None),
        "cached_prompt_tokens": sum(t.usage.cached_prompt_tokens for t in done if t.usage is not None),
    }


def metrics_block(turns: Sequence[TurnResult]) -> dict[str, dict[str, Any]]:
    """Summaries of every latency metric over ``turns`` (completed ones only)."""
    block = {key: s.as_dict() for key, s in common.summaries(turns).items()}
    server = [t.timings.server.ttft_ms for t in turns if t.ok and t.timings.server is not None]
    block["server_ttft_ms"] = summarize(server).as_dict()
    return block


def build(tool: str, config: dict[str, Any], transactions: Sequence[Transaction], duration: float,
          phases: Mapping[str, Sequence[TurnResult]] | None = None,
          measured: Sequence[TurnResult] | None = None) -> dict[str, Any]:
    """The JSON report (schema ``cadence-bench/1``); ``metrics`` summarize
    ``measured`` turns (default: every turn), ``phases`` named subsets."""
    turns = [t for tx in transactions for t in tx.turns]
    codes = _failure_codes(transactions)
    metrics = metrics_block(turns if measured is None else measured)
    metrics["connect_ms"] = summarize(tx.connect_ms for tx in transactions).as_dict()
    return {
        "schema": SCHEMA,
        "tool": tool,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "config": config,
        "duration_s": round(duration, 3),
        "counts": _counts(transactions, codes),
        "error_codes": dict(sorted(codes.items())),
        "throughput": _throughput(turns, len(transactions), duration),
        "metrics": metrics,
        "phases": {name: metrics_block(ts) for name, ts in (phases or {}).items()} or None,
    }


def _row(label: str, s: dict[str, Any]) -> str:
    if not s["n"]:
        return f"  {label:<16}{'-':>9}"
    cells = "".join(f"{s[k]:9.1f}" for k in ("avg", "p50", "p90", "p95", "p99"))
    return f"  {label:<16}{cells}{s['n']:>8}"


_LABELS = dict(common.METRICS) | {"server_ttft_ms": "SERVER TTFT", "connect_ms": "CONNECT"}


def render(report: dict[str, Any]) -> str:
    """The human-readable report."""
    cfg, counts, tp = report["config"], report["counts"], report["throughput"]
    lines = [common.banner(f"{report['tool']} RESULT", 64),
             f"  server {cfg['server']}  transactions={cfg['transactions']} concurrency={cfg['concurrency']}",
             f"  completed={counts['completed']}/{counts['transactions']}  errors={counts['errors']}"
             f"  cancelled={counts['cancelled']}  timeouts={counts['timeouts']}"
             f"  codes: {common.dump_counts(report['error_codes'])}",
             f"  duration={report['duration_s']:.2f}s  {tp['transactions_per_s']:.1f} tx/s"
             f"  {tp['turns_per_s']:.1f} turns/s  {tp['output_tokens_per_s']:.0f} output tok/s",
             f"  {'metric (ms)':<16}{'avg':>9}{'p50':>9}{'p90':>9}{'p95':>9}{'p99':>9}{'n':>8}"]
    lines += [_row(_LABELS[key], s) for key, s in report["metrics"].items()]
    for phase, block in (report["phases"] or {}).items():
        lines.append(f"  -- {phase} --")
        lines += [_row(_LABELS[key], block[key]) for key in ("ttft_ms", "first_3_words_ms", "e2e_ms")]
    return "\n".join(lines)


def histogram(path: str, turns: Sequence[TurnResult]) -> str:
    """Write a TTFT / end-to-end latency histogram PNG; returns what happened."""
    try:
        import matplotlib  # type: ignore[import-not-found,unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "histogram skipped: matplotlib is not installed (pip install matplotlib)"
    values = common.metric_values(turns)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
    for ax, key in zip(axes, ("ttft_ms", "first_3_words_ms", "e2e_ms"), strict=True):
        ax.hist(values[key] or [0.0], bins=30)
        ax.set_title(f"{_LABELS[key]} (ms), n={len(values[key])}")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return f"histogram written to {path}"


def emit(report: dict[str, Any], json_target: str | None) -> None:
    """Print the report; ``json_target`` ``-`` prints only JSON on stdout,
    a path writes the JSON there as well as the text report."""
    import orjson

    data = orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()
    if json_target == "-":
        print(data)
        return
    print(render(report))
    if json_target:
        Path(json_target).parent.mkdir(parents=True, exist_ok=True)
        Path(json_target).write_text(data + "\n", encoding="utf-8")
        print(f"JSON report written to {json_target}", file=sys.stderr)


__all__ = ["SCHEMA", "Transaction", "build", "emit", "histogram", "metrics_block", "render"]
