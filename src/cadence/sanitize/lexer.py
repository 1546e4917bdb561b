"""First stage: a left-to-right lexer from raw model text to speakable pieces.

At each position one scanner decides, reading ahead only through
:class:`Window`; when it needs text not fed yet the lexer stops there and
keeps the rest for the next :meth:`Lexer.feed`. Decisions never depend on
where the text was cut, so the output does not either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from cadence.sanitize import markdown, numbers, punct, tags
from cadence.sanitize.chars import (
    CURLY_QUOTES,
    DIGITS,
    EMOJI_RUN,
    SPACE_RUN,
    WHITESPACE,
    ZWJ,
    ZWNJ,
    is_emoji_part,
    is_invisible,
    is_wordish,
)
from cadence.sanitize.rules import Rules
from cadence.sanitize.state import WORD_CAP, LexState
from cadence.sanitize.window import (
    F_KEEP_LINE,
    F_SPACE,
    F_WORDY,
    K_TEXT,
    NOTHING,
    SPACE,
    Emit,
    NeedMore,
    Window,
    run_end,
)
from cadence.sanitize.words import scan_atom, scan_word

Handler = Callable[[Window, int, LexState, Rules], "Emit | None"]


def _continues_word(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    if is_wordish(st.prev) and is_wordish(w.at(i + 1)):
        return scan_atom(w, i, st, r)
    return None


def _plus(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    return numbers.scan_plus(w, i, st, r) or _continues_word(w, i, st, r)


def _at(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    return scan_atom(w, i, st, r) if is_wordish(st.prev) else None


def _equals(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    return punct.scan_mark(w, i, st, r) or numbers.scan_equals(w, i, st, r)


_HANDLERS: MappingProxyType[str, Handler] = MappingProxyType(
    {
        "<": tags.scan_lt,
        "&": tags.scan_amp,
        "[": markdown.scan_bracket,
        "*": markdown.scan_star,
        "_": markdown.scan_underscore,
        "`": markdown.scan_backtick,
        "~": markdown.scan_tilde,
        "|": markdown.scan_pipe,
        "\\": markdown.scan_backslash,
        "#": numbers.scan_hash,
        "(": numbers.scan_paren,
        "+": _plus,
        "=": _equals,
        "@": _at,
        "\u00d7": numbers.scan_operator,
        "\u00f7": numbers.scan_operator,
        "-": punct.scan_hyphen,
        "\u2013": punct.scan_en_dash,
        "\u2014": punct.scan_em_dash,
        "\u2015": punct.scan_em_dash,
        "\u2212": punct.scan_minus_sign,
        ".": punct.scan_dot,
        ":": punct.scan_mark,
        ";": punct.scan_mark,
        "\u203c": punct.scan_mark,
        "\u2049": punct.scan_mark,
        "^": punct.scan_emoticon,
        ">": punct.scan_emoticon,
    }
)


_BOLD = frozenset("*_")


def _prefix(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """Leading whitespace, bold markers, control prefixes and role labels
    ("**Assistant:** ") -> removed."""
    text, end = w.text, w.end
    if text[i] in WHITESPACE:
        j = i
        while j < end and text[j] in WHITESPACE:
            j += 1
        return j, NOTHING, F_SPACE
    if r.markdown and text[i] in _BOLD:
        j = run_end(w, i, text[i])
        if j - i >= 2:
            return j, NOTHING, F_SPACE
    for label in r.labels:
        n = len(label)
        if end - i < n:
            seen = text[i:end]
            if not w.final and all(a.lower() == b for a, b in zip(seen, label, strict=False)):
                raise NeedMore
        elif all(text[i + k].lower() == label[k] for k in range(n)):
            return i + n, NOTHING, F_SPACE
    st.in_prefix = False
    return None


def _plain(w: Window, i: int, st: LexState, r: Rules, c: str) -> Emit:
    """Characters without a handler: letters, spaces, emoji, the rest."""
    if c.isalnum():
        return scan_word(w, i, st, r)
    if c in WHITESPACE:
        return punct.scan_space(w, i, st, r)
    if r.emoji:
        m = EMOJI_RUN.match(w.text, i, w.end)
        if m is not None:
            return m.end(), SPACE, 0
    if is_wordish(c):
        return scan_word(w, i, st, r)
    if r.punct and c in CURLY_QUOTES:
        return i + 1, ((K_TEXT, CURLY_QUOTES[c]),), 0
    if c == ZWJ or c == ZWNJ:
        keep = is_wordish(st.prev) or (not r.emoji and is_emoji_part(st.prev))
        return i + 1, (((K_TEXT, c),) if keep else NOTHING), F_WORDY if keep else 0
    if is_invisible(c):
        return i + 1, NOTHING, 0
    return i + 1, ((K_TEXT, c),), 0


def step(
    w: Window, i: int, st: LexState, r: Rules, handlers: Mapping[str, Handler]
) -> Emit:
    """Decide what the text at ``i`` becomes (``handlers``: by first character).

    Raises:
        NeedMore: the decision needs text not fed yet.
    """
    c = w.text[i]
    if st.in_prefix:
        found = _prefix(w, i, st, r)
        if found is not None:
            return found
    if st.line_start and r.markdown and c in markdown.LINE_MARKERS:
        found = markdown.scan_line_marker(w, i, st, r)
        if found is not None:
            return found
    handler = handlers.get(c)
    if handler is None:
        return _plain(w, i, st, r, c)
    found = handler(w, i, st, r)
    return found if found is not None else (i + 1, ((K_TEXT, c),), 0)


#: Where the lexer sends each piece: (kind, text, raw characters it stands for).
Sink = Callable[[int, str, int], None]


class Lexer:
    """Raw text in, pieces out; keeps the undecided tail between feeds."""

    __slots__ = ("_buf", "_rules", "_st", "_window")

    def __init__(self, rules: Rules) -> None:
        # The read-only handler table is shared: copying it into a dict of
        # our own would cost more per turn than its faster lookups save.
        self._rules = rules
        self._st = LexState()
        self._buf = ""
        self._window = Window("", 0, False)

    @property
    def pending(self) -> int:
        """Raw characters fed but not decided yet."""
        return len(self._buf)

    def feed(self, chunk: str, final: bool, sink: Sink) -> None:
        """Lex as far as the fed text allows (all of it when ``final``),
        sending each decided piece to ``sink`` in order."""
        text = self._buf + chunk if self._buf else chunk
        i = self._run(text, final, sink)
        if self._st.skip_at >= 0:
            self._st.skip_at -= i
        self._buf = text[i:]

    def plain_state(self) -> tuple[str, str] | None:
        """``(prev, word)`` when nothing is held and the last character
        consumed, ``prev``, ended content that no later text can change: not
        a space, a digit, a line start or the reply's start; ``word`` (the
        word being written) is non-empty exactly when ``prev`` is a letter or
        a digit, and then ends with ``prev``. Otherwise None. See
        :meth:`resume_plain`."""
        st = self._st
        prev, word = st.prev, st.word
        if (
            self._buf
            or st.in_prefix
            or st.skip_at >= 0
            or st.line_start
            or st.newlines
            or not prev
            or prev != st.prev_ns
            or prev in DIGITS
            or bool(word) != is_wordish(prev)
            or word[-1:] not in ("", prev)
        ):
            return None
        return prev, word

    def resume_plain(self, prev: str, word: str) -> None:
        """Record that, from a :meth:`plain_state`, plain text was consumed
        outside the lexer: letters, spaces and ``, ! ? '`` only, no digit,
        ending with the non-space ``prev`` while writing ``word``. Also from
        the reply's start (nothing fed), after a letter run that cannot
        begin a control prefix, a role label or a key of ``heads``."""
        st = self._st
        st.in_prefix = st.line_start = False
        st.prev = st.prev_ns = prev
        st.word = word[:WORD_CAP]

    def _skip(self, text: str, i: int, sink: Sink) -> int:
        """Consume the tail of a link ("](url)") whose text was just read."""
        st = self._st
        j = i + st.skip_len
        sink(K_TEXT, "", st.skip_len)
        st.skip_at, st.prev, st.word = -1, text[j - 1], ""
        return j

    def _run(self, text: str, final: bool, sink: Sink) -> int:
        st, r, handlers = self._st, self._rules, _HANDLERS
        n, i = len(text), 0
        w = self._window
        w.text, w.end, w.final = text, n, final
        while i < n:
            if st.skip_at >= 0:
                rel = st.skip_at
                if i == rel:
                    i = self._skip(text, i, sink)
                    w.end, w.final = n, final
                    continue
                w.end, w.final = rel, True
            c = text[i]
            if c == " " and not st.in_prefix:  # fast path: same as scan_space
                m = SPACE_RUN.match(text, i, w.end)
                j = m.end() if m is not None else i + 1
                sink(K_TEXT, " ", j - i)
                st.prev, st.word, i = text[j - 1], "", j
                continue
            try:
                if c.isalnum() and not (
                    st.in_prefix or (st.line_start and c in markdown.LINE_MARKERS)
                ):  # fast path: what step() would call
                    j, pieces, flags = scan_word(w, i, st, r)
                else:
                    j, pieces, flags = step(w, i, st, r, handlers)
            except NeedMore:
                break
            if pieces:
                sink(pieces[0][0], pieces[0][1], j - i)
                for kind, piece in pieces[1:]:
                    sink(kind, piece, 0)
            else:
                sink(K_TEXT, "", j - i)
            last = st.prev = text[j - 1]
            st.word = (st.word + text[i:j])[:WORD_CAP] if flags & F_WORDY else ""
            if not flags & F_SPACE:
                self._after_content(text, i, j, flags, last)
            i = j
        return i

    def _after_content(self, text: str, i: int, j: int, flags: int, last: str) -> None:
        st = self._st
        st.newlines = 0
        if not flags & F_KEEP_LINE:
            st.line_start = False
        if last not in WHITESPACE:
            st.prev_ns = last
        else:
            st.prev_ns = text[i:j].rstrip()[-1:] or st.prev_ns


__all__ = ["Lexer", "Sink", "step"]
