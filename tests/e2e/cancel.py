#!/usr/bin/env python3
"""Cancel regression: cancel after the first tokens, then recover.

    TEXT_API_KEY=... python tests/e2e/cancel.py
    python tests/e2e/cancel.py --clients 3 --cancel-delay 0.2 --drain-timeout 2.0 --check-stats

For each client: start a turn that asks for a long reply, wait for its first
token (plus ``--cancel-delay`` seconds), send ``cancel``, and check that

1. the turn ends with ``cancelled`` (``client_request``, ``active: true``)
   whose ``text`` is exactly what was streamed before it;
2. no frame of that turn arrives afterwards (watched for ``--drain-timeout``);
3. with ``--check-stats``, ``/stats`` shows no running turn or engine
   request once every client has cancelled;
4. a new ``message`` on the same session completes with ``done``.

Exit status 0 when every check passed for every client.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
import urllib.request
from contextlib import aclosing
from urllib.parse import urlsplit

import common
import orjson
import personas

from cadence.client import CadenceClient, Outcome, TokenFrame, TurnResult, normalize_url

RECOVERY = "Sorry, I cut you off. Are you still there? Answer in one sentence."


async def _cancel_one(args: argparse.Namespace, client: CadenceClient) -> list[str]:
    """Start a long turn, cancel it after the first token; returns failures."""
    text = common.message_text(args, personas.LONG_REQUEST)
    turn = await client.start(personas.chat_prompt(args.personality), personality=args.personality,
                              gender=args.gender, user_utterance=text, sampling=common.sampling(args))
    async with aclosing(turn.__aiter__()) as frames:
        async for frame in frames:
            if isinstance(frame, TokenFrame):
                break
        else:
            return [f"turn ended before any token: {common.describe(await turn.result())}"]
    await asyncio.sleep(args.cancel_delay)
    sent = time.perf_counter()
    result = await client.cancel("cancel regression test")
    latency = (time.perf_counter() - sent) * 1000.0
    if not isinstance(result, TurnResult) or result.outcome is not Outcome.CANCELLED:
        return [f"expected cancelled, got {result!r}: the reply ended before the cancel (lower --cancel-delay)"]
    print(f"  {client.session_id}: cancelled after {len(result.timings.token_times_ms)} token frames, "
          f"cancel answered in {latency:.1f}ms")
    failures = []
    if result.cancel_reason != "client_request" or result.cancel_active is not True:
        failures.append(f"cancelled has reason={result.cancel_reason} active={result.cancel_active}")
    if result.text != turn.text:
        failures.append(f"cancelled.text ({len(result.text)} chars) != streamed text ({len(turn.text)} chars)")
    return failures


def _stats_url(server: str) -> str:
    parts = urlsplit(normalize_url(server))
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.netloc}/stats"


def _running(url: str, api_key: str | None) -> tuple[int, int]:
    request = urllib.request.Request(url, headers={"X-API-Key": api_key or ""})
    with urllib.request.urlopen(request, timeout=5.0) as response:
        data = orjson.loads(response.read())
    engines = data.get("engines", {})
    requests = sum(int(e.get("running_requests", 0)) for e in engines.values())
    return int(data.get("running_turns", 0)), requests


async def _check_stats(args: argparse.Namespace) -> list[str]:
    url, deadline = _stats_url(args.server), time.monotonic() + 1.0
    while True:
        turns, requests = await asyncio.to_thread(_running, url, args.api_key)
        if turns == 0 and requests == 0:
            print("  /stats: no running turn, no running engine request")
            return []
        if time.monotonic() > deadline:
            return [f"/stats still shows {turns} running turns, {requests} engine requests after 1s"]
        await asyncio.sleep(0.05)


async def _recover(args: argparse.Namespace, client: CadenceClient) -> list[str]:
    failures = [f"frame after cancelled: {v}" for v in client.violations]
    if client.stats.late_frames:
        failures.append(f"{client.stats.late_frames} frames arrived after the terminal frame")
    recovery_sampling = common.sampling(args) | {"max_tokens": args.recovery_max_tokens}
    result = await (await client.message(RECOVERY, sampling=recovery_sampling)).result()
    if result.outcome is not Outcome.DONE:
        failures.append(f"recovery turn did not finish: {common.describe(result)}")
    else:
        print(f"  {client.session_id}: recovered {common.describe(result)}")
    await client.end()
    return failures


async def _main(args: argparse.Namespace) -> int:
    print(f"server {common.show_server(args)}  clients={args.clients}  cancel-delay={args.cancel_delay}s")
    clients = [common.make_client(args) for _ in range(args.clients)]
    try:
        await asyncio.gather(*(c.connect() for c in clients))
        failures = list(itertools.chain(*await asyncio.gather(*(_cancel_one(args, c) for c in clients))))
        await asyncio.sleep(args.drain_timeout)
        if args.check_stats:
            failures += await _check_stats(args)
        failures += itertools.chain(*await asyncio.gather(*(_recover(args, c) for c in clients)))
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    for failure in failures:
        print(f"FAIL {failure}")
    print("cancel regression: " + ("PASS" if not failures else f"{len(failures)} failure(s)"))
    return 0 if not failures else 1


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Cancel a streaming reply and check recovery.")
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients (default 1)")
    parser.add_argument("--cancel-delay", type=float, default=0.0,
                        help="seconds to wait after the first token before cancelling (default 0)")
    parser.add_argument("--drain-timeout", type=float, default=2.0,
                        help="seconds to watch for frames after cancelled (default 2)")
    parser.add_argument("--check-stats", action="store_true",
                        help="check /stats for no running turn or engine request after the cancels")
    parser.add_argument("--recovery-max-tokens", type=int, default=32,
                        help="max_tokens of the recovery turn (default 32)")
    common.add_sampling_args(parser)
    args = parser.parse_args(argv)
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
