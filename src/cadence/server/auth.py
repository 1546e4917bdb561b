"""API keys at the handshake, and the per-IP auth-failure throttle (pure)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from cadence.turns.ratelimit import RollingWindow


def presented_keys(path: str, headers: Iterable[tuple[str, str]]) -> list[str]:
    """Every API key the request carries: ``api_key`` query parameters,
    ``X-API-Key`` headers and ``Authorization: Bearer`` headers."""
    keys = list(parse_qs(urlsplit(path).query, keep_blank_values=True).get("api_key", []))
    for name, value in headers:
        lowered = name.lower()
        if lowered == "x-api-key":
            keys.append(value.strip())
        elif lowered == "authorization":
            scheme, _, token = value.strip().partition(" ")
            keys.append(token.strip() if scheme.lower() == "bearer" else "")
    return keys


def keys_valid(keys: list[str], expected: str) -> bool:
    """True when at least one key is given and every one equals ``expected``.

    Each comparison runs in constant time.
    """
    if not keys:
        return False
    expected_bytes = expected.encode()
    results = [hmac.compare_digest(key.encode(), expected_bytes) for key in keys]
    return all(results)


class AuthThrottle:
    """Counts authentication failures per client IP in a rolling window."""

    def __init__(self, max_failures: int, window_s: float) -> None:
        self._max_failures = max_failures
        self._window_s = window_s
        self._failures: dict[str, RollingWindow] = {}

    def retry_after(self, ip: str, now: float) -> float:
        """Seconds this IP must wait; 0.0 when it may try."""
        window = self._failures.get(ip)
        if window is None:
            return 0.0
        wait = window.retry_after(now)
        if wait == 0.0 and window.count(now) == 0:
            del self._failures[ip]
        return wait

    def failed(self, ip: str, now: float) -> None:
        """Record a failure for ``ip``."""
        if self._max_failures <= 0:
            return
        if len(self._failures) > 10000:
            self._prune(now)
        window = self._failures.setdefault(ip, RollingWindow(self._max_failures, self._window_s))
        window.record(now)

    def succeeded(self, ip: str) -> None:
        """A correct key from ``ip`` clears its record."""
        self._failures.pop(ip, None)

    def _prune(self, now: float) -> None:
        for ip in [ip for ip, window in self._failures.items() if window.count(now) == 0]:
            del self._failures[ip]


__all__ = ["AuthThrottle", "keys_valid", "presented_keys"]
