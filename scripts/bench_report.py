"""Tables for ``scripts/bench_server.py``: every row, and a summary over repeats.

The summary gives, per server and session count, the median over repeats
and the spread (min-max) of server CPU per frame, and the ratio of each
server's CPU per frame to Cadence's *within the same repeat* (the number to
trust on a noisy machine), then medians of the rest.

    .venv/bin/python scripts/bench_report.py results.json   # summary of a saved run
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path

import orjson

Row = dict[str, object]

COLUMNS = (
    "server", "sessions", "repeat", "server_us_per_frame", "server_user_us_per_frame",
    "server_sys_us_per_frame", "frames_per_s", "tokens_per_s", "server_core_busy",
    "client_us_per_frame", "client_core_busy", "tpot_ms_p50", "tpot_ms_p95", "tpot_ms_p99",
    "gap_ms_p99", "ttft_ms_p50", "ttft_ms_p95", "ttft_ms_p99", "bad_turns",
)
MEDIANS = (
    "frames_per_s", "server_core_busy", "client_us_per_frame", "client_core_busy",
    "tpot_ms_p50", "tpot_ms_p95", "tpot_ms_p99", "ttft_ms_p50", "ttft_ms_p95", "ttft_ms_p99",
)


def header(columns: tuple[str, ...] = COLUMNS) -> str:
    """A markdown table header."""
    return "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)


def format_row(row: Row) -> str:
    """One markdown table row of every column."""
    return "| " + " | ".join(str(row[column]) for column in COLUMNS) + " |"


def _num(row: Row, key: str) -> float:
    value = row[key]
    assert isinstance(value, int | float), (key, value)
    return float(value)


def summary(rows: list[Row]) -> str:
    """The summary table (see the module docstring)."""
    groups: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(int(_num(row, "sessions")), str(row["server"]))].append(row)
    cadence_us = {
        (int(_num(row, "sessions")), int(_num(row, "repeat"))): _num(row, "server_us_per_frame")
        for row in rows if row["server"] == "cadence"
    }
    columns = ("sessions", "server", "us/frame median", "us/frame min-max", "x cadence (same repeat)",
               "sys us/frame", *MEDIANS, "bad turns")
    lines = [header(columns)]
    for (sessions, server), group in sorted(groups.items(), key=lambda item: item[0]):
        us = [_num(row, "server_us_per_frame") for row in group]
        ratios = [
            _num(row, "server_us_per_frame") / cadence_us[key]
            for row in group if (key := (sessions, int(_num(row, "repeat")))) in cadence_us
        ]
        cells = [
            str(sessions), server, f"{statistics.median(us):.1f}", f"{min(us):.1f}-{max(us):.1f}",
            f"{statistics.median(ratios):.2f}" if ratios else "-",
            f"{statistics.median(_num(row, 'server_sys_us_per_frame') for row in group):.1f}",
            *(f"{statistics.median(_num(row, key) for row in group):g}" for key in MEDIANS),
            str(sum(int(_num(row, "bad_turns")) for row in group)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(orjson.loads(Path(sys.argv[1]).read_bytes())))
