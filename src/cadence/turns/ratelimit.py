"""Rolling-window counters (pure: time is passed in)."""

from __future__ import annotations

from collections import deque


class RollingWindow:
    """At most ``limit`` events per ``window_s`` seconds; ``limit`` 0 disables."""

    def __init__(self, limit: int, window_s: float) -> None:
        self._limit = limit
        self._window_s = window_s
        self._events: deque[float] = deque()
        #: False when the window never limits (``retry_after`` is always 0).
        self.enabled = limit > 0 and window_s > 0

    def _expire(self, now: float) -> None:
        horizon = now - self._window_s
        while self._events and self._events[0] <= horizon:
            self._events.popleft()

    def retry_after(self, now: float) -> float:
        """Seconds until one more event is allowed; 0.0 when allowed now."""
        if not self.enabled:
            return 0.0
        self._expire(now)
        if len(self._events) < self._limit:
            return 0.0
        return max(0.0, self._events[0] + self._window_s - now)

    def record(self, now: float) -> None:
        """Count one event at ``now``."""
        if self.enabled:
            self._events.append(now)

    def count(self, now: float) -> int:
        """Events within the window."""
        self._expire(now)
        return len(self._events)


__all__ = ["RollingWindow"]
