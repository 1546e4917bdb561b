"""The public streaming sanitizer: raw model deltas in, speakable text out."""

from __future__ import annotations

from cadence.sanitize.config import DEFAULT_CONFIG, SanitizerConfig, rules_of
from cadence.sanitize.lexer import Lexer
from cadence.sanitize.spacer import Spacer


class SanitizerStateError(RuntimeError):
    """A call came in a state that does not allow it (our caller's bug):
    :meth:`Sanitizer.feed` after :meth:`Sanitizer.flush`, or any call after
    an earlier call failed."""


class Sanitizer:
    """Turns one reply, streamed in chunks, into text a TTS can say well.

    Use a new instance per turn: :meth:`feed` each model delta and send what
    it returns (it may be ``""``: do not send an empty token), then
    :meth:`flush` once at the end. The concatenation of every return value
    equals :func:`sanitize_text` of the whole reply, however it was chunked.
    Pure and synchronous: no I/O, no clock; cost is linear in the input.
    """

    __slots__ = ("_broken", "_done", "_lexer", "_sink", "_spacer")

    def __init__(self, config: SanitizerConfig | None = None) -> None:
        rules = rules_of(config if config is not None else DEFAULT_CONFIG)
        self._lexer = Lexer(rules)
        self._spacer = Spacer(capitalize=rules.capitalize, tidy_punctuation=rules.punct)
        self._sink = self._spacer.put
        self._done = False
        self._broken = False

    @property
    def pending_raw_chars(self) -> int:
        """How many of the raw characters fed so far are not yet reflected in
        the output (held back). ``raw[:len(raw) - pending_raw_chars]`` is the
        raw text delivered so far; 0 after :meth:`flush`."""
        return self._lexer.pending + self._spacer.held_cost

    def feed(self, chunk: str) -> str:
        """Add the next model delta; return the text that is now final.

        Holds back only a tail that could still change (a half-written
        address, an unclosed tag, a word that may be "e.g."). Not idempotent.

        Raises:
            SanitizerStateError: called after :meth:`flush` or after a failure.
        """
        if self._done or self._broken:
            self._refuse()
        try:
            self._lexer.feed(chunk, False, self._sink)
            return self._spacer.take()
        except BaseException:
            self._broken = True
            raise

    def flush(self) -> str:
        """End the reply: decide everything held back and return it.

        Idempotent: later calls return ``""``.

        Raises:
            SanitizerStateError: an earlier call failed.
        """
        if self._broken:
            self._refuse()
        if self._done:
            return ""
        try:
            self._lexer.feed("", True, self._sink)
            self._spacer.finish()
            self._done = True
            return self._spacer.take()
        except BaseException:
            self._broken = True
            raise

    def _refuse(self) -> None:
        if self._broken:
            raise SanitizerStateError("the sanitizer failed earlier")
        raise SanitizerStateError("feed() after flush()")


def sanitize_text(text: str, config: SanitizerConfig | None = None) -> str:
    """Sanitize a whole reply at once (same result as streaming it)."""
    sanitizer = Sanitizer(config)
    return sanitizer.feed(text) + sanitizer.flush()


__all__ = ["Sanitizer", "SanitizerStateError", "sanitize_text"]
