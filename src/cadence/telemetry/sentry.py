"""Sentry error reports: tagged, rate-limited, and scrubbed of conversation text.

What an event may carry: the error's type, Cadence's own messages (which by
contract never hold a prompt, an utterance or a reply), stack frames
without their local variables, and the ``session_id``/``request_id``/
``client_id`` tags. What :func:`scrub` removes before anything leaves the
process: request bodies, breadcrumbs, extra data, user data, local
variables, the message of any exception that is not Cadence's own (a
library's message may quote its input), and every occurrence of the
server's API key. One event per error class every ``RATE_LIMIT_S``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sentry_sdk

from cadence.config.settings import TelemetrySettings

#: At most one event per error class in this many seconds.
RATE_LIMIT_S = 10.0
_OWN_MODULE = "cadence."
_KEPT_CONTEXTS = ("runtime", "os", "trace")


def _error_class(event: dict[str, Any]) -> str:
    values = (event.get("exception") or {}).get("values") or []
    if values:
        return f"{values[-1].get('module') or ''}.{values[-1].get('type') or ''}"
    logentry = event.get("logentry") or {}
    return str(logentry.get("message") or event.get("message") or "")


def scrub(event: dict[str, Any], secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """Remove what could hold conversation text or keys (see the module doc)."""
    for field in ("request", "extra", "user", "breadcrumbs"):
        event.pop(field, None)
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        event["contexts"] = {k: v for k, v in contexts.items() if k in _KEPT_CONTEXTS}
    for value in (event.get("exception") or {}).get("values") or []:
        if not str(value.get("module") or "").startswith(_OWN_MODULE):
            value["value"] = ""
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)  # the message template stays, its arguments go
    return _without_secrets(event, secrets) if secrets else event


def _without_secrets(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "[key]")
        return value
    if isinstance(value, dict):
        return {k: _without_secrets(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v, secrets) for v in value]
    return value


class SentryReporter:
    """Sends error events to ``SENTRY_DSN``; owns the per-class rate limit."""

    def __init__(self, settings: TelemetrySettings, release: str, secrets: tuple[str, ...],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._secrets = tuple(s for s in secrets if s)
        self._clock = clock
        self._last_sent: dict[str, float] = {}
        sentry_sdk.init(
            dsn=settings.sentry_dsn,
            environment=settings.sentry_environment,
            release=settings.sentry_release or release,
            sample_rate=settings.sentry_sample_rate,
            data_collection={"user_info": False, "http_bodies": [], "stack_frame_variables": False},
            max_breadcrumbs=0,
            traces_sample_rate=0.0,
            before_send=self.before_send,  # type: ignore[arg-type]  # Event is a TypedDict of a dict
            shutdown_timeout=2,
            default_integrations=True,
        )

    def before_send(self, event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
        """Rate-limit by error class, then scrub (``None`` drops the event)."""
        key = _error_class(event)
        now = self._clock()
        last = self._last_sent.get(key)
        if last is not None and now - last < RATE_LIMIT_S:
            return None
        self._last_sent[key] = now
        return scrub(event, self._secrets)

    def turn_failed(self, outcome: str, session_id: str, request_id: str, client_id: str) -> None:
        """Report a turn that ended with an engine or internal error."""
        with sentry_sdk.new_scope() as scope:
            scope.set_tag("session_id", session_id)
            scope.set_tag("request_id", request_id)
            scope.set_tag("client_id", client_id)
            scope.set_tag("outcome", outcome)
            sentry_sdk.capture_message(f"turn ended with {outcome}", level="error")

    def shutdown(self, timeout_s: float) -> None:
        """Send what is queued, waiting at most ``timeout_s``. Blocking."""
        client = sentry_sdk.get_client()
        if client.is_active():
            client.close(timeout=timeout_s)


__all__ = ["RATE_LIMIT_S", "SentryReporter", "scrub"]
