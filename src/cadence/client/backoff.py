"""Reconnect policy: exponential backoff with jitter."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """How the client retries a handshake and reconnects after a drop.

    Attempt ``k`` (from 0) waits ``d = min(max_delay_s, base_delay_s * 2**k)``
    scaled into ``[d * (1 - jitter), d]`` at random, so that many clients
    dropped at once do not come back in lockstep. A server's ``Retry-After``
    raises the wait, never lowers it. ``enabled=False`` turns off automatic
    reconnects after a drop (the first connect still retries).
    """

    enabled: bool = True
    max_attempts: int = 6
    base_delay_s: float = 0.1
    max_delay_s: float = 5.0
    jitter: float = 0.5

    def delay(self, attempt: int, uniform: Callable[[], float]) -> float:
        """Seconds to wait before retry number ``attempt``; ``uniform()`` is in [0, 1)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2.0 ** attempt))
        return ceiling * (1.0 - self.jitter) + ceiling * self.jitter * uniform()


__all__ = ["ReconnectPolicy"]
