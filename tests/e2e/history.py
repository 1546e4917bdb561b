#!/usr/bin/env python3
"""History recall: start with a long warm history, then ask about it.

    TEXT_API_KEY=... python tests/e2e/history.py
    python tests/e2e/history.py --gender male --personality flirty
    python tests/e2e/history.py --temperature 0.8 --top_p 0.9
    python tests/e2e/history.py --bench -n 16 -c 8 --timeout 300

The ``start`` frame carries a 20-message conversation full of facts; each
recall question checks that the reply names the fact (a real model only:
the ``echo`` engine repeats the question, so recall is informational unless
``--min-recall`` is set). The first reply pays the prefill of the whole
history and is reported apart; TTFB, 3-words and sentence percentiles cover
the later ones (prefix caching shows there).

``--bench``: ``-n`` connections (default 8), ``-c`` at a time (default 4),
each with the full warm history cycling through every recall question; the
report has the bench.py format (metrics over turns 2+, ``phases.first``).
"""

from __future__ import annotations

import argparse
import sys
import time

import bench
import bench_report
import common
import personas
from bench_report import Transaction

from cadence.client import CadenceClient, ClientError, TurnResult, TurnTimeout


def recalled(reply: str, expected: tuple[str, ...]) -> bool:
    """Whether ``reply`` names any of the ``expected`` words."""
    low = reply.lower()
    return any(word in low for word in expected)


async def _open_session(client: CadenceClient, args: argparse.Namespace) -> TurnResult:
    turn = await client.start(personas.chat_prompt(args.personality), personality=args.personality,
                              gender=args.gender, history=personas.warm_history(),
                              sampling=common.sampling(args))
    return await turn.result()


async def _interactive(args: argparse.Namespace) -> int:
    results, hits = [], 0
    async with common.make_client(args) as client:
        ack = await _open_session(client, args)
        if ack.ack is None:
            print(f"start failed: {common.describe(ack)}", file=sys.stderr)
            return 1
        print(f"warm history accepted: {ack.ack.history_messages} messages, {ack.ack.history_tokens} tokens")
        for question, expected in personas.RECALL_CHECKS:
            print(f"\nuser: {question}\nassistant: ", end="", flush=True)
            result = await common.stream(await client.message(question, sampling=common.sampling(args)))
            hit = recalled(result.text, expected)
            hits += hit
            print(f"  recall={'yes' if hit else 'no'} {common.describe(result)}")
            results.append(result)
        await client.end()
    share = hits / len(results)
    print(f"\nrecall {hits}/{len(results)} ({100 * share:.0f}%)")
    print(common.latency_summary(results[0], results[1:]))
    if any(not r.ok for r in results) or share < args.min_recall:
        return 1
    return 0


async def _bench_tx(args: argparse.Namespace) -> Transaction:
    tx, client = Transaction(), common.make_client(args)
    began = time.perf_counter()
    try:
        await client.connect()
        tx.connect_ms = (time.perf_counter() - began) * 1000.0
        if not (await _open_session(client, args)).ok:
            tx.failure = "start_rejected"
            return tx
        for question, _ in personas.RECALL_CHECKS:
            result = await (await client.message(question, sampling=common.sampling(args))).result()
            tx.turns.append(result)
            if not result.ok:
                return tx
        await client.end()
    except TurnTimeout:
        tx.failure = "timeout"
    except (ClientError, OSError) as exc:
        tx.failure = f"client:{type(exc).__name__}"
    finally:
        await client.close()
    return tx


async def _bench(args: argparse.Namespace) -> int:
    transactions, duration = await bench.run_load(args.n, args.c, lambda: _bench_tx(args))
    first = [tx.turns[0] for tx in transactions if tx.turns]
    rest = [t for tx in transactions for t in tx.turns[1:]]
    config = {"server": common.show_server(args), "transactions": args.n, "concurrency": args.c,
              "history_messages": len(personas.WARM_HISTORY), "questions": len(personas.RECALL_CHECKS),
              "gender": args.gender, "personality": args.personality, "timeout_s": args.timeout,
              "sampling": common.sampling(args)}
    report = bench_report.build("history.py --bench", config, transactions, duration,
                                phases={"first": first}, measured=rest)
    bench_report.emit(report, args.json)
    return 0 if report["counts"]["failed"] == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Check recall of a long warm history.", message=False)
    parser.add_argument("--bench", action="store_true", help="concurrent connections with warm history")
    parser.add_argument("-n", type=int, default=8, help="--bench: connections (default 8)")
    parser.add_argument("-c", type=int, default=4, help="--bench: concurrent connections (default 4)")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH", help="--bench: JSON report")
    parser.add_argument("--min-recall", type=float, default=0.0,
                        help="fail below this recall share, 0 to 1 (default 0: report only)")
    common.add_sampling_args(parser)
    args = parser.parse_args(argv)
    return common.run(lambda: _bench(args) if args.bench else _interactive(args))


if __name__ == "__main__":
    sys.exit(main())
