"""The long chaos run (issue 17): seeded random clients against a real,
in-process Cadence server over real sockets; see tests/reliability/chaos.py.

Usage:
    python scripts/chaos.py --turns 10000 --clients 32 --seed 1 [--engine echo|hf]
    python scripts/chaos.py --duration 600 --clients 32 --seed 1

Prints progress every few seconds, then the report: turns, violations,
leaked engine requests, RSS at start / after warm-up / at the end, turns/s,
and the command that replays the seed. Exit code 1 on any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "reliability"), str(ROOT / "tests" / "integration" / "server")]

from chaos import ChaosConfig, run_chaos  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--turns", type=int, default=10000, help="terminal frames to collect in all")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds of traffic instead of a turn count")
    parser.add_argument("--engine", choices=("echo", "hf"), default="echo")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "models" / "smollm2-135m-instruct",
                        help="the hf engine's model folder")
    parser.add_argument("--reply-tokens", type=int, default=None,
                        help="echo reply length / hf max_tokens (default 12 / 8)")
    parser.add_argument("--tokens-per-second", type=float, default=400.0, help="echo engine pace")
    parser.add_argument("--progress-interval", type=float, default=10.0)
    parser.add_argument("--no-uvloop", action="store_true", help="the default asyncio loop (as in CI)")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> ChaosConfig:
    """The run the arguments describe."""
    hf = args.engine == "hf"
    return ChaosConfig(
        seed=args.seed,
        clients=args.clients,
        turns=None if args.duration is not None else args.turns,
        duration_s=args.duration,
        engine=args.engine,
        model_dir=args.model_dir if hf else None,
        reply_tokens=args.reply_tokens or (8 if hf else 12),
        tokens_per_second=args.tokens_per_second,
        check_rss=not hf,  # the hf engine's prefix cache fills its budget as it runs
        progress=lambda line: print(line, flush=True),
        progress_interval_s=args.progress_interval,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = config_from(args)
    if not args.no_uvloop:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    print(f"chaos: {cfg.replay(not args.no_uvloop)}", flush=True)
    report = asyncio.run(run_chaos(cfg))
    print(report.summary(), flush=True)
    if not report.ok:
        print(f"FAILED: {report.violation_count} violations; replay with: {cfg.replay(report.uvloop)}",
              flush=True)
        return 1
    print(f"OK: 0/{report.turns_run} violations, {report.leaked_requests} leaked requests", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
