"""Decisions taken before any WebSocket exists: routes, auth, capacity.

``/healthz``, ``/readyz``, ``/stats`` and ``/metrics`` are answered here; ``/ws`` requests
are checked in the order of PROTOCOL.md section 1 (draining, auth-failure
throttle, key, readiness, capacity). A request that passes holds a connection slot
until its handler ends or the handshake fails.
"""

from __future__ import annotations

import http
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import orjson
from websockets.http11 import Request, Response

from cadence.protocol.codes import ErrorCode
from cadence.server.auth import AuthThrottle, keys_valid, presented_keys
from cadence.server.http import Peer, error_response, object_response, text_response
from cadence.telemetry.prometheus import CONTENT_TYPE as METRICS_CONTENT_TYPE

Status = http.HTTPStatus


class Gate:
    """Shared handshake state: readiness, draining, slots, auth throttle."""

    def __init__(self, api_key: str, max_connections: int, throttle: AuthThrottle) -> None:
        self._api_key = api_key
        self._max_connections = max_connections
        self._throttle = throttle
        self.slots: set[Peer] = set()
        self.draining = False
        self.not_ready: dict[str, str] = {"startup": "models are loading"}

    def _free_stale_slots(self) -> None:
        for connection in [c for c in self.slots if c.closed]:
            self.slots.discard(connection)

    def release(self, connection: Peer) -> None:
        """Give back the slot of ``connection`` (idempotent)."""
        self.slots.discard(connection)

    def authorize(self, connection: Peer, request: Request) -> Response | None:
        """Check the throttle and the key; ``None`` means authorized."""
        ip = _client_ip(connection)
        now = time.monotonic()
        wait = self._throttle.retry_after(ip, now)
        if wait > 0:
            return error_response(
                connection, Status.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED,
                "too many authentication failures; retry later", retry_after=wait,
            )
        if not keys_valid(presented_keys(request.path, request.headers.raw_items()), self._api_key):
            self._throttle.failed(ip, now)
            return error_response(
                connection, Status.UNAUTHORIZED, ErrorCode.AUTHENTICATION_FAILED,
                "authentication required: pass a valid API key with the api_key query "
                "parameter, the X-API-Key header or Authorization: Bearer",
            )
        self._throttle.succeeded(ip)
        return None

    def admit_websocket(self, connection: Peer, request: Request) -> Response | None:
        """Run the ``/ws`` checks; on success reserve a slot."""
        if self.draining:
            return error_response(
                connection, Status.SERVICE_UNAVAILABLE, ErrorCode.SERVER_SHUTTING_DOWN,
                "the server is shutting down", retry_after=5,
            )
        rejection = self.authorize(connection, request)
        if rejection is not None:
            return rejection
        if self.not_ready:  # a connection made now would have no prompt builder
            return error_response(
                connection, Status.SERVICE_UNAVAILABLE, ErrorCode.SERVER_NOT_READY,
                "the server is still loading its models; retry shortly", retry_after=2,
                details={"not_ready": dict(self.not_ready)},
            )
        self._free_stale_slots()
        if len(self.slots) >= self._max_connections:
            return error_response(
                connection, Status.SERVICE_UNAVAILABLE, ErrorCode.SERVER_AT_CAPACITY,
                "the server is at capacity; retry with backoff", retry_after=1,
            )
        self.slots.add(connection)
        return None


def _client_ip(connection: Peer) -> str:
    address = connection.remote_address
    if isinstance(address, tuple) and address:
        return str(address[0])
    return "unknown"


def _error_code(response: Response) -> str:
    """The ``code`` of a rejection's ``error`` envelope."""
    try:
        return str(orjson.loads(response.body)["payload"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}"


class Handshake:
    """``process_request`` / ``process_response`` hooks for ``serve``."""

    def __init__(
        self,
        gate: Gate,
        stats: Callable[[], dict[str, object]],
        metrics: Callable[[], str] = lambda: "",
        *,
        metrics_public: bool = False,
        on_rejected: Callable[[str], None] = lambda reason: None,
    ) -> None:
        """``metrics`` renders ``/metrics`` (key-protected unless
        ``metrics_public``); ``on_rejected`` hears each refused upgrade's code."""
        self._gate = gate
        self._stats = stats
        self._metrics = metrics
        self._metrics_public = metrics_public
        self._on_rejected = on_rejected

    def process_request(self, connection: Peer, request: Request) -> Response | None:
        """Answer HTTP routes or vet a ``/ws`` upgrade."""
        path = urlsplit(request.path).path
        if path == "/ws":
            rejection = self._gate.admit_websocket(connection, request)
            if rejection is not None:
                self._on_rejected(_error_code(rejection))
            return rejection
        if path == "/healthz":
            return object_response(connection, Status.OK, {"status": "ok"})
        if path == "/readyz":
            return self._readyz(connection)
        if path == "/stats":
            rejection = self._gate.authorize(connection, request)
            return rejection or object_response(connection, Status.OK, self._stats())
        if path == "/metrics":
            rejection = None if self._metrics_public else self._gate.authorize(connection, request)
            return rejection or text_response(connection, Status.OK, self._metrics(), METRICS_CONTENT_TYPE)
        return object_response(connection, Status.NOT_FOUND, {"status": "not_found", "path": path})

    def _readyz(self, connection: Peer) -> Response:
        gate = self._gate
        if gate.draining:
            body = {"status": "draining", "not_ready": {"server": "draining for shutdown"}}
            return object_response(connection, Status.SERVICE_UNAVAILABLE, body)
        if gate.not_ready:
            body = {"status": "not_ready", "not_ready": dict(gate.not_ready)}
            return object_response(connection, Status.SERVICE_UNAVAILABLE, body)
        return object_response(connection, Status.OK, {"status": "ready"})

    def process_response(
        self, connection: Peer, request: Request, response: Response
    ) -> None:
        """Free the slot when the upgrade did not happen."""
        if response.status_code != Status.SWITCHING_PROTOCOLS:
            self._gate.release(connection)


__all__ = ["Gate", "Handshake"]
