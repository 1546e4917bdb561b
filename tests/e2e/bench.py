#!/usr/bin/env python3
"""Latency benchmark: ``-n`` transactions, ``-c`` at a time.

A transaction opens a connection, sends ``start`` with the persona and the
message, reads the whole reply, then ``end``s the session. Reported: TTFT,
TPOT, ITL and end-to-end latency (as vLLM's serving benchmark), toolcall
latency, time to the first 3 words and to the first sentence, each as
avg/p50/p90/p95/p99; errors by code and cancellations are counted.

    python tests/e2e/bench.py -n 32 -c 8
    python tests/e2e/bench.py --gender female --personality flirty "who was Columbus?"
    python tests/e2e/bench.py --server ws://127.0.0.1:8000/ws -n 100 -c 20 --timeout 180
    python tests/e2e/bench.py -n 64 -c 8 --json > bench.json       # JSON only on stdout
    python tests/e2e/bench.py -n 64 -c 8 --json out/bench.json --histogram out/bench.png

``--double-ttfb`` runs two identical transactions per connection and
reports the cold (first) and warm (second) turns apart.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

import bench_report
import common
import personas
from bench_report import Transaction

from cadence.client import CadenceClient, ClientError, HandshakeRejected, TurnResult, TurnTimeout


async def _connect(args: argparse.Namespace, tx: Transaction) -> CadenceClient | None:
    client = common.make_client(args)
    began = time.perf_counter()
    try:
        await client.connect()
    except HandshakeRejected as exc:
        tx.failure = f"connect:{exc.code}"
        return None
    except (OSError, TimeoutError, ClientError):
        tx.failure = "connect:unreachable"
        return None
    tx.connect_ms = (time.perf_counter() - began) * 1000.0
    return client


async def _turns(args: argparse.Namespace, client: CadenceClient, tx: Transaction, text: str) -> None:
    prompt = personas.chat_prompt(args.personality)
    for _ in range(2 if args.double_ttfb else 1):
        turn = await client.start(prompt, personality=args.personality, gender=args.gender,
                                  user_utterance=text, sampling=common.sampling(args))
        result = await turn.result()
        tx.turns.append(result)
        if not result.ok:
            return


async def transaction(args: argparse.Namespace, text: str) -> Transaction:
    """Run one transaction; failures are recorded in it, never raised."""
    tx = Transaction()
    client = await _connect(args, tx)
    if client is None:
        return tx
    try:
        await _turns(args, client, tx, text)
        if tx.ok:
            await client.end()
    except TurnTimeout:
        tx.failure = "timeout"
    except ClientError as exc:
        tx.failure = f"client:{type(exc).__name__}"
    finally:
        await client.close()
    return tx


async def run_load(n: int, concurrency: int, job: Callable[[], Coroutine[Any, Any, Transaction]],
                   ) -> tuple[list[Transaction], float]:
    """Run ``job`` ``n`` times with at most ``concurrency`` at once; returns
    the transactions and the wall time in seconds."""
    pending = iter(range(n))
    done: list[Transaction] = []

    async def worker() -> None:
        for _ in pending:
            done.append(await job())

    began = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, n))):
            group.create_task(worker())
    return done, time.perf_counter() - began


def _phases(transactions: list[Transaction]) -> dict[str, list[TurnResult]]:
    return {
        "cold": [tx.turns[0] for tx in transactions if tx.turns],
        "warm": [tx.turns[1] for tx in transactions if len(tx.turns) > 1],
    }


async def _main(args: argparse.Namespace) -> int:
    text = common.message_text(args, personas.BENCH_MESSAGE)
    transactions, duration = await run_load(args.n, args.c, lambda: transaction(args, text))
    config = {
        "server": common.show_server(args), "transactions": args.n, "concurrency": args.c,
        "double_ttfb": args.double_ttfb, "message": text, "gender": args.gender,
        "personality": args.personality, "timeout_s": args.timeout, "sampling": common.sampling(args),
    }
    phases = _phases(transactions) if args.double_ttfb else None
    report = bench_report.build("bench.py", config, transactions, duration, phases)
    bench_report.emit(report, args.json)
    if args.histogram:
        turns = [t for tx in transactions for t in tx.turns]
        print(bench_report.histogram(args.histogram, turns), file=sys.stderr)
    return 0 if report["counts"]["failed"] == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Benchmark latency under concurrent load.")
    parser.add_argument("-n", "--transactions", dest="n", type=int, default=32,
                        help="number of transactions (default 32)")
    parser.add_argument("-c", "--concurrency", dest="c", type=int, default=8,
                        help="transactions in flight at once (default 8)")
    parser.add_argument("--double-ttfb", action="store_true",
                        help="two sequential transactions per connection: cold vs warm")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="JSON report: alone on stdout (no PATH) or written to PATH")
    parser.add_argument("--histogram", metavar="PNG", help="write a latency histogram (needs matplotlib)")
    common.add_sampling_args(parser)
    args = parser.parse_args(argv)
    if args.n < 1 or args.c < 1:
        parser.error("-n and -c must be at least 1")
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
