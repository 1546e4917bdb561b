"""``GET /metrics``: the local metrics in the Prometheus text format (0.0.4).

Names follow the OpenTelemetry-to-Prometheus rules vLLM users already
scrape: dots become underscores, a histogram in seconds gets ``_seconds``
(``text_inference.ttft`` is ``text_inference_ttft_seconds``), a byte gauge
``_bytes``, and attribute names lose their dots (``error.type`` is
``error_type``). Pure: builds a string from values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from cadence.telemetry.registry import LocalMetric, MetricSpec, SeriesKey

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_UNIT_SUFFIX = {"s": "_seconds", "By": "_bytes", "%": "_percent"}
#: One observation of a gauge read at scrape time: (attributes, value).
GaugeSample = tuple[SeriesKey, float]


def metric_name(spec: MetricSpec) -> str:
    """The Prometheus name of ``spec``."""
    name = spec.name.replace(".", "_")
    suffix = _UNIT_SUFFIX.get(spec.unit, "")
    return name if name.endswith(suffix) else name + suffix


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(key: SeriesKey, extra: tuple[tuple[str, str], ...] = ()) -> str:
    pairs = [*key, *extra]
    if not pairs:
        return ""
    return "{" + ",".join(f'{name.replace(".", "_")}="{_escape(value)}"' for name, value in pairs) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _header(name: str, kind: str, spec: MetricSpec) -> list[str]:
    return [f"# HELP {name} {_escape(spec.description)}", f"# TYPE {name} {kind}"]


def render_metric(metric: LocalMetric) -> list[str]:
    """The lines of one metric (header included even with no series yet)."""
    spec = metric.spec
    name = metric_name(spec)
    if spec.kind == "histogram":
        lines = _header(name, "histogram", spec)
        for key, value in sorted(metric.histograms.items()):
            running = 0
            for bound, count in zip((*spec.bounds, math.inf), value.counts, strict=True):
                running += count
                lines.append(f"{name}_bucket{_labels(key, (('le', _number(bound)),))} {running}")
            lines.append(f"{name}_sum{_labels(key)} {_number(value.total)}")
            lines.append(f"{name}_count{_labels(key)} {value.count}")
        return lines
    lines = _header(name, "counter" if spec.kind == "counter" else "gauge", spec)
    lines += [f"{name}{_labels(key)} {_number(value)}" for key, value in sorted(metric.values.items())]
    return lines


def render(metrics: Iterable[LocalMetric], gauges: Iterable[tuple[MetricSpec, list[GaugeSample]]] = ()) -> str:
    """The whole ``/metrics`` body."""
    lines: list[str] = []
    for metric in metrics:
        lines += render_metric(metric)
    for spec, samples in gauges:
        name = metric_name(spec)
        lines += _header(name, "counter" if spec.kind == "observed_counter" else "gauge", spec)
        lines += [f"{name}{_labels(key)} {_number(value)}" for key, value in samples]
    return "\n".join(lines) + "\n"


__all__ = ["CONTENT_TYPE", "GaugeSample", "metric_name", "render", "render_metric"]
