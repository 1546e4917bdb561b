"""The streaming text filter a turn passes engine text through."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, Protocol


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


class Markers(NamedTuple):
    """Marker texts, prepared once for every :class:`MarkerFilter`."""

    texts: tuple[str, ...]
    longest: int
    firsts: frozenset[str]
    #: Any marker, with the space after it if there is one.
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, texts: tuple[str, ...]) -> Markers:
        """Prepare non-empty ``texts``."""
        pattern = re.compile("(?:" + "|".join(map(re.escape, texts)) + ") ?")
        return cls(texts, max(map(len, texts)), frozenset(text[0] for text in texts), pattern)


class MarkerFilter:
    """Removes the server's own prompt markers wherever the model repeats
    them verbatim, then passes the text on to ``inner``.

    Markers (``CHECK_SCREEN_PREFIX``, ``FOLLOWUP_PREFIX``) match exactly, with
    the space after them: in capitals they do not occur in natural speech,
    while a case-blind match would eat phrases like "on the screen now:". A
    chunk that ends with what could be the start of a marker (rare: it
    takes a capital ``M`` or ``O``) is held until the next chunk tells (or
    :meth:`flush`, which releases it). The sanitizer alone strips a marker
    only at the start of a reply (there in any case), and a turn with
    ``sanitize_output`` false has no sanitizer: this filter serves both.
    """

    __slots__ = ("_firsts", "_held", "_inner", "_longest", "_markers", "_pattern", "_space_due")

    def __init__(self, markers: Markers, inner: StreamFilter) -> None:
        self._markers = markers.texts
        self._pattern = markers.pattern
        self._longest = markers.longest
        self._firsts = markers.firsts
        self._inner = inner
        self._held = ""
        #: A marker ended the last text: one space starting the next goes with it.
        self._space_due = False

    def feed(self, chunk: str) -> str:
        """Remove complete markers (and one space after each); hold a
        possible marker start; feed the rest on."""
        if not self._held and not self._space_due and self._firsts.isdisjoint(chunk):
            return self._inner.feed(chunk)  # the per-token case: no marker can start here
        if self._space_due and chunk:  # the space right after a marker that ended the last text
            self._space_due = False
            chunk = chunk[1:] if chunk[0] == " " else chunk
        text = self._remove(self._held + chunk if self._held else chunk)
        keep = self._possible_start(text)
        self._held = text[keep:]
        return self._inner.feed(text[:keep]) if keep else ""

    def _remove(self, text: str) -> str:
        """``text`` without markers (and the space after each), removing again
        while removals join into new ones; notes a marker that ended it."""
        pattern, due = self._pattern, False
        while True:
            matches = list(pattern.finditer(text))
            if not matches:
                self._space_due = due
                return text
            last = matches[-1]
            due = due or (last.end() == len(text) and not last.group().endswith(" "))
            text = pattern.sub("", text)

    def _possible_start(self, text: str) -> int:
        """Where the longest tail of ``text`` that could begin a marker
        starts (``len(text)`` when there is none)."""
        length = len(text)
        low = max(0, length - self._longest + 1)
        if self._firsts.isdisjoint(text[low:]):  # the per-token case: no capital M or O
            return length
        for start in range(low, length):
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

__all__ = ["FilterFactory", "MarkerFilter", "Markers", "Passthrough", "StreamFilter"]
