"""Whitespace, punctuation, dashes and punctuation-shaped emoticons."""

from __future__ import annotations

from cadence.sanitize.chars import (
    DIGITS,
    ELLIPSIS,
    NEWLINES,
    SOFT_STOP,
    SPACE_RUN,
    SPACES,
    WHITESPACE,
    is_wordish,
)
from cadence.sanitize.numbers import between_numbers
from cadence.sanitize.rules import Rules
from cadence.sanitize.state import LexState
from cadence.sanitize.window import (
    F_SPACE,
    F_WORDY,
    K_TEXT,
    K_VERBATIM,
    SPACE,
    Emit,
    Piece,
    Window,
    run_end,
)
from cadence.sanitize.words import match_key, scan_atom

_COMMA: tuple[Piece, ...] = ((K_TEXT, ","),)
_COMMA_SPACE: tuple[Piece, ...] = ((K_TEXT, ","), (K_TEXT, " "))
_ELLIPSIS: tuple[Piece, ...] = ((K_TEXT, ELLIPSIS),)
_PERIOD: tuple[Piece, ...] = ((K_TEXT, "."),)
_SOFT_SPACE: tuple[Piece, ...] = ((K_TEXT, SOFT_STOP), (K_TEXT, " "))
_NO_SMILEY_AFTER = frozenset(":/")
_MARKS = {"\u203c": "!", "\u2049": "?"}


def scan_space(w: Window, i: int, st: LexState, r: Rules) -> Emit:
    """Whitespace becomes one space; a line break after a heading or list
    item, or a blank line, also marks a pause."""
    if w.text[i] in NEWLINES:
        soft = not st.in_fence and (st.line_item or (r.punct and st.newlines >= 1))
        st.newlines += 1
        st.line_item = False
        st.line_start = True
        return i + 1, _SOFT_SPACE if soft else SPACE, F_SPACE
    m = SPACE_RUN.match(w.text, i, w.end)
    return (m.end() if m else i + 1), SPACE, F_SPACE


def scan_emoticon(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``:)``, ``;-)``, ``<3``, ``^_^``... standing alone -> removed (or, with
    emoticons kept, passed on whole so that no spacing rule splits them)."""
    keys = r.smileys.get(w.text[i])
    if keys is None or is_wordish(st.prev) or st.prev in _NO_SMILEY_AFTER:
        return None
    hit = match_key(w, i, keys)
    if hit is None:
        return None
    j = hit[1]
    return j, (SPACE if r.emoticons else ((K_VERBATIM, w.text[i:j]),)), 0


def scan_dot(w: Window, i: int, st: LexState, r: Rules) -> Emit:
    """A period inside a word (addresses, "Node.js"), an ellipsis
    (``..``, ``...``, ``. . .``) or a full stop."""
    nxt = w.at(i + 1)
    if is_wordish(st.prev) and is_wordish(nxt):
        return scan_atom(w, i, st, r)
    if r.punct:
        if nxt == ".":
            return run_end(w, i, "."), _ELLIPSIS, 0
        if (
            nxt == " "
            and w.at(i + 2) == "."
            and w.at(i + 3) == " "
            and (w.at(i + 4) == ".")
        ):
            return i + 5, _ELLIPSIS, 0
    return i + 1, _PERIOD, 0


def scan_hyphen(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``--`` and a spaced `` - `` are dashes (a comma); ``-5`` and
    ``5 - 3`` are minus; a hyphen inside a word stays."""
    smiley = scan_emoticon(w, i, st, r)
    if smiley is not None:
        return smiley
    j = run_end(w, i, "-")
    if j - i >= 2:
        if not r.punct:
            return None
        return j, (_COMMA_SPACE if j - i <= 3 else SPACE), 0
    nxt, prev = w.at(i + 1), st.prev
    if r.symbols and nxt in DIGITS and not is_wordish(prev):
        return i + 1, ((K_TEXT, "minus "),), 0
    if prev in WHITESPACE and nxt in SPACES:
        if r.symbols and between_numbers(w, i, st):
            return i + 1, ((K_TEXT, "minus"),), 0
        if r.punct:
            return i + 1, _COMMA, 0
    return i + 1, ((K_TEXT, "-"),), F_WORDY if is_wordish(prev) else 0


def scan_en_dash(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """A range -> "to" (``1–5``, ``1 – 5``, ``9am–5pm``, ``Mon–Fri``: numbers
    around it, or no space on either side); otherwise a dash (a comma)."""
    unspaced = is_wordish(st.prev) and is_wordish(w.at(i + 1))
    if r.symbols and (unspaced or between_numbers(w, i, st)):
        return i + 1, ((K_TEXT, " to "),), 0
    return (i + 1, _COMMA_SPACE, 0) if r.punct else None


def scan_em_dash(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``—`` -> a comma and a space."""
    return (i + 1, _COMMA_SPACE, 0) if r.punct else None


def scan_minus_sign(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """The minus sign ``−`` -> "minus"."""
    return (i + 1, ((K_TEXT, " minus "),), 0) if r.symbols else None


def scan_mark(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``, ; : ! ? …`` (``‼ ⁉`` folded to ``! ?``); ``:`` ``;`` ``=`` may
    start an emoticon."""
    c = w.text[i]
    smiley = scan_emoticon(w, i, st, r)
    if smiley is not None:
        return smiley
    if c in _MARKS and r.punct:
        return i + 1, ((K_TEXT, _MARKS[c]),), 0
    return None


__all__ = [
    "scan_dot",
    "scan_em_dash",
    "scan_emoticon",
    "scan_en_dash",
    "scan_hyphen",
    "scan_mark",
    "scan_minus_sign",
    "scan_space",
]
