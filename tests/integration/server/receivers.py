"""Real telemetry receivers on loopback: OTLP/HTTP (protobuf) and Sentry envelopes.

Each runs a :class:`http.server.ThreadingHTTPServer` on 127.0.0.1 in a
thread and keeps what it received, decoded. :class:`Blackhole` accepts TCP
connections and never answers (a collector that is down but routable).
"""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import KeyValue


def _body(handler: http.server.BaseHTTPRequestHandler) -> bytes:
    data = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    encoding = handler.headers.get("Content-Encoding", "")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]  # only if sentry-sdk picked it

        return bytes(brotli.decompress(data))
    return data


def attributes(pairs: Any) -> dict[str, Any]:
    """OTLP ``KeyValue``s as a dict of plain values."""
    out: dict[str, Any] = {}
    for pair in pairs:
        assert isinstance(pair, KeyValue)
        value = pair.value
        out[pair.key] = getattr(value, value.WhichOneof("value")) if value.WhichOneof("value") else None
    return out


class _Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = _body(self)
                with receiver.lock:
                    receiver.requests.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, path: str) -> list[bytes]:
        with self.lock:
            return [body for got, _, body in self.requests if got == path]


class OtlpReceiver(_Receiver):
    """Decodes ``/v1/metrics`` and ``/v1/traces`` export requests."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def data_points(self, name: str) -> list[tuple[dict[str, Any], Any]]:
        """Every data point of metric ``name``: (attributes, point), oldest first."""
        points = []
        for body in self.bodies("/v1/metrics"):
            request = ExportMetricsServiceRequest.FromString(body)
            for resource in request.resource_metrics:
                for scope in resource.scope_metrics:
                    for metric in scope.metrics:
                        if metric.name != name:
                            continue
                        kind = metric.WhichOneof("data")
                        for point in getattr(metric, kind).data_points:
                            points.append((attributes(point.attributes), point))
        return points

    def latest(self, name: str) -> dict[tuple[tuple[str, Any], ...], Any]:
        """The last exported point of each series of ``name`` (cumulative)."""
        latest: dict[tuple[tuple[str, Any], ...], Any] = {}
        for attrs, point in self.data_points(name):
            latest[tuple(sorted(attrs.items()))] = point
        return latest

    def spans(self) -> list[Any]:
        """Every exported span."""
        out = []
        for body in self.bodies("/v1/traces"):
            request = ExportTraceServiceRequest.FromString(body)
            for resource in request.resource_spans:
                for scope in resource.scope_spans:
                    out.extend(scope.spans)
        return out

    def resource_attributes(self) -> dict[str, Any]:
        for body in self.bodies("/v1/traces"):
            for resource in ExportTraceServiceRequest.FromString(body).resource_spans:
                return attributes(resource.resource.attributes)
        return {}


class SentryReceiver(_Receiver):
    """Parses Sentry envelopes posted to ``/api/<project>/envelope/``."""

    def dsn(self, key: str = "publickey") -> str:
        return f"http://{key}@127.0.0.1:{self.port}/1"

    def raw(self) -> list[bytes]:
        with self.lock:
            return [body for path, _, body in self.requests if path.startswith("/api/1/")]

    def events(self) -> list[dict[str, Any]]:
        """Every error event received."""
        events = []
        for body in self.raw():
            lines = body.split(b"\n")
            index = 1
            while index + 1 < len(lines):
                header = json.loads(lines[index])
                payload = lines[index + 1]
                index += 2
                if header.get("type") == "event":
                    events.append(json.loads(payload))
        return events


@contextmanager
def blackhole() -> Iterator[int]:
    """A listening port whose connections are never answered."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


__all__ = ["OtlpReceiver", "SentryReceiver", "attributes", "blackhole"]
