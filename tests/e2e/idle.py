#!/usr/bin/env python3
"""Connection lifecycle: a clean ``end``, then the idle timeout.

    TEXT_API_KEY=... python tests/e2e/idle.py
    python tests/e2e/idle.py --normal-wait 5 --idle-expect-seconds 150

1. Normal close: open a session, wait ``--normal-wait`` seconds, send
   ``end``; expect ``session_end`` and close code 1000.
2. Idle timeout: open a session (``start`` without an utterance), then stay
   silent; expect close code 4000 (``idle_timeout``) within
   ``--idle-expect-seconds`` + ``--idle-grace-seconds``, and not much before.
3. Resume (unless ``--no-resume``): the same client sends a ``message``; it
   reconnects and the server continues the detached session without the
   persona being sent again.

``--normal-wait`` must stay below the server's ``WS_IDLE_TIMEOUT_S``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import common
import personas

from cadence.client import CadenceClient, SessionEndFrame


async def _start(args: argparse.Namespace, client: CadenceClient) -> list[str]:
    ack = await (await client.start(personas.chat_prompt(args.personality), personality=args.personality,
                                    gender=args.gender)).result()
    return [] if ack.ok else [f"start rejected: {common.describe(ack)}"]


async def normal_close(args: argparse.Namespace) -> list[str]:
    """Check 1; returns failures."""
    async with common.make_client(args) as client:
        if failures := await _start(args, client):
            return failures
        await asyncio.sleep(args.normal_wait)
        frame = await client.end()
        code, reason = client.close_code, client.close_reason
    print(f"  normal close: {frame.type} then close {code} {reason!r}")
    if not isinstance(frame, SessionEndFrame) or code != 1000:
        return [f"normal close: expected session_end and 1000, got {frame.type} and {code}"]
    return []


async def _resume(args: argparse.Namespace, client: CadenceClient) -> list[str]:
    result = await (await client.message("I'm back. Are you still there?")).result()
    print(f"  resume: reconnects={client.reconnects} {common.describe(result)}")
    if not result.ok:
        return [f"resume after idle close failed: {common.describe(result)}"]
    await client.end()
    return []


async def idle_close(args: argparse.Namespace) -> list[str]:
    """Checks 2 and 3; returns failures."""
    limit = args.idle_expect_seconds + args.idle_grace_seconds
    client = common.make_client(args, recv_timeout=limit + 5)
    try:
        await client.connect()
        if failures := await _start(args, client):
            return failures
        began = time.monotonic()  # the start frame reset the server's idle timer
        try:
            async with asyncio.timeout(limit):
                code, reason = await client.wait_closed()
        except TimeoutError:
            return [f"idle: connection still open after {limit:.0f}s"]
        elapsed = time.monotonic() - began
        print(f"  idle close: {code} {reason!r} after {elapsed:.1f}s (expected ~{args.idle_expect_seconds:g}s)")
        if code != 4000:
            failures.append(f"idle: expected close code 4000, got {code} {reason!r}")
        if elapsed < args.idle_expect_seconds - args.idle_grace_seconds:
            failures.append(f"idle: closed after {elapsed:.1f}s, earlier than expected")
        if not failures and args.resume:
            failures += await _resume(args, client)
        return failures
    finally:
        await client.close()


async def _main(args: argparse.Namespace) -> int:
    print(f"server {common.show_server(args)}")
    failures = await normal_close(args)
    if not args.skip_idle:
        failures += await idle_close(args)
    for failure in failures:
        print(f"FAIL {failure}")
    print("idle lifecycle: " + ("PASS" if not failures else f"{len(failures)} failure(s)"))
    return 0 if not failures else 1


def main(argv: list[str] | None = None) -> int:
    parser = common.base_parser("Check clean end and the idle timeout close.", message=False)
    parser.add_argument("--normal-wait", type=float, default=3.0,
                        help="seconds before sending end in the normal case (default 3)")
    parser.add_argument("--idle-expect-seconds", type=float, default=150.0,
                        help="the server's idle timeout, WS_IDLE_TIMEOUT_S (default 150)")
    parser.add_argument("--idle-grace-seconds", type=float, default=15.0,
                        help="tolerance around the expected idle close (default 15)")
    parser.add_argument("--skip-idle", action="store_true", help="only check the normal close")
    parser.add_argument("--no-resume", dest="resume", action="store_false",
                        help="do not reconnect and resume after the idle close")
    args = parser.parse_args(argv)
    return common.run(lambda: _main(args))


if __name__ == "__main__":
    sys.exit(main())
