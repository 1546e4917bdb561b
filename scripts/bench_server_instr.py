"""User-space instructions per token of each server, counted by valgrind.

On a shared, noisy machine CPU time moves by tens of percent between runs;
the number of instructions a server executes does not (repeat runs agree to
a few hundred instructions). This runs each server of
``scripts/bench_server.py`` under ``valgrind --tool=cachegrind`` twice, with
the same sessions and turns and two reply lengths, and reports

- instructions per token: the difference between the runs divided by the
  difference in tokens (per-turn work cancels out);
- instructions per turn: what is left of the short run once its tokens are
  paid for, less start-up and handshakes (a run that opens the same
  sessions and runs no turn).

Kernel work (the ``send`` system call, about 6-11 µs per frame here) is not
counted: compare it with the on-CPU times of ``bench_server.py``. Needs
valgrind; each server takes about a minute::

    .venv/bin/python scripts/bench_server_instr.py --servers cadence,cadence-raw,fastapi,aiohttp
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_server import API_KEY, ROOT, SERVERS, server_command, server_env, variant_env
from bench_wsload import Stats, open_sessions


async def drive(port: int, path: str, sessions: int, turns: int, reply_tokens: int) -> int:
    """Wait for the server, run the turns, return the token frames received."""
    deadline = time.monotonic() + 300
    while True:
        try:
            probe = await open_sessions("127.0.0.1", port, path, 1, Stats(), reply_tokens)
            probe[0].close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
    stats = Stats()
    opened = await open_sessions("127.0.0.1", port, path, sessions, stats, reply_tokens)
    if turns:
        await asyncio.gather(*(session.run_turns(turns) for session in opened))
    for session in opened:
        session.close()
    await asyncio.sleep(0.5)
    if stats.bad_turns:
        raise RuntimeError(f"{stats.bad_turns} turns came back incomplete")
    return stats.token_frames


def count(name: str, args: argparse.Namespace, turns: int, reply_tokens: int, port: int) -> int:
    """Instructions the server executes from start to exit for one load."""
    env = {**server_env(reply_tokens, args.sessions), **variant_env(name, args), "PYTHONHASHSEED": "0"}
    env["CHAT_MAX_OUT"] = str(max(150, reply_tokens))
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                   f"--log-file={log.name}", *server_command(name, port, reply_tokens)]
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            path = f"/ws?api_key={API_KEY}" if name.startswith("cadence") else "/ws"
            uvloop.run(drive(port, path, args.sessions, turns, reply_tokens))
        finally:
            proc.terminate()
            proc.wait(timeout=120)
        match = re.search(r"I\s+refs:\s+([\d,]+)", Path(log.name).read_text())
    if match is None:
        raise RuntimeError(f"no instruction count for {name}")
    return int(match.group(1).replace(",", ""))


def measure(name: str, args: argparse.Namespace, port: int) -> dict[str, float]:
    """Instructions per token and per turn of server ``name``."""
    short, long = args.reply_tokens, args.long_reply_tokens
    idle = count(name, args, 0, short, port)
    base = count(name, args, args.turns, short, port + 1)
    more = count(name, args, args.turns, long, port + 2)
    turns = args.sessions * args.turns
    per_token = (more - base) / (turns * (long - short))
    per_turn = (base - idle) / turns - per_token * short
    return {"per_token": per_token, "per_turn": per_turn, "per_frame_at_short": (base - idle) / (turns * short)}


def main(argv: list[str]) -> int:
    """Print a markdown table of instructions per token, per turn and per frame."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="cadence,cadence-raw,fastapi,aiohttp,sansio")
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--turns", type=int, default=2, help="turns per session")
    parser.add_argument("--reply-tokens", type=int, default=40)
    parser.add_argument("--long-reply-tokens", type=int, default=400)
    parser.add_argument("--baseline-src", type=Path, help="src/ copy for the cadence-base servers")
    args = parser.parse_args(argv)
    names = args.servers.split(",")
    if set(names) - set(SERVERS) or (not args.baseline_src and any("-base" in name for name in names)):
        parser.error("unknown servers, or a -base server without --baseline-src")
    print(f"| server | instructions/token | instructions/turn | instructions/frame at {args.reply_tokens} tokens/turn |")
    print("|---|---:|---:|---:|")
    for index, name in enumerate(names):
        row = measure(name, args, 18700 + 10 * index)
        print(f"| {name} | {row['per_token']:,.0f} | {row['per_turn']:,.0f} | {row['per_frame_at_short']:,.0f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
