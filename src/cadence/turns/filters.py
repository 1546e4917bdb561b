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


class MarkerFilter:
    """Removes the server's own prompt markers wherever the model repeats
    them verbatim, then passes the text on to ``inner``.

    Markers (``CHECK_SCREEN_PREFIX``, ``FOLLOWUP_PREFIX``) match exactly, with
    the space after them: in capitals they do not occur in natural speech,
    while a case-blind match would eat phrases like "on the screen now:". A
    chunk that ends with what could be the start of a marker (rare: it
    takes a capital ``M`` or ``O``) is held until the next chunk tells (or
    :meth:`flush`, which releases it). The sanitizer alone strips a marker only at the start of a
    reply (there in any case), and a turn with ``sanitize_output`` false has
    no sanitizer: this filter serves both.
    """

    __slots__ = ("_held", "_inner", "_longest", "_markers", "_space_due")

    def __init__(self, markers: tuple[str, ...], inner: StreamFilter) -> None:
        """``markers``: non-empty marker texts."""
        self._markers = markers
        self._longest = max(len(marker) for marker in markers)
        self._inner = inner
        self._held = ""
        #: A marker ended the last text: one space starting the next goes with it.
        self._space_due = False

    def feed(self, chunk: str) -> str:
        """Remove complete markers (and one space after each); hold a
        possible marker start; feed the rest on."""
        text = self._held + chunk if self._held else chunk
        if self._space_due and text:
            self._space_due = False
            text = text[1:] if text[0] == " " else text
        for marker in self._markers:
            found = text.find(marker)
            while found >= 0:
                end = found + len(marker)
                end += text[end:end + 1] == " "
                self._space_due = end == len(text)
                text = text[:found] + text[end:]
                found = text.find(marker, max(0, found - len(marker) + 1))  # a join may form one
        keep = self._possible_start(text)
        self._held = text[keep:]
        return self._inner.feed(text[:keep]) if keep else ""

    def _possible_start(self, text: str) -> int:
        """Where the longest tail of ``text`` that could begin a marker
        starts (``len(text)`` when there is none)."""
        length = len(text)
        for start in range(max(0, length - self._longest + 1), length):
            tail = text[start:]
            if any(marker.startswith(tail) for marker in self._markers):
                return start
        return length

    def flush(self) -> str:
        """Release held text (not a whole marker) and flush ``inner``."""
        held, self._held = self._held, ""
        return (self._inner.feed(held) if held else "") + self._inner.flush()

    @property
    def pending_raw_chars(self) -> int:
        """Held characters plus what ``inner`` holds."""
        return len(self._held) + self._inner.pending_raw_chars


FilterFactory = Callable[[], StreamFilter]

__all__ = ["FilterFactory", "MarkerFilter", "Passthrough", "StreamFilter"]
