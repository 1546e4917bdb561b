"""Opening a WebSocket to a Cadence server: URL, API key, handshake retries."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.http11 import Response

from cadence.client.backoff import ReconnectPolicy
from cadence.client.errors import AuthenticationError, HandshakeRejected

log = logging.getLogger("cadence.client")

AuthMode = Literal["header", "bearer", "query"]

Sleep = Callable[[float], Awaitable[None]]


def normalize_url(url: str) -> str:
    """``ws(s)://host:port/ws`` from what a user typed.

    ``http``/``https`` become ``ws``/``wss``, a missing scheme means ``ws``,
    and an empty path becomes ``/ws`` (``--server ws://host:8000`` works).
    """
    if "://" not in url:
        url = f"ws://{url}"
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path if parts.path not in ("", "/") else "/ws"
    return urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment))


def with_auth(url: str, api_key: str | None, auth: AuthMode) -> tuple[str, dict[str, str]]:
    """The URL and headers that present ``api_key`` the way ``auth`` says."""
    if not api_key:
        return url, {}
    if auth == "header":
        return url, {"X-API-Key": api_key}
    if auth == "bearer":
        return url, {"Authorization": f"Bearer {api_key}"}
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "api_key"] + [("api_key", api_key)]
    return urlunsplit(parts._replace(query=urlencode(query))), {}


def redact(url: str) -> str:
    """``url`` with any ``api_key`` query value hidden (safe to print)."""
    parts = urlsplit(url)
    query = [(k, "***" if k == "api_key" else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


def rejection(response: Response) -> HandshakeRejected:
    """The typed error for a refused handshake, from its status and body."""
    code, message = "http_error", response.reason_phrase
    try:
        body = orjson.loads(response.body or b"{}")
        payload = body.get("payload", {}) if isinstance(body, dict) else {}
        code = str(payload.get("code", code))
        message = str(payload.get("message", message))
    except (orjson.JSONDecodeError, AttributeError):
        pass
    retry_after: float | None = None
    header = response.headers.get("Retry-After")
    if header is not None:
        try:
            retry_after = float(header)
        except ValueError:
            retry_after = None
    cls = AuthenticationError if response.status_code == 401 else HandshakeRejected
    return cls(response.status_code, code, message, retry_after)


async def open_connection(
    url: str,
    headers: dict[str, str],
    policy: ReconnectPolicy,
    open_timeout: float = 10.0,
    uniform: Callable[[], float] = random.random,
    sleep: Sleep = asyncio.sleep,
) -> ClientConnection:
    """Open a WebSocket, retrying refused connections and 429/503 answers.

    Up to ``policy.max_attempts`` tries, waiting as the policy says between
    them. Compression is off, as the protocol requires.

    Raises:
        AuthenticationError: HTTP 401 (never retried).
        HandshakeRejected: another refusal, or 429/503 on the last try.
        OSError | TimeoutError: the server could not be reached on the last try.
    """
    attempts = max(1, policy.max_attempts)
    for attempt in range(attempts):
        try:
            return await connect(url, additional_headers=headers, compression=None, proxy=None,
                                 open_timeout=open_timeout, max_size=2**22)
        except InvalidStatus as exc:
            error = rejection(exc.response)
            if not error.retryable or attempt == attempts - 1:
                raise error from None
            wait = max(policy.delay(attempt, uniform), error.retry_after or 0.0)
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            if attempt == attempts - 1:
                raise
            wait = policy.delay(attempt, uniform)
            log.debug("connect to %s failed (%s); retrying in %.2fs", redact(url), exc, wait)
        await sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["AuthMode", "normalize_url", "open_connection", "redact", "rejection", "with_auth"]
