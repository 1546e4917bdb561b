"""HTTP responses at the handshake: JSON bodies with the right headers."""

from __future__ import annotations

import http

import orjson
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Response

from cadence.protocol import encode
from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import UNKNOWN_ID


def json_response(
    connection: ServerConnection,
    status: http.HTTPStatus,
    body: bytes,
    retry_after: float | None = None,
) -> Response:
    """A response with a JSON body (and ``Retry-After`` when given)."""
    response = connection.respond(status, "")
    response.body = body
    headers = response.headers
    for name in ("Content-Type", "Content-Length"):
        del headers[name]
    headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(body))
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
    return response


def error_response(
    connection: ServerConnection,
    status: http.HTTPStatus,
    code: ErrorCode,
    message: str,
    retry_after: float | None = None,
) -> Response:
    """A handshake rejection whose body is an ``error`` envelope."""
    body = encode.error_frame(UNKNOWN_ID, UNKNOWN_ID, code, message, {})
    return json_response(connection, status, body, retry_after)


def object_response(connection: ServerConnection, status: http.HTTPStatus, data: object) -> Response:
    """A response whose body is ``data`` as JSON."""
    return json_response(connection, status, orjson.dumps(data))


__all__ = ["error_response", "json_response", "object_response"]
