"""Words and what may start or continue one: abbreviations, web addresses,
e-mail addresses and word-shaped emoticons."""

from __future__ import annotations

import re

from cadence.sanitize.chars import (
    DIGITS,
    NEWLINES,
    SPACES,
    WHITESPACE,
    WORD_RUN,
    is_boundary,
    is_emoji_part,
    is_wordish,
)
from cadence.sanitize.numbers import scan_number
from cadence.sanitize.rules import EMOTICON, MAILTO, URL, HeadKey, Rules
from cadence.sanitize.state import LexState
from cadence.sanitize.verbalize import speak_email, speak_url
from cadence.sanitize.window import (
    F_WORDY,
    K_TEXT,
    K_WORD,
    NOTHING,
    SPACE,
    Emit,
    NeedMore,
    Piece,
    Window,
)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"([\w.%+'-]+)@({_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,24}})")
_DOMAIN = re.compile(
    rf"{_LABEL}(?:\.{_LABEL})*\.([A-Za-z]{{2,24}})(?::\d{{1,5}})?(?:[/?#]\S*)?"
)
_ATOM_CORE = frozenset("_%+-@")
_ATOM_JOIN = frozenset("./:?#=&~")
_URL_STOP = frozenset('<>"`()[]{}|\\^')
_URL_TRAIL = frozenset(".,:;!?'")
_NOT_SENTENCE_END = frozenset(",;:)!?")
_MAX_WORD = 64
_MAX_ATOM = 128
_MAX_URL = 512


def match_key(
    w: Window, i: int, keys: tuple[HeadKey, ...]
) -> tuple[HeadKey, int] | None:
    """The longest key at ``i`` whose boundary holds, and where it ends.

    Raises:
        NeedMore: a key not yet decided could still match.
    """
    text, end = w.text, w.end
    for key in keys:
        s = key.text
        if end - i < len(s):
            if not w.final and s.startswith(text[i:end]):
                raise NeedMore
            continue
        if not text.startswith(s, i):
            continue
        j = i + len(s)
        if key.repeat:
            while w.at(j) == s[-1]:
                j += 1
        if not key.boundary or is_boundary(w.at(j)):
            return key, j
    return None


def sentence_end(w: Window, j: int) -> bool:
    """Whether a period ending at ``j`` looks like a full stop."""
    c = w.at(j)
    if c == "" or c in NEWLINES:
        return True
    if c in SPACES:
        d = w.at(j + 1)
        return not (d.islower() or d in DIGITS)
    return c not in _NOT_SENTENCE_END


def _url_char(c: str) -> bool:
    return (
        bool(c)
        and c not in WHITESPACE
        and c not in _URL_STOP
        and (c.isprintable() and not is_emoji_part(c))
    )


def scan_url(w: Window, i: int) -> Emit:
    """A web address from its scheme (or ``www.``) to its last character;
    trailing punctuation stays outside."""
    j = i
    while j - i < _MAX_URL:
        c = w.at(j)
        if not _url_char(c):
            break
        if c in _URL_TRAIL:
            d = w.at(j + 1)
            if not _url_char(d) or d in _URL_TRAIL:
                break
        j += 1
    return j, ((K_TEXT, speak_url(w.text[i:j])),), 0


def _head(w: Window, i: int, key: HeadKey, j: int) -> Emit:
    if key.kind == URL:
        return scan_url(w, i)
    if key.kind == MAILTO:
        return j, NOTHING, 0
    if key.kind == EMOTICON:
        return j, SPACE, 0
    pieces: tuple[Piece, ...] = ((K_TEXT, key.spoken),)
    if key.sentence and sentence_end(w, j):
        pieces += ((K_TEXT, "."),)
    return j, pieces, 0


def scan_word(w: Window, i: int, st: LexState, r: Rules) -> Emit:
    """Letters and digits. At a word start, first a number, an abbreviation,
    a web address or a word emoticon; otherwise the letters as they are,
    released as soon as they are seen."""
    c = w.text[i]
    if not is_wordish(st.prev):
        if c in DIGITS:
            return scan_number(w, i, st, r)
        heads = r.heads_after_number if st.prev_ns in DIGITS else r.heads
        keys = heads.get(c)
        if keys is not None:
            hit = match_key(w, i, keys)
            if hit is not None:
                return _head(w, i, *hit)
    m = WORD_RUN.match(w.text, i, w.end)
    if m is None:
        return i + 1, ((K_TEXT, c),), F_WORDY
    return m.end(), ((K_WORD, m.group()),), F_WORDY


def _atom_end(w: Window, i: int) -> int:
    j = i
    while j - i < _MAX_ATOM:
        c = w.at(j)
        if c in _ATOM_CORE or is_wordish(c):
            j += 1
            continue
        if c in _ATOM_JOIN:
            d = w.at(j + 1)
            if d in _ATOM_CORE or is_wordish(d):
                j += 2
                continue
        break
    return j


def _without(word: str, spoken: str) -> str | None:
    return spoken[len(word) :] if spoken.startswith(word) else None


def _classify(word: str, atom: str, r: Rules) -> str | None:
    """The spoken rest of ``word + atom`` when it is an address, else None."""
    if len(word) > _MAX_WORD:
        return None
    full = word + atom
    if r.emails and "@" in atom:
        m = _EMAIL.fullmatch(full)
        if m is not None:
            return _without(word, speak_email(m[1], m[2]))
    if r.urls and "@" not in full:
        m = _DOMAIN.fullmatch(full)
        if m is not None and m[1] in r.tlds:
            return _without(word, speak_url(full))
    return None


def scan_atom(w: Window, i: int, st: LexState, r: Rules) -> Emit:
    """The rest of a word that goes on with ``.``, ``_``, ``+`` or ``@``:
    an e-mail address or a bare domain is spelled out; anything else
    ("snake_case", "v1.2", "Node.js") is kept as written."""
    j = _atom_end(w, i)
    atom = w.text[i:j]
    spoken = _classify(st.word, atom, r)
    return j, ((K_TEXT, atom if spoken is None else spoken),), 0


__all__ = [
    "match_key",
    "scan_atom",
    "scan_url",
    "scan_word",
    "sentence_end",
]
