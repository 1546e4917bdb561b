"""Prefix-cache hygiene: reset vLLM's prefix cache only when it is idle.

The operations guide resets the prefix cache every
``CACHE_RESET_INTERVAL_SECONDS`` (600) to keep it from fragmenting. A reset
while requests run would either fail (vLLM refuses and returns ``False``)
or, forced, throw away blocks that running requests use; so an attempt is
made only when the engine reports no running request, and vLLM's answer is
counted as it is: a refused reset is a failure, never a success.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("cadence.engines.vllm")


@dataclasses.dataclass(slots=True)
class CacheResetStats:
    """Counters of prefix-cache resets (``text_inference.cache_resets_total``).

    Attributes:
        succeeded: resets vLLM confirmed (it returned ``True``).
        refused: resets vLLM answered ``False`` to (blocks still in use).
        failed: resets that raised.
        skipped_busy: attempts not made because requests were running.
    """

    succeeded: int = 0
    refused: int = 0
    failed: int = 0
    skipped_busy: int = 0


class PrefixCacheJanitor:
    """Counts and performs idle-only prefix-cache resets for one engine.

    Not thread-safe: used from the engine's event loop only.
    """

    def __init__(
        self, running: Callable[[], int], reset: Callable[[], Awaitable[bool]]
    ) -> None:
        """``running`` counts running requests; ``reset`` asks vLLM to reset."""
        self._running = running
        self._reset = reset
        self.stats = CacheResetStats()

    async def reset_if_idle(self) -> bool:
        """Reset the prefix cache if no request is running; True if it was reset.

        Never raises for a backend failure: it is logged and counted.
        """
        if self._running():
            self.stats.skipped_busy += 1
            return False
        try:
            done = bool(await self._reset())
        except Exception as exc:
            self.stats.failed += 1
            log.warning("prefix cache reset failed: %s: %s", type(exc).__name__, exc)
            return False
        if done:
            self.stats.succeeded += 1
        else:
            self.stats.refused += 1
            log.info("vLLM refused a prefix cache reset (blocks in use)")
        return done

    async def run(self, interval_s: float) -> None:
        """Call :meth:`reset_if_idle` every ``interval_s`` seconds, forever.

        Meant to be an owned task: the owner cancels it (before closing the
        engine) and awaits it. A busy engine is retried at the next tick,
        not sooner, so a steady load never sees a reset.

        Raises:
            ValueError: ``interval_s`` is not positive.
        """
        if interval_s <= 0:
            raise ValueError("interval_s must be > 0")
        while True:
            await asyncio.sleep(interval_s)
            await self.reset_if_idle()


__all__ = ["CacheResetStats", "PrefixCacheJanitor"]
