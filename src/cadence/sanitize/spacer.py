"""Second stage: spacing, punctuation tidying and the capital first letter.

The spacer works character by character on what the lexer outputs, so its
result does not depend on how that output was cut into pieces. It holds back
at most a pending space, a pending pause (:data:`SOFT_STOP`) and the first
letter of the reply (until the next character shows whether it is "iPhone").
"""

from __future__ import annotations

from cadence.sanitize.chars import ELLIPSIS, PUNCT, SOFT_STOP, is_wordish
from cadence.sanitize.window import K_VERBATIM, K_WORD

_CLOSERS = frozenset(")]}")
_OPENERS = frozenset("([{")
_AFTER_ELLIPSIS = frozenset("?!")


class Spacer:
    """Collapse whitespace, drop spaces before punctuation and repeated
    punctuation, turn pauses into full stops, capitalise the first letter.

    Feed with :meth:`put`, collect with :meth:`take`, end with :meth:`finish`.
    Never outputs leading or trailing whitespace, nor two spaces in a row.
    """

    __slots__ = ("_cap", "_emitted", "_first", "_held_cost", "_last", "_out",
                 "_soft", "_space", "_tidy")  # fmt: skip

    def __init__(self, capitalize: bool, tidy_punctuation: bool) -> None:
        """``capitalize``: the reply's first letter; ``tidy_punctuation``: the
        punctuation rules (the sanitizer passes both positionally, which
        costs less than by keyword, once per turn)."""
        self._out: list[str] = []
        self._last = ""
        self._space = False
        self._soft = False
        self._first = ""
        self._cap = capitalize
        self._tidy = tidy_punctuation
        self._held_cost = 0
        self._emitted = False

    @property
    def held_cost(self) -> int:
        """Raw characters whose effect on the output is still held back."""
        return self._held_cost

    def put(self, kind: int, text: str, cost: int) -> None:
        """Add a piece that stands for ``cost`` characters of raw input."""
        if kind == K_WORD and not (self._soft or self._first or self._cap):
            # Fast path, same as _char() on each letter: a held space goes out
            # first (words never start with a closer).
            if self._space:
                self._space = False
                if self._last not in _OPENERS:
                    self._out.append(" ")
            self._out.append(text)
            self._last = text[-1]
            self._held_cost = 0
            return
        if text == " ":  # fast path: same as _char(" ")
            self._space = bool(self._last or self._first)
            holding = self._space or self._soft or self._first
            self._held_cost = self._held_cost + cost if holding else 0
            return
        self._emitted = False
        if kind == K_VERBATIM:
            self._verbatim(text)
        else:
            for c in text:
                self._char(c)
        # Raw text is "reflected" once its piece put something out; a space
        # or pause the piece leaves pending has no raw text of its own.
        if self._emitted or not (self._space or self._soft or self._first):
            self._held_cost = 0
        else:
            self._held_cost += cost

    def plain_last(self) -> str:
        """The last character output when nothing is pending or held (no
        space, pause or first letter, the capital done) and it is not an
        opening bracket; otherwise ``""``. From such a state a letter run, a
        space before one, or ``, ! ?`` after a letter or digit, come out
        unchanged. See :meth:`resume_plain`."""
        if self._space or self._soft or self._first or self._cap or self._out:
            return ""
        last = self._last
        return "" if last in _OPENERS or self._held_cost else last

    def resume_plain(self, last: str) -> None:
        """Record that, from a :meth:`plain_last` state, text that came out
        unchanged was output outside the spacer, ending with ``last``; or,
        from the start (nothing put), a word of two or more letters with the
        capital done as :meth:`put` does it."""
        self._last = last
        self._cap = False

    def take(self) -> str:
        """Return and forget what is ready to send."""
        out = "".join(self._out)
        self._out.clear()
        return out

    def finish(self) -> None:
        """End of reply: drop a trailing space or pause, release the first letter."""
        if self._first:
            self._emit(self._first.upper())
            self._first = ""
        self._space = self._soft = False
        self._held_cost = 0

    def _emit(self, s: str) -> None:
        self._out.append("..." if s == ELLIPSIS and self._tidy else s)
        self._last = s[-1]
        self._emitted = True

    def _started(self) -> bool:
        return bool(self._last or self._first)

    def _char(self, c: str) -> None:
        if c == " ":
            self._space = self._started()
            return
        if c == SOFT_STOP:
            if self._started() and (self._first or self._last not in PUNCT):
                self._soft = True
            return
        if self._first:
            first, self._first = self._first, ""
            self._emit(first if c.isupper() else first.upper())
        if c in PUNCT:
            self._punct(c)
            return
        self._gap(c)
        if self._cap and is_wordish(c):
            self._cap = False
            if c.isalpha() and c.islower():
                self._first = c
                return
        self._emit(c)

    def _verbatim(self, text: str) -> None:
        """Output ``text`` as one opaque unit (a kept emoticon such as ":)")."""
        if self._first:
            first, self._first = self._first, ""
            self._emit(first.upper())
        self._gap(text[0])
        self._emit(text)

    def _punct(self, c: str) -> None:
        self._soft = False
        if not self._tidy:
            self._gap(c)
            self._emit(c)
            return
        self._space = False
        if not self._started():
            if c == ELLIPSIS:
                self._emit(c)
            return
        last = self._last
        if last in PUNCT and not (last == ELLIPSIS and c in _AFTER_ELLIPSIS):
            return
        self._emit(c)

    def _gap(self, c: str) -> None:
        if self._soft:
            self._soft = False
            self._emit(".")
            self._space = True
        if self._space:
            self._space = False
            if not (self._tidy and c in _CLOSERS) and self._last not in _OPENERS:
                self._emit(" ")


__all__ = ["Spacer"]
