"""HTML in model output: tags, comments, entities, and ``<...>`` autolinks."""

from __future__ import annotations

import html
import string

from cadence.sanitize.chars import (
    ASCII_LETTERS,
    CURLY_QUOTES,
    DIGITS,
    ELLIPSIS,
    NEWLINES,
    WHITESPACE,
    is_emoji_part,
    is_invisible,
)
from cadence.sanitize.punct import scan_emoticon
from cadence.sanitize.rules import Rules
from cadence.sanitize.state import LexState
from cadence.sanitize.window import K_TEXT, NOTHING, SPACE, Emit, Window

# fmt: off
_BLOCK_TAGS = frozenset(
    {
        "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "section", "article",
        "header", "footer",
    }
)
# fmt: on
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "-:")
_ALNUM = frozenset(string.ascii_letters + string.digits)
_HEX = frozenset(string.hexdigits)
_X = frozenset("xX")
_AUTOLINK_SCHEMES = ("http://", "https://", "mailto:")
_DASHES = frozenset("\u2013\u2014\u2015")
_MAX_TAG = 200
_MAX_COMMENT = 512


def _comment(w: Window, i: int) -> Emit | None:
    if w.at(i + 2) != "-" or w.at(i + 3) != "-":
        return None
    j = i + 4
    while j - i < _MAX_COMMENT:
        c = w.at(j)
        if c == "":
            return None
        if c == "-" and w.at(j + 1) == "-" and w.at(j + 2) == ">":
            return j + 3, SPACE, 0
        j += 1
    return None


def _autolink(w: Window, i: int, st: LexState) -> Emit | None:
    """``<https://x.com>``: drop the brackets, read what is inside."""
    j = i + 1
    while True:
        c = w.at(j)
        if c == ">":
            break
        if c == "" or c in WHITESPACE or c == "<" or j - i > _MAX_TAG:
            return None
        j += 1
    inner = w.text[i + 1 : j]
    if not (inner.lower().startswith(_AUTOLINK_SCHEMES) or "@" in inner[1:]):
        return None
    st.skip_at, st.skip_len = j, 1
    return i + 1, NOTHING, 0


def _attributes_end(w: Window, j: int, i: int) -> int | None:
    """End of a tag's attributes; a tag with ``=`` in it that the end of the
    reply cut off (``<a href="x``) also ends there."""
    equals = False
    while j - i <= _MAX_TAG:
        c = w.at(j)
        if c == ">":
            return j + 1
        if c == "":
            return j if equals else None
        if c == "<" or c in NEWLINES:
            return None
        equals = equals or c == "="
        j += 1
    return None


def _tag(w: Window, i: int) -> Emit | None:
    """``<b>``, ``</p>``, ``<br/>``, ``<a href="...">``: removed (block tags
    leave a space), and so is a tag cut off by the end of the reply."""
    j = i + 2 if w.at(i + 1) == "/" else i + 1
    if w.at(j) not in ASCII_LETTERS:
        return None
    k = j
    while k - j < 32 and w.at(k) in _NAME_CHARS:
        k += 1
    c = w.at(k)
    if c == ">" or c == "":
        end: int | None = k + 1 if c else k
    elif c == "/" and w.at(k + 1) == ">":
        end = k + 2
    elif c in WHITESPACE:
        end = _attributes_end(w, k, i)
    else:
        end = None
    if end is None:
        return None
    name = w.text[j:k].lower()
    return end, (SPACE if name in _BLOCK_TAGS else NOTHING), 0


def scan_lt(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``<``: an emoticon (``<3``), an HTML comment or tag, an autolink."""
    smiley = scan_emoticon(w, i, st, r)
    if smiley is not None:
        return smiley
    nxt = w.at(i + 1)
    if r.html and nxt == "!":
        return _comment(w, i)
    if r.markdown and st.skip_at < 0:
        link = _autolink(w, i, st)
        if link is not None:
            return link
    if r.html and (nxt == "/" or nxt in ASCII_LETTERS):
        return _tag(w, i)
    return None


def _speakable(decoded: str, r: Rules) -> str:
    """An entity's character, normalised like the same character in text."""
    out = []
    for c in decoded:
        if c in WHITESPACE:
            out.append(" ")
        elif r.punct and c in CURLY_QUOTES:
            out.append(CURLY_QUOTES[c])
        elif r.punct and c in _DASHES:
            out.append(", ")
        elif r.punct and c == ELLIPSIS:
            out.append(ELLIPSIS)
        elif (r.emoji and is_emoji_part(c)) or is_invisible(c) or c == "\ufffd":
            out.append(" " if r.emoji and is_emoji_part(c) else "")
        else:
            out.append(c)
    return "".join(out)


def _entity_end(w: Window, i: int) -> int | None:
    """Index of the ``;`` closing an entity that starts at ``i``, or None."""
    j = i + 1
    if w.at(j) == "#":
        j += 1
        allowed = DIGITS
        if w.at(j) in _X:
            j, allowed = j + 1, _HEX
        start = j
        while j - start < 8 and w.at(j) in allowed:
            j += 1
        if j == start:
            return None
    elif w.at(j) in ASCII_LETTERS:
        while j - i < 33 and w.at(j) in _ALNUM:
            j += 1
    else:
        return None
    return j if w.at(j) == ";" else None


def scan_amp(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``&amp;``, ``&#39;``, ``&nbsp;``... -> the character they stand for."""
    if not r.html:
        return None
    j = _entity_end(w, i)
    if j is None:
        return None
    entity = w.text[i : j + 1]
    decoded = html.unescape(entity)
    if decoded == entity:
        return None
    return j + 1, ((K_TEXT, _speakable(decoded, r)),), 0


__all__ = ["scan_amp", "scan_lt"]
