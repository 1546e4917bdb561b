"""The public streaming sanitizer: raw model deltas in, speakable text out.

Most model deltas are plain: a word, a space and a word, or ``, ! ?`` right
after a word. When nothing is held back and no rule can act on such a delta,
:meth:`Sanitizer.feed` returns it as it is without running the two stages
(the *plain path*: the same result and ``pending_raw_chars``, delta by
delta); the stages learn what they missed before they next run.
A ``.`` right after a word (it may be ``...`` or ``.com``), a space, and a
" word" that may still become a key but not once a space follows (" a":
"approx.") are held and released with the plain word that decides them,
still on the plain path. A :meth:`Sanitizer.flush` on the plain path does
not run the stages either: they hold nothing, and held text ends as they
would end it. The reply's first delta takes the plain path too when it is a
word (after spaces) that cannot begin a control prefix, a role label or a
key: it comes out with the capital the spacer would give it.
"""

from __future__ import annotations

from typing import Final

from cadence.sanitize.config import DEFAULT_CONFIG, SanitizerConfig, rules_of
from cadence.sanitize.known import KnownWords
from cadence.sanitize.lexer import Lexer
from cadence.sanitize.spacer import Spacer
from cadence.sanitize.state import WORD_CAP

#: Deltas that pass unchanged right after a letter or digit.
_PLAIN_MARKS: Final = frozenset(",!?")


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
    Construction builds no table (the config holds them compiled), so one
    per turn is cheap.
    """

    __slots__ = ("_broken", "_cap", "_done", "_ellipses", "_held", "_initials", "_known",
                 "_labels", "_lexer", "_mark", "_plain", "_releases", "_sink", "_spacer",
                 "_start", "_stops", "_word")  # fmt: skip

    def __init__(self, config: SanitizerConfig | None = None, known_words: KnownWords | None = None) -> None:
        """``known_words``: a memo of the " word" deltas that pass the plain
        path as they are, shared by the sanitizers of one ``config`` (the
        server keeps one per process); a private one when not given."""
        rules = rules_of(config if config is not None else DEFAULT_CONFIG)
        self._known = known_words if known_words is not None else KnownWords()
        self._lexer = Lexer(rules)
        self._spacer = Spacer(rules.capitalize, rules.punct)
        self._sink = self._spacer.put
        self._stops = rules.word_stops
        self._initials = rules.stop_initials
        self._releases = rules.space_releases
        self._ellipses = rules.punct  # ". ." may still become an ellipsis
        self._labels = rules.label_initials
        self._cap = rules.capitalize
        self._start = True  # nothing fed yet (see _begin)
        self._done = False
        self._broken = False
        # Plain path: on while both stages are in a plain state. ``_word`` is
        # the word being written, which ends with the last character output
        # ("" after a mark); ``_mark`` the last mark the plain path took.
        # ``_held``: raw text the plain path holds back (then it is off).
        self._plain = False
        self._held = ""
        self._word = ""
        self._mark = ""

    @property
    def pending_raw_chars(self) -> int:
        """How many of the raw characters fed so far are not yet reflected in
        the output (held back). ``raw[:len(raw) - pending_raw_chars]`` is the
        raw text delivered so far; 0 after :meth:`flush`."""
        return self._lexer.pending + self._spacer.held_cost + len(self._held)

    def feed(self, chunk: str) -> str:
        """Add the next model delta; return the text that is now final.

        Holds back only a tail that may still change ("e.g.", an address, a tag); not idempotent.

        Raises:
            SanitizerStateError: called after :meth:`flush` or after a failure.
        """
        if self._plain:
            try:
                word = self._known.get(chunk)
                if word is not None:  # a " word" this config passes as it is: decided before
                    self._word = word
                    return chunk
                if chunk == "":
                    return ""
                lead = chunk[0]
                if lead == " " or lead == "'":  # " word", "'s"
                    word = chunk[1:]
                    if word.isalpha() and word[0] not in self._initials:
                        if word not in self._stops:
                            self._word = word
                            self._known.remember(chunk, word)
                            return chunk
                        if lead == " " and word in self._releases:
                            return self._hold(chunk)
                    elif chunk == " ":
                        return self._hold(chunk)
                elif chunk.isalpha():
                    word = self._word
                    if word:  # the word goes on: no rule looks inside it
                        word += chunk
                        if len(word) <= WORD_CAP:
                            self._word = word
                            return chunk
                    elif chunk not in self._stops and lead not in self._initials:
                        self._word = chunk
                        return chunk
                elif chunk in _PLAIN_MARKS and self._word:
                    self._word = ""
                    self._mark = chunk
                    return chunk
                elif chunk == "." and self._word:
                    return self._hold(chunk)
                self._leave_plain()
            except BaseException:
                self._broken = True
                self._plain = False
                raise
        elif self._held:
            out = self._release(chunk)
            if out is not None:
                return out
        elif self._start:
            out = self._begin(chunk)
            if out is not None:
                return out
        elif self._done or self._broken:
            self._refuse()
        return self._feed_stages(chunk)

    def flush(self) -> str:
        """End the reply: decide everything held back and return it.

        Idempotent: later calls return ``""``. On the plain path (nothing
        held, or only what the plain path holds: ``"."``, ``" "``, ``" a"``,
        ``". "``) it runs neither stage.

        Raises:
            SanitizerStateError: an earlier call failed.
        """
        if self._broken:
            self._refuse()
        if self._done:
            return ""
        self._start = False
        if self._plain or self._held:
            # The stages hold nothing (the plain path went on from a plain
            # state) and, at the end, make of what is held ("." after a
            # word, " w" with w in ``space_releases``, " ", ". ") the same
            # text less its trailing space: nothing follows to decide more.
            out = self._held.rstrip(" ")
            self._plain, self._held, self._done = False, "", True
            return out
        try:
            self._leave_plain()
            self._lexer.feed("", True, self._sink)
            self._spacer.finish()
            self._done = True
            return self._spacer.take()
        except BaseException:
            self._broken = True
            raise

    def _feed_stages(self, chunk: str) -> str:
        """The full path: both stages, then the plain path if they allow it."""
        try:
            self._lexer.feed(chunk, False, self._sink)
            out = self._spacer.take()
            state = self._lexer.plain_state()
            if state is not None and state[0] == self._spacer.plain_last():
                self._word, self._mark, self._plain = state[1], "", True
            return out
        except BaseException:
            self._broken = True
            raise

    def _begin(self, chunk: str) -> str | None:
        """The reply's first delta: a letter run, after spaces, that cannot
        begin a control prefix, a role label or a key comes out with the
        spacer's capital (not for a lone lowercase letter: the spacer holds
        it) and the plain path goes on, as after the full path; otherwise
        None, for the full path."""
        if chunk == "":
            return ""
        self._start = False
        try:
            word = chunk.lstrip(" ") if chunk[0] == " " else chunk
            if not word.isalpha():
                return None
        except BaseException:
            self._broken = True
            raise
        lead = word[0]
        if lead.lower() in self._labels or lead in self._initials or word in self._stops:
            return None
        self._plain = True
        self._word = word  # as the lexer saw it, before the capital
        if self._cap and lead.islower():
            if len(word) < 2:
                self._plain = False
                return None
            return (lead if word[1].isupper() else lead.upper()) + word[1:]
        return word

    def _hold(self, chunk: str) -> str:
        """Hold ``chunk`` back on the plain path (see :meth:`_release`)."""
        self._plain = False
        self._held = chunk
        return ""

    def _release(self, chunk: str) -> str | None:
        """With text held on the plain path ("." after a word, " " or " w"
        with ``w`` in ``space_releases``, ". "): a plain word that decides it
        comes out with it; a space may be held too; for anything else, None
        with the plain path off."""
        try:
            held = self._held
            if held[-1] == " ":  # the word must come right after it
                word = chunk
            elif chunk == " ":
                if held != ".":  # " w" + " ": w is a plain word
                    self._word = held[1:]
                    self._held = " "
                    return held
                if self._ellipses:  # may still be ". . ."
                    self._held = ". "
                    return ""
                word = ""
            else:
                word = chunk[1:] if chunk[:1] == " " else ""
            if word.isalpha() and word not in self._stops and word[0] not in self._initials:
                self._held = ""
                self._plain = True
                self._word = word
                return held + chunk
            self._leave_plain()
            return None
        except BaseException:
            self._broken = True
            self._plain = False
            self._held = ""
            raise

    def _leave_plain(self) -> None:
        """Turn the plain path off if on, telling both stages what it took
        since it went on."""
        if not (self._plain or self._held):
            return
        self._plain = False
        word = self._word
        last = word[-1] if word else self._mark
        if last:
            self._lexer.resume_plain(last, word)
            self._spacer.resume_plain(last)
        held, self._held = self._held, ""
        if held:  # the stages hold it too: only a space reaches the spacer
            self._lexer.feed(held, False, self._sink)

    def _refuse(self) -> None:
        if self._broken:
            raise SanitizerStateError("the sanitizer failed earlier")
        raise SanitizerStateError("feed() after flush()")


def sanitize_text(text: str, config: SanitizerConfig | None = None) -> str:
    """Sanitize a whole reply at once (same result as streaming it)."""
    sanitizer = Sanitizer(config)
    return sanitizer.feed(text) + sanitizer.flush()


__all__ = ["KnownWords", "Sanitizer", "SanitizerStateError", "sanitize_text"]
