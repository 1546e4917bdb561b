"""HTTP responses at the handshake: JSON bodies with the right headers."""

from __future__ import annotations

import http
from typing import Protocol

import orjson
from websockets.http11 import Response

from cadence.protocol import encode
from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import UNKNOWN_ID


class Peer(Protocol):
    """The connection as the handshake sees it (a ``WireProtocol``)."""

    @property
    def remote_address(self) -> object:
        """The peer's socket address (``(host, port, ...)`` for TCP)."""

    @property
    def closed(self) -> bool:
        """Whether the connection is fully closed."""

    def respond(self, status: http.HTTPStatus, text: str) -> Response:
        """A plain-text HTTP response to adjust and send."""


def json_response(
    connection: Peer,
    status: http.HTTPStatus,
    body: bytes,
    retry_after: float | None = None,
) -> Response:
    """A response with a JSON body (and ``Retry-After`` when given)."""
    response = _body_response(connection, status, body, "application/json")
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
    return response


def text_response(connection: Peer, status: http.HTTPStatus, body: str, content_type: str) -> Response:
    """A response with a text body of ``content_type``."""
    return _body_response(connection, status, body.encode(), content_type)


def _body_response(connection: Peer, status: http.HTTPStatus, body: bytes, content_type: str) -> Response:
    response = connection.respond(status, "")
    response.body = body
    headers = response.headers
    for name in ("Content-Type", "Content-Length"):
        del headers[name]
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    return response


def error_response(
    connection: Peer,
    status: http.HTTPStatus,
    code: ErrorCode,
    message: str,
    retry_after: float | None = None,
    details: dict[str, object] | None = None,
) -> Response:
    """A handshake rejection whose body is an ``error`` envelope."""
    body = encode.error_frame(UNKNOWN_ID, UNKNOWN_ID, code, message, details or {})
    return json_response(connection, status, body, retry_after)


def object_response(connection: Peer, status: http.HTTPStatus, data: object) -> Response:
    """A response whose body is ``data`` as JSON."""
    return json_response(connection, status, orjson.dumps(data))


__all__ = ["Peer", "error_response", "json_response", "object_response", "text_response"]
