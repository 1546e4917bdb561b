"""Server CPU per token frame: Cadence (echo engine) against two minimal relays.

Every server under test runs as a subprocess pinned to one core
(``taskset -c 0``); this process pins itself to another core and drives a
light load client (``scripts/bench_wsload.py``). For each server and
session count it opens the sessions, runs one warm-up turn on each, then
measures ``--turns`` turns per session, all sessions at once, back to back:

- server CPU (the scheduler's on-CPU time of the server's pid) divided by
  the ``token`` frames the client received, in microseconds;
- token frames and tokens per second of wall time;
- latency: time to the first ``token`` after ``start`` (TTFT), the gap
  between consecutive ``token`` frames of a turn, and the turn time;
- the load client's own CPU, per frame and as a share of its core.

Servers are measured in turn, interleaved, ``--repeat`` times; compare them
within a repeat (ratios), since this machine is shared and noisy::

    .venv/bin/python scripts/bench_server.py --sessions 1,32,256 --repeat 3 --json out.json

``--tokens-per-second 50`` paces the echo engine as a model would (Cadence
servers only): the latency columns then show what the server adds at a
real token rate, for instance ``cadence`` against ``cadence-base``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import format_row, header, summary
from bench_wsload import Stats, open_sessions

ROOT = Path(__file__).resolve().parent.parent
RELAYS = ROOT / "scripts" / "bench_relays"
API_KEY = "bench-key"
SERVERS = ("cadence", "cadence-raw", "cadence-base", "cadence-base-raw", "cadence-otel", "fastapi", "aiohttp",
           "sansio")
PORTS = {name: 18100 + index for index, name in enumerate(SERVERS)}


def server_command(name: str, port: int, reply_tokens: int) -> list[str]:
    """The command line that runs server ``name``."""
    if name.startswith("cadence"):
        return [sys.executable, "-m", "cadence", "serve", "--engine", "echo", "--port", str(port)]
    script = RELAYS / f"{name}_relay.py"
    return [sys.executable, str(script), "--port", str(port), "--reply-tokens", str(reply_tokens)]


def server_env(reply_tokens: int, max_sessions: int, tokens_per_second: float = 0.0) -> dict[str, str]:
    """Cadence's settings for the bench: echo at full speed (or paced), limits raised."""
    return {
        **os.environ,
        "TEXT_API_KEY": API_KEY,
        "HOST": "127.0.0.1",
        "ECHO_TOKENS_PER_SECOND": str(tokens_per_second),
        "ECHO_REPLY_TOKENS": str(reply_tokens),
        "CHAT_MAX_OUT": str(max(150, reply_tokens)),
        "MAX_CONCURRENT_CONNECTIONS": str(max_sessions + 64),
        "WS_MAX_MESSAGES_PER_WINDOW": "0",
        "WS_MAX_CANCELS_PER_WINDOW": "0",
    }


def variant_env(name: str, args: argparse.Namespace) -> dict[str, str]:
    """``-raw``: the speech sanitizer off; ``-base``: Cadence from ``--baseline-src``;
    ``-otel``: traces and metrics exported to ``--otlp-endpoint`` (every 1 s)."""
    extra = {"SANITIZE_OUTPUT": "false"} if name.endswith("-raw") else {}
    if name == "cadence-otel":
        extra.update(OTEL_EXPORTER_OTLP_ENDPOINT=args.otlp_endpoint, OTEL_TRACES_EXPORT_INTERVAL_MS="1000",
                     OTEL_METRICS_EXPORT_INTERVAL_MS="1000")
    if name.startswith("cadence-base"):
        extra["PYTHONPATH"] = str(args.baseline_src)
    return extra


@contextlib.contextmanager
def servers(names: list[str], args: argparse.Namespace, logs: Path) -> Iterator[dict[str, int]]:
    """Start the servers pinned to ``--server-core``; yield their pids."""
    env = server_env(args.reply_tokens, max(args.sessions), args.tokens_per_second)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in names:
            command = ["taskset", "-c", str(args.server_core), *server_command(name, PORTS[name], args.reply_tokens)]
            with open(logs / f"{name}.log", "wb") as log:
                procs[name] = subprocess.Popen(
                    command, env={**env, **variant_env(name, args)}, cwd=ROOT, stdout=log, stderr=log
                )
        yield {name: proc.pid for name, proc in procs.items()}
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()


async def wait_ready(name: str, reply_tokens: int, deadline: float) -> None:
    """Retry one session with one turn until the server answers."""
    while True:
        try:
            await measure(name, 1, 1, reply_tokens, pid=None)
            return
        except (OSError, RuntimeError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


def cpu_of(pid: int | None) -> tuple[float, float, float]:
    """(on-CPU, user, system) seconds of ``pid``; zeros for ``None``.

    The on-CPU time sums the scheduler's nanosecond runtime of every thread
    (``/proc/PID/task/*/schedstat``); the user/system split comes from the
    tick-sampled ``utime``/``stime`` of ``/proc/PID/stat`` (10 ms ticks), so
    it is only a ratio.
    """
    if pid is None:
        return 0.0, 0.0, 0.0
    runtime = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            runtime += int((task / "schedstat").read_text().split()[0])
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return runtime / 1e9, int(fields[11]) / ticks, int(fields[12]) / ticks


async def measure(name: str, sessions: int, turns: int, reply_tokens: int, pid: int | None) -> dict[str, object]:
    """One measurement: ``sessions`` sessions run ``turns`` turns each."""
    path = f"/ws?api_key={API_KEY}" if name.startswith("cadence") else "/ws"
    stats = Stats()
    opened = await open_sessions("127.0.0.1", PORTS[name], path, sessions, stats, reply_tokens)
    try:
        await asyncio.gather(*(session.run_turns(1) for session in opened))
        stats = Stats()
        for session in opened:
            session.stats = stats
        before = cpu_of(pid)
        client0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(session.run_turns(turns) for session in opened))
        wall = time.perf_counter() - wall0
        client_cpu = time.process_time() - client0
        after = cpu_of(pid)
    finally:
        for session in opened:
            session.close()
    server_cpu = tuple(b - a for a, b in zip(before, after, strict=True))
    return summarize(name, sessions, turns, stats, wall, server_cpu, client_cpu)


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values`` in milliseconds."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)


def summarize(
    name: str, sessions: int, turns: int, stats: Stats, wall: float,
    server_cpu: tuple[float, ...], client_cpu: float,
) -> dict[str, object]:
    """One result row; the user/system split of the on-CPU time is tick-sampled."""
    frames = max(stats.token_frames, 1)
    total, ticks_user, ticks_sys = server_cpu
    user = total * ticks_user / max(ticks_user + ticks_sys, 1e-9)
    system = total - user
    return {
        "server": name, "sessions": sessions, "turns_per_session": turns, "turns": stats.turns,
        "bad_turns": stats.bad_turns, "token_frames": stats.token_frames, "tokens": stats.tokens,
        "wall_s": round(wall, 3),
        "frames_per_s": round(stats.token_frames / wall), "tokens_per_s": round(stats.tokens / wall),
        "server_us_per_frame": round(total / frames * 1e6, 2),
        "server_us_per_token": round(total / max(stats.tokens, 1) * 1e6, 2),
        "server_user_us_per_frame": round(user / frames * 1e6, 2),
        "server_sys_us_per_frame": round(system / frames * 1e6, 2),
        "server_core_busy": round(total / wall, 3),
        "client_us_per_frame": round(client_cpu / frames * 1e6, 2),
        "client_core_busy": round(client_cpu / wall, 3),
        **{f"gap_ms_p{q}": pct(stats.gaps, q / 100) for q in (50, 95, 99)},
        **{f"ttft_ms_p{q}": pct(stats.ttft, q / 100) for q in (50, 95, 99)},
        **{f"turn_ms_p{q}": pct(stats.turn_ms, q / 100) for q in (50, 95, 99)},
        **{f"tpot_ms_p{q}": pct(stats.tpot, q / 100) for q in (50, 95, 99)},
    }


def turns_for(args: argparse.Namespace, sessions: int) -> int:
    """``--turns``, or enough turns for about ``--frames`` token frames."""
    if args.turns:
        return int(args.turns)
    return max(3, math.ceil(int(args.frames) / (sessions * int(args.reply_tokens))))


async def run_all(args: argparse.Namespace, pids: dict[str, int]) -> list[dict[str, object]]:
    """Every repeat, session count and server, interleaved."""
    deadline = time.monotonic() + 60
    for name in pids:
        await wait_ready(name, args.reply_tokens, deadline)
    results: list[dict[str, object]] = []
    for repeat in range(args.repeat):
        for sessions in args.sessions:
            for name, pid in pids.items():
                row = await measure(name, sessions, turns_for(args, sessions), args.reply_tokens, pid)
                row["repeat"] = repeat
                results.append(row)
                print(format_row(row), flush=True)
                await asyncio.sleep(args.pause)
    return results


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,32,256", help="comma-separated session counts")
    parser.add_argument("--turns", type=int, default=0, help="turns per session (0: about --frames frames)")
    parser.add_argument("--frames", type=int, default=60000, help="token frames per measurement when --turns is 0")
    parser.add_argument("--reply-tokens", type=int, default=40, help="tokens per reply (ECHO_REPLY_TOKENS)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--servers", default="cadence,cadence-raw,fastapi,aiohttp,sansio",
        help=f"any of {', '.join(SERVERS)} (-raw: SANITIZE_OUTPUT=false; -base: from --baseline-src)",
    )
    parser.add_argument(
        "--tokens-per-second", type=float, default=0.0,
        help="pace the echo engine like a model (Cadence servers only; 0: unlimited, the CPU benchmark)",
    )
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between measurements")
    parser.add_argument("--json", type=Path, help="write every result row here")
    parser.add_argument("--otlp-endpoint", default="http://127.0.0.1:4318",
                        help="the OTLP/HTTP collector of the cadence-otel server")
    parser.add_argument(
        "--baseline-src", type=Path,
        help="a copy of src/ to run the cadence-base servers from (PYTHONPATH), for before/after",
    )
    args = parser.parse_args(argv)
    args.sessions = [int(part) for part in args.sessions.split(",")]
    args.servers = args.servers.split(",")
    unknown = set(args.servers) - set(SERVERS)
    if unknown or (not args.baseline_src and any("-base" in name for name in args.servers)):
        parser.error(f"unknown servers {sorted(unknown)}, or a -base server without --baseline-src")
    if args.tokens_per_second and not all(name.startswith("cadence") for name in args.servers):
        parser.error("--tokens-per-second paces the echo engine: Cadence servers only (the relays do not pace)")
    return args


def main(argv: list[str]) -> int:
    """Run the benchmark; print a markdown table, optionally write JSON."""
    args = parse_args(argv)
    os.sched_setaffinity(0, {args.client_core})
    print(header())
    with tempfile.TemporaryDirectory() as logs, servers(args.servers, args, Path(logs)) as pids:
        try:
            results = uvloop.run(run_all(args, pids))
        except BaseException:
            for name in args.servers:
                print(f"--- {name} log ---\n" + (Path(logs) / f"{name}.log").read_text()[-3000:], file=sys.stderr)
            raise
    if args.json:
        args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    print("\n" + summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
