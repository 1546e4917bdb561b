"""URLs, API-key placement, backoff and handshake rejections."""

from __future__ import annotations

import pytest
from websockets.datastructures import Headers
from websockets.http11 import Response

from cadence.client import AuthenticationError, ReconnectPolicy, normalize_url, redact
from cadence.client.connection import rejection, with_auth


@pytest.mark.parametrize(("given", "expected"), [
    ("ws://h:8000", "ws://h:8000/ws"),
    ("ws://h:8000/", "ws://h:8000/ws"),
    ("ws://h:8000/ws", "ws://h:8000/ws"),
    ("http://h:8000", "ws://h:8000/ws"),
    ("https://h/custom", "wss://h/custom"),
    ("127.0.0.1:8000", "ws://127.0.0.1:8000/ws"),
])
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_api_key_placement() -> None:
    url = "ws://h/ws"
    assert with_auth(url, "k", "header") == (url, {"X-API-Key": "k"})
    assert with_auth(url, "k", "bearer") == (url, {"Authorization": "Bearer k"})
    assert with_auth("ws://h/ws?api_key=old&x=1", "k", "query") == ("ws://h/ws?x=1&api_key=k", {})
    assert with_auth(url, None, "query") == (url, {})
    assert redact("ws://h/ws?api_key=secret&x=1") == "ws://h/ws?api_key=***&x=1"


def test_backoff_grows_caps_and_jitters() -> None:
    policy = ReconnectPolicy(base_delay_s=0.1, max_delay_s=1.0, jitter=0.5)
    assert [policy.delay(k, lambda: 1.0) for k in range(6)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])
    assert policy.delay(2, lambda: 0.0) == pytest.approx(0.2)  # jitter never goes below half
    assert ReconnectPolicy(jitter=0.0).delay(1, lambda: 0.7) == pytest.approx(0.2)


def test_rejection_reads_the_error_envelope() -> None:
    body = b'{"type":"error","session_id":"unknown","request_id":"unknown",' \
           b'"payload":{"code":"server_at_capacity","message":"full","details":{}}}'
    error = rejection(Response(503, "Service Unavailable", Headers({"Retry-After": "2"}), body))
    assert error.code == "server_at_capacity" and error.retry_after == 2.0 and error.retryable
    auth = rejection(Response(401, "Unauthorized", Headers(), b"not json"))
    assert isinstance(auth, AuthenticationError) and not auth.retryable and auth.code == "http_error"
