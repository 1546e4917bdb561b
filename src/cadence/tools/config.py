"""Tool classifier settings: one frozen dataclass, validated on creation.

:func:`tool_config_from_env` reads the ``TOOL_*`` variables once; the server's
configuration layer may call it or build :class:`ToolConfig` itself.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import TypeVar

from cadence.tools.types import BatchLimits, ToolConfigError

DEFAULT_THRESHOLD = 0.66
DEFAULT_MAX_LENGTH = 256
DEFAULT_HISTORY_TOKENS = 64
DEFAULT_TIMEOUT_S = 3.0
DEFAULT_TOOL_NAME = "take_screenshot"
_DEVICES = ("auto", "cpu", "cuda", "mps")
_PREFIX = "invalid tool configuration: "
T = TypeVar("T", int, float)


@dataclasses.dataclass(frozen=True, slots=True)
class ToolConfig:
    """How to load and run the tool model.

    ``model`` is a local folder or a model id of any
    ``AutoModelForSequenceClassification``. ``max_length`` (total tokens,
    special tokens included) and ``history_tokens`` (tokens of earlier turns)
    are clamped at load time to what the model supports. ``max_batch_size``
    and ``max_delay_ms`` left as ``None`` take per-size defaults
    (:func:`default_batch_limits`). ``device`` is ``auto`` (CUDA when
    available), ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.

    Raises:
        ToolConfigError: on creation, listing every invalid field.
    """

    model: str
    threshold: float = DEFAULT_THRESHOLD
    max_length: int = DEFAULT_MAX_LENGTH
    history_tokens: int = DEFAULT_HISTORY_TOKENS
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_batch_size: int | None = None
    max_delay_ms: float | None = None
    device: str = "auto"
    tool_name: str = DEFAULT_TOOL_NAME

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ToolConfigError(_PREFIX + "; ".join(problems))


def _problems(config: ToolConfig) -> list[str]:
    problems: list[str] = []
    if not config.model.strip():
        problems.append("TOOL_MODEL must not be empty")
    if not 0.0 <= config.threshold <= 1.0:
        problems.append(f"TOOL_DECISION_THRESHOLD must be in [0, 1], got {config.threshold}")
    if config.max_length < 8:
        problems.append(f"TOOL_MAX_LENGTH must be at least 8, got {config.max_length}")
    if config.history_tokens < 0:
        problems.append(f"TOOL_HISTORY_TOKENS must be >= 0, got {config.history_tokens}")
    if not (math.isfinite(config.timeout_s) and config.timeout_s > 0):
        problems.append(f"TOOL_TIMEOUT_S must be > 0, got {config.timeout_s}")
    if config.max_batch_size is not None and config.max_batch_size < 1:
        problems.append(f"TOOL_MAX_BATCH_SIZE must be >= 1, got {config.max_batch_size}")
    if config.max_delay_ms is not None and not 0.0 <= config.max_delay_ms <= 1000.0:
        problems.append(f"TOOL_MAX_DELAY_MS must be in [0, 1000], got {config.max_delay_ms}")
    base_device = config.device.split(":", 1)[0]
    if base_device not in _DEVICES:
        problems.append(f"TOOL_DEVICE must be one of {', '.join(_DEVICES)}, got {config.device!r}")
    if not config.tool_name:
        problems.append("tool_name must not be empty")
    return problems


def default_batch_limits(num_parameters: int, device_type: str) -> BatchLimits:
    """Per-size batching defaults.

    Requests that arrive while a forward pass runs are batched anyway; the
    delay only lets near-simultaneous arrivals join a batch, and a lone
    request pays it in full. So it stays a small fraction of one forward pass
    (MiniLM on 2 CPU cores: about 15 ms at batch 1). A CPU gains little from
    big batches (it is compute-bound), so they stay small there; a GPU takes
    wide batches almost for free.
    """
    on_gpu = device_type == "cuda"
    if num_parameters <= 50_000_000:
        return BatchLimits(32, 1.0) if on_gpu else BatchLimits(8, 1.0)
    if num_parameters <= 200_000_000:
        return BatchLimits(32, 2.0) if on_gpu else BatchLimits(8, 3.0)
    return BatchLimits(16, 3.0) if on_gpu else BatchLimits(4, 6.0)


def resolve_batch_limits(config: ToolConfig, defaults: BatchLimits) -> BatchLimits:
    """Return the configured limits, with ``defaults`` for the ones left unset."""
    return BatchLimits(
        config.max_batch_size if config.max_batch_size is not None else defaults.max_batch_size,
        config.max_delay_ms if config.max_delay_ms is not None else defaults.max_delay_ms,
    )


def _read(env: Mapping[str, str], name: str, kind: type[T], problems: list[str]) -> T | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        problems.append(f"{name} must be a {kind.__name__}, got {text!r}")
        return None


def tool_config_from_env(env: Mapping[str, str], default_model: str) -> ToolConfig:
    """Build a :class:`ToolConfig` from ``TOOL_*`` variables in ``env``.

    ``TOOL_MODEL`` falls back to ``default_model``; unset or empty variables
    keep the dataclass defaults.

    Raises:
        ToolConfigError: listing every unparsable or invalid variable.
    """
    problems: list[str] = []
    threshold = _read(env, "TOOL_DECISION_THRESHOLD", float, problems)
    max_length = _read(env, "TOOL_MAX_LENGTH", int, problems)
    history_tokens = _read(env, "TOOL_HISTORY_TOKENS", int, problems)
    timeout_s = _read(env, "TOOL_TIMEOUT_S", float, problems)
    max_batch_size = _read(env, "TOOL_MAX_BATCH_SIZE", int, problems)
    max_delay_ms = _read(env, "TOOL_MAX_DELAY_MS", float, problems)
    try:
        config = ToolConfig(
            model=env.get("TOOL_MODEL", "").strip() or default_model,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            max_length=DEFAULT_MAX_LENGTH if max_length is None else max_length,
            history_tokens=DEFAULT_HISTORY_TOKENS if history_tokens is None else history_tokens,
            timeout_s=DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s,
            max_batch_size=max_batch_size,
            max_delay_ms=max_delay_ms,
            device=env.get("TOOL_DEVICE", "").strip() or "auto",
        )
    except ToolConfigError as exc:
        problems.append(str(exc).removeprefix(_PREFIX))
    if problems:
        raise ToolConfigError(_PREFIX + "; ".join(problems))
    return config


__all__ = [
    "DEFAULT_HISTORY_TOKENS",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_THRESHOLD",
    "DEFAULT_TIMEOUT_S",
    "DEFAULT_TOOL_NAME",
    "ToolConfig",
    "default_batch_limits",
    "resolve_batch_limits",
    "tool_config_from_env",
]
