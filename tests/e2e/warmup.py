#!/usr/bin/env python3
"""Warmup client: one turn, the streamed reply and its timings.

    python tests/e2e/warmup.py
    python tests/e2e/warmup.py "who was Columbus?"
    python tests/e2e/warmup.py --gender male --personality flirty "hello there"
    python tests/e2e/warmup.py --double-ttfb      # cold vs warm, same request twice

Exit status 0 when every turn ended with ``done``.
"""

from __future__ import annotations

import argparse
import sys

import common
import personas

from cadence.client import TurnResult


async def _turn(args: argparse.Namespace, text: str) -> list[TurnResult]:
    prompt = personas.chat_prompt(args.personality)
    results = []
    async with common.make_client(args) as client:
        for label in ("cold", "warm")[: 2 if args.double_ttfb else 1]:
            turn = await client.start(prompt, personality=args.personality, gender=args.gender,
                                      user_utterance=text, sampling=common.sampling(args))
            print(f"USER: {text}\nASSISTANT: ", end="", flush=True)
            result = await common.stream(turn)
            print(f"{label.upper()} {common.describe(result)}")
            results.append(result)
        await client.end()
    return results


async def _main(args: argparse.Namespace) -> int:
    text = common.message_text(args, personas.WARMUP_MESSAGE)
    print(f"server {common.show_server(args)}  persona {args.gender}/{args.personality}")
    results = await _turn(args, text)
    if len(results) == 2 and all(r.ok for r in results):
        cold, warm = (r.timings.ttft_ms for r in results)
        if cold is not None and warm is not None:
            print(f"TTFB cold={cold:.0f}ms warm={warm:.0f}ms delta={cold - warm:+.0f}ms")
    return 0 if all(r.ok for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Send one message and print the reply with its timings.")
    parser.add_argument("--double-ttfb", action="store_true",
                        help="send the same request twice on one connection (cold vs warm)")
    common.add_sampling_args(parser)
    args = parser.parse_args(argv)
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
