"""The streaming text filter a turn passes engine text through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class StreamFilter(Protocol):
    """A streaming transformer of reply text (the speech sanitizer).

    Feeding chunks then flushing yields the same text however the input was
    chunked. ``pending_raw_chars`` counts input characters fed but not yet
    reflected in output.
    """

    def feed(self, chunk: str) -> str:
        """Consume a chunk; return the text that can be released now."""
        ...

    def flush(self) -> str:
        """Release everything held back; the filter is finished after this."""
        ...

    @property
    def pending_raw_chars(self) -> int:
        """Raw characters held back so far."""
        ...


class Passthrough:
    """The identity filter, used when ``sanitize_output`` is false.

    Stateless (no slots to set), so one instance may serve every turn.
    """

    __slots__ = ()

    def feed(self, chunk: str) -> str:
        """Return ``chunk`` unchanged."""
        return chunk

    def flush(self) -> str:
        """Return ""; nothing is ever held."""
        return ""

    @property
    def pending_raw_chars(self) -> int:
        """Always 0."""
        return 0


FilterFactory = Callable[[], StreamFilter]

__all__ = ["FilterFactory", "Passthrough", "StreamFilter"]
