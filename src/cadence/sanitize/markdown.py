"""Markdown in model output: emphasis, headings, lists, links, code, rules,
and stage directions in asterisks (``*laughs*``)."""

from __future__ import annotations

import string

from cadence.sanitize.chars import DIGITS, NEWLINES, SOFT_STOP, WHITESPACE, is_wordish
from cadence.sanitize.numbers import between_numbers, digit_run
from cadence.sanitize.rules import Rules
from cadence.sanitize.state import LexState
from cadence.sanitize.window import (
    F_KEEP_LINE,
    K_TEXT,
    NOTHING,
    SPACE,
    Emit,
    Piece,
    Window,
    run_end,
)
from cadence.sanitize.words import scan_atom

#: Characters that may start a line-level marker.
LINE_MARKERS = frozenset("#>-*_+`\u2022\u2023\u25e6\u2043" + string.digits)
_BULLETS = frozenset("-*+\u2022\u2023\u25e6\u2043")
_GAP = frozenset(" \t")
_RULE_CHARS = frozenset("-*_")
_NUMBER_ENDS = frozenset(".)")
_INFO_CHARS = frozenset(string.ascii_letters + string.digits + "_+#.-")
_ESCAPABLE = frozenset(string.punctuation)
_SOFT: tuple[Piece, ...] = ((K_TEXT, SOFT_STOP),)
_MAX_LINK_TEXT = 200
_MAX_LINK_URL = 600
_MAX_STAGE = 120


def _heading(w: Window, i: int, st: LexState) -> Emit | None:
    j = run_end(w, i, "#", 7)
    gap = w.at(j)
    if j - i > 6 or not (gap == "" or gap in _GAP or gap in NEWLINES):
        return None
    st.line_item = True
    return (j + 1 if gap in _GAP else j), NOTHING, 0


def _rule(w: Window, i: int) -> Emit | None:
    """``---``, ``***``, ``___`` alone on a line -> a pause."""
    j = run_end(w, i, w.text[i])
    if j - i < 3:
        return None
    while w.at(j) in _GAP:
        j += 1
    end = w.at(j)
    return (j, _SOFT, 0) if end == "" or end in NEWLINES else None


def _numbered(w: Window, i: int, st: LexState) -> Emit | None:
    """``1. item`` / ``1) item``: kept as "1." (read "one."), ends in a pause."""
    j = digit_run(w, i, 3)
    if j - i > 2 or w.at(j) not in _NUMBER_ENDS or w.at(j + 1) not in _GAP:
        return None
    st.line_item = True
    return j + 2, ((K_TEXT, w.text[i:j] + ". "),), 0


def _fence(w: Window, i: int, st: LexState) -> Emit | None:
    """```` ``` ```` fences (and their language tag) -> removed."""
    j = run_end(w, i, "`")
    if j - i < 3:
        return None
    if st.in_fence:
        st.in_fence = False
        return j, _SOFT, 0
    while j - i < 40 and w.at(j) in _INFO_CHARS:
        j += 1
    st.in_fence = True
    return j, NOTHING, 0


def scan_line_marker(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """At a line start: heading ``#``, quote ``>``, bullet, numbered item,
    horizontal rule, code fence. None when ``i`` starts none of them."""
    c = w.text[i]
    if c == "#":
        return _heading(w, i, st)
    if c == ">":
        return (i + 2 if w.at(i + 1) in _GAP else i + 1), NOTHING, F_KEEP_LINE
    if c in _RULE_CHARS:
        rule = _rule(w, i)
        if rule is not None:
            return rule
    if c in _BULLETS and w.at(i + 1) in _GAP:
        st.line_item = True
        return i + 2, NOTHING, 0
    if c in DIGITS:
        return _numbered(w, i, st)
    return _fence(w, i, st) if c == "`" else None


def scan_link(w: Window, bracket: int, st: LexState) -> Emit | None:
    """``[text](url)``: the brackets and the address go, the text stays and is
    sanitized like any text. (In an image ``![alt](url)`` the ``!`` has been
    read as punctuation already, so as not to hold back every "!".)"""
    if st.skip_at >= 0:
        return None
    k = bracket + 1
    while (c := w.at(k)) != "]":
        if c == "" or c == "[" or c in NEWLINES or k - bracket > _MAX_LINK_TEXT:
            return None
        k += 1
    if w.at(k + 1) != "(":
        return None
    m = k + 2
    while (c := w.at(m)) != ")":
        if c == "" or c == "(" or c in WHITESPACE or m - k > _MAX_LINK_URL:
            return None
        m += 1
    st.skip_at, st.skip_len = k, m + 1 - k
    return bracket + 1, NOTHING, 0


def scan_bracket(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``[``: a link, or a plain bracket."""
    return scan_link(w, i, st) if r.markdown else None


def _stage(w: Window, i: int, r: Rules) -> Emit | None:
    k = i + 1
    while k - i < 40 and w.at(k).isalpha():
        k += 1
    if w.text[i + 1 : k].lower() not in r.stage_words:
        return None
    while k - i < _MAX_STAGE:
        c = w.at(k)
        if c == "*":
            return k + 1, SPACE, 0
        if c == "" or c in NEWLINES:
            return None
        k += 1
    return None


def scan_star(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``*laughs*`` -> removed; ``**``/``*`` emphasis markers -> removed;
    ``5 * 3`` -> "5 times 3"."""
    j = run_end(w, i, "*")
    if j - i >= 2:
        return (j, NOTHING, 0) if r.markdown else None
    if r.stage and w.at(i + 1).isalpha():
        stage = _stage(w, i, r)
        if stage is not None:
            return stage
    if r.symbols and between_numbers(w, i, st):
        return i + 1, ((K_TEXT, " times "),), 0
    return (i + 1, NOTHING, 0) if r.markdown else None


def scan_underscore(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``_`` inside a word stays ("snake_case", e-mails); ``_x_`` and
    ``__x__`` markers go."""
    j = run_end(w, i, "_")
    if j - i == 1 and is_wordish(st.prev) and is_wordish(w.at(j)):
        return scan_atom(w, i, st, r)
    return (j, NOTHING, 0) if r.markdown else None


def scan_backtick(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """Inline code markers -> removed (the code stays)."""
    return (run_end(w, i, "`"), NOTHING, 0) if r.markdown else None


def scan_tilde(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``~~strike~~`` markers -> removed; ``~5`` -> "about 5"."""
    j = run_end(w, i, "~")
    if j - i >= 2:
        return (j, NOTHING, 0) if r.markdown else None
    if r.symbols and w.at(i + 1) in DIGITS and not is_wordish(st.prev):
        return i + 1, ((K_TEXT, "about "),), 0
    return None


def scan_pipe(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """Table pipes -> a space."""
    return (i + 1, SPACE, 0) if r.markdown else None


def scan_backslash(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """A markdown escape ``\\*`` -> the character itself."""
    if r.markdown and (c := w.at(i + 1)) in _ESCAPABLE:
        return i + 2, ((K_TEXT, c),), 0
    return None


__all__ = [
    "LINE_MARKERS",
    "scan_backslash",
    "scan_backtick",
    "scan_bracket",
    "scan_line_marker",
    "scan_link",
    "scan_pipe",
    "scan_star",
    "scan_tilde",
    "scan_underscore",
]
