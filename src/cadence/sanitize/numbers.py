"""Numbers and the symbols around them: phone numbers, %, degrees, math signs."""

from __future__ import annotations

from cadence.sanitize.chars import DIGITS, SPACES, is_boundary, is_wordish
from cadence.sanitize.rules import Rules
from cadence.sanitize.state import LexState
from cadence.sanitize.verbalize import speak_degrees, speak_phone
from cadence.sanitize.window import F_WORDY, K_TEXT, K_WORD, Emit, Piece, Window

_DEGREE_SIGNS = frozenset("\u00b0\u00ba")
_UNIT_SIGNS = frozenset("CFK")
_DEGREE_UNITS = {"\u2103": "C", "\u2109": "F"}
_DECIMAL_SEPS = frozenset(".,")
_PHONE_SEPS = frozenset("-.")
_PAREN_SEPS = frozenset("-. ")
_INTL_SEPS = frozenset(" .-")
_MAX_DIGITS = 32


def _text(s: str) -> tuple[Piece, ...]:
    return ((K_TEXT, s),)


def digit_run(w: Window, j: int, cap: int = _MAX_DIGITS) -> int:
    """End of the run of ASCII digits at ``j`` (at most ``cap`` long)."""
    start = j
    while j - start < cap and w.at(j) in DIGITS:
        j += 1
    return j


def _group(w: Window, j: int, n: int) -> int | None:
    """``j + n`` if exactly ``n`` digits start at ``j``, else None."""
    end = digit_run(w, j, n + 1)
    return end if end - j == n else None


def _phone_end_ok(w: Window, j: int) -> bool:
    nxt = w.at(j)
    if is_wordish(nxt):
        return False
    return not (nxt in _PAREN_SEPS and w.at(j + 1) in DIGITS)


def _nanp(w: Window, i: int) -> Emit | None:
    """``555-123-4567``, ``555.123.4567``, ``1-800-555-0199``."""
    text, groups, j = w.text, [], i
    if text[i] == "1" and w.at(i + 1) in _PHONE_SEPS:
        groups.append("1")
        j = i + 2
    a = _group(w, j, 3)
    if a is None or (sep := w.at(a)) not in _PHONE_SEPS:
        return None
    b = _group(w, a + 1, 3)
    if b is None or w.at(b) != sep:
        return None
    c = _group(w, b + 1, 4)
    if c is None or not _phone_end_ok(w, c):
        return None
    groups += [text[j:a], text[a + 1 : b], text[b + 1 : c]]
    return c, _text(speak_phone(groups, plus=False)), 0


def _paren(w: Window, i: int) -> Emit | None:
    """``(555) 123-4567``."""
    a = _group(w, i + 1, 3)
    if a is None or w.at(a) != ")":
        return None
    j = a + 2 if w.at(a + 1) == " " else a + 1
    b = _group(w, j, 3)
    if b is None or w.at(b) not in _PAREN_SEPS:
        return None
    c = _group(w, b + 1, 4)
    if c is None or not _phone_end_ok(w, c):
        return None
    groups = [w.text[i + 1 : a], w.text[j:b], w.text[b + 1 : c]]
    return c, _text(speak_phone(groups, plus=False)), 0


def _international(w: Window, i: int) -> Emit | None:
    """``+44 20 7946 0958``: a country code, then 8 to 15 digits in groups."""
    groups: list[str] = []
    j = i + 1
    while True:
        k = digit_run(w, j, 9)
        if k == j or w.at(k) in DIGITS or (not groups and k - j > 3):
            return None
        groups.append(w.text[j:k])
        if sum(map(len, groups)) > 15:
            return None
        if not (w.at(k) in _INTL_SEPS and w.at(k + 1) in DIGITS):
            break
        j = k + 1
    if len(groups) < 3 or sum(map(len, groups)) < 8 or is_wordish(w.at(k)):
        return None
    return k, _text(speak_phone(groups, plus=True)), 0


def _unit(w: Window, j: int, number: str) -> Emit | None:
    """``50%``, ``25°C``, ``90°`` right after ``number`` (one space allowed)."""
    k = j + 1 if w.at(j) == " " else j
    c = w.at(k)
    if c == "%":
        return k + 1, _text(f"{number} percent "), 0
    if c in _DEGREE_UNITS:
        return k + 1, _text(speak_degrees(number, _DEGREE_UNITS[c]) + " "), 0
    if c in _DEGREE_SIGNS:
        unit = w.at(k + 1)
        if unit in _UNIT_SIGNS and is_boundary(w.at(k + 2)):
            return k + 2, _text(speak_degrees(number, unit) + " "), 0
        if c == "\u00b0":
            return k + 1, _text(speak_degrees(number, "") + " "), 0
    return None


def scan_number(w: Window, i: int, st: LexState, r: Rules) -> Emit:
    """A number starting a word: a phone number, a quantity with a unit, or
    the digits as they are (with their decimal and thousands separators)."""
    if r.phones:
        phone = _nanp(w, i)
        if phone is not None:
            return phone
    j = digit_run(w, i)
    while w.at(j) in _DECIMAL_SEPS and w.at(j + 1) in DIGITS:
        j = digit_run(w, j + 1)
    number = w.text[i:j]
    if r.symbols:
        unit = _unit(w, j, number)
        if unit is not None:
            return unit
    return j, ((K_WORD if number.isdigit() else K_TEXT, number),), F_WORDY


def between_numbers(w: Window, i: int, st: LexState) -> bool:
    """Whether the sign at ``i`` sits between two numbers ("2+2", "5 - 3")."""
    if st.prev_ns not in DIGITS or not (st.prev in DIGITS or st.prev in SPACES):
        return False
    nxt = w.at(i + 1)
    return nxt in DIGITS or (nxt in SPACES and w.at(i + 2) in DIGITS)


def scan_plus(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``+44 20 7946 0958`` (phone) or ``2 + 2`` (plus)."""
    if r.phones and w.at(i + 1) in DIGITS and not is_wordish(st.prev):
        phone = _international(w, i)
        if phone is not None:
            return phone
    if r.symbols and between_numbers(w, i, st):
        return i + 1, _text(" plus "), 0
    return None


def scan_paren(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``(555) 123-4567``; any other parenthesis is left to the caller."""
    if r.phones and w.at(i + 1) in DIGITS:
        return _paren(w, i)
    return None


def scan_equals(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``2+2=4``, ``x = 5`` -> "equals" (not ``==``, ``=>``)."""
    if not r.symbols or st.prev == "=" or w.at(i + 1) in _NOT_AFTER_EQUALS:
        return None
    spaced = st.prev in SPACES and w.at(i + 1) in SPACES
    if spaced or (st.prev in DIGITS and w.at(i + 1) in DIGITS):
        return i + 1, _text(" equals "), 0
    return None


_NOT_AFTER_EQUALS = frozenset("=>")
_OPERATORS = {"\u00d7": " times ", "\u00f7": " divided by "}


def scan_operator(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``×`` -> "times", ``÷`` -> "divided by"."""
    return (i + 1, _text(_OPERATORS[w.text[i]]), 0) if r.symbols else None


def scan_hash(w: Window, i: int, st: LexState, r: Rules) -> Emit | None:
    """``#1`` -> "number 1"."""
    if r.symbols and w.at(i + 1) in DIGITS and not is_wordish(st.prev):
        return i + 1, _text("number "), 0
    return None


__all__ = [
    "between_numbers",
    "digit_run",
    "scan_equals",
    "scan_hash",
    "scan_number",
    "scan_operator",
    "scan_paren",
    "scan_plus",
]
