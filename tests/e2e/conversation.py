#!/usr/bin/env python3
"""A scripted 10-turn conversation: history trimming and prefix reuse.

    TEXT_API_KEY=... python tests/e2e/conversation.py --server ws://127.0.0.1:8000

Each user turn is padded with filler (``--pad-words``) so the history grows
past ``CHAT_HISTORY_MAX_TOKENS`` and the server trims old exchanges: the
report marks the turn where ``prompt_tokens`` dropped. The system prompt and
the older history stay the same between turns, so an engine with prefix
caching reports ``cached_prompt_tokens``. The first turn pays the prefill and
is reported apart from the others (``FIRST`` row).

Exit status 1 when a turn did not finish with ``done``, or with
``--expect-trim`` when no trim was seen.
"""

from __future__ import annotations

import argparse
import sys

import common
import personas

from cadence.client import CadenceClient, Turn, TurnResult


async def _send(client: CadenceClient, args: argparse.Namespace, index: int, text: str) -> Turn:
    if index == 0:
        return await client.start(personas.chat_prompt(args.personality), personality=args.personality,
                                  gender=args.gender, user_utterance=text, sampling=common.sampling(args))
    return await client.message(text, sampling=common.sampling(args))


def trims(results: list[TurnResult]) -> list[int]:
    """1-based turns whose prompt was smaller than the turn before (history trimmed)."""
    prompts = [r.usage.prompt_tokens if r.usage else 0 for r in results]
    return [i + 1 for i in range(1, len(prompts)) if 0 < prompts[i] < prompts[i - 1]]


def _report(results: list[TurnResult]) -> list[int]:
    trimmed = trims(results)
    print(f"history trimmed at turn(s): {trimmed or 'none'}")
    later = [r.usage for r in results[1:] if r.usage is not None]
    cached, prompt = sum(u.cached_prompt_tokens for u in later), sum(u.prompt_tokens for u in later)
    share = f"{100.0 * cached / prompt:.0f}%" if prompt else "-"
    print(f"prefix reuse after turn 1: cached {cached} of {prompt} prompt tokens ({share})")
    print(common.latency_summary(results[0] if results else None, results[1:]))
    return trimmed


async def _main(args: argparse.Namespace) -> int:
    script = personas.CONVERSATION_SCRIPT[: args.turns]
    print(f"server {common.show_server(args)}  persona {args.gender}/{args.personality}  turns={len(script)}")
    results: list[TurnResult] = []
    async with common.make_client(args) as client:
        for index, line in enumerate(script):
            last = index == len(script) - 1
            text = line if last else personas.padded(line, args.pad_words)
            print(f"\nTURN {index + 1:02d} user: {line}" + ("" if last else f"  (+{args.pad_words} filler words)"))
            print("assistant: ", end="", flush=True)
            result = await common.stream(await _send(client, args, index, text))
            print(f"  {common.describe(result)}")
            results.append(result)
            if not result.ok:
                break
        await client.end()
    trimmed = _report(results)
    if any(not r.ok for r in results) or len(results) < len(script):
        return 1
    if args.expect_trim and not trimmed:
        print("expected the server to trim history, but prompt_tokens never dropped", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Run a scripted 10-turn conversation.", message=False)
    parser.add_argument("--turns", type=int, default=len(personas.CONVERSATION_SCRIPT),
                        help="turns to run (default and max 10)")
    parser.add_argument("--pad-words", type=int, default=400,
                        help="filler words added to each user turn but the last (default 400)")
    parser.add_argument("--expect-trim", action="store_true",
                        help="fail unless the server trimmed history at some turn")
    common.add_sampling_args(parser)
    args = parser.parse_args(argv)
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
