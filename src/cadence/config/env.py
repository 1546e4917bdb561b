"""A reader that turns environment strings into typed values, collecting errors.

Every accessor returns a usable value even when the variable is bad (the
default), so one pass over all settings lists every problem at once; call
:meth:`EnvReader.raise_errors` at the end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T", int, float)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(Exception):
    """One or more settings are invalid; the message lists each of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration:\n  - " + "\n  - ".join(problems))
        self.problems = problems


class EnvReader:
    """Typed access to a mapping of environment variables."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self._problems: list[str] = []

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def problem(self, message: str) -> None:
        """Record a problem found by a cross-field check."""
        self._problems.append(message)

    def text(self, name: str, default: str = "") -> str:
        """Return the variable as a string (``default`` when unset or blank)."""
        raw = self._environ.get(name)
        return default if raw is None or raw == "" else raw

    def flag(self, name: str, default: bool) -> bool:
        """Return a boolean (1/0, true/false, yes/no, on/off)."""
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        self._problems.append(f"{name}={raw!r}: expected a boolean (1/0, true/false)")
        return default

    def integer(self, name: str, default: int, low: int | None = None, high: int | None = None) -> int:
        """Return an integer within [low, high]."""
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self._problems.append(f"{name}={raw!r}: expected an integer")
            return default
        return self._bounded(name, value, default, low, high)

    def number(
        self, name: str, default: float, low: float | None = None, high: float | None = None
    ) -> float:
        """Return a finite float within [low, high]."""
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            self._problems.append(f"{name}={raw!r}: expected a number")
            return default
        if not math.isfinite(value):
            self._problems.append(f"{name}={raw!r}: expected a finite number")
            return default
        return self._bounded(name, value, default, low, high)

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        """Return one of ``choices`` (case-insensitive)."""
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() not in choices:
            self._problems.append(f"{name}={raw!r}: expected one of {', '.join(choices)}")
            return default
        return raw.lower()

    def _bounded(self, name: str, value: T, default: T, low: T | None, high: T | None) -> T:
        if (low is not None and value < low) or (high is not None and value > high):
            self._problems.append(f"{name}={value}: must be within [{low}, {high}]")
            return default
        return value

    def raise_errors(self) -> None:
        """Raise :class:`ConfigError` listing every problem recorded so far."""
        if self._problems:
            raise ConfigError(list(self._problems))


__all__ = ["ConfigError", "EnvReader"]
