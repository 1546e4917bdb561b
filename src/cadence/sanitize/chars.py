"""Character classes shared by the scanners: pure tables and predicates.

Every set here is a ``frozenset`` on purpose: ``"" in "abc"`` is true for a
plain string, and scanners read ``""`` for "end of text".
"""

from __future__ import annotations

import re
import string
import unicodedata
from types import MappingProxyType

#: Internal marker for "a sentence break belongs here". It is a private-use
#: code point, and private-use characters are always removed from the input,
#: so it can never come from the model.
SOFT_STOP = "\ue000"

DIGITS = frozenset(string.digits)
ASCII_LETTERS = frozenset(string.ascii_letters)
NEWLINES = frozenset("\n\u2028\u2029\x85")
SPACES = frozenset(
    " \t\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
WHITESPACE = SPACES | NEWLINES
#: Punctuation the spacer tidies (no space before it, no repeats).
PUNCT = frozenset(",.;:!?\u2026")
ELLIPSIS = "\u2026"
ZWJ = "\u200d"
ZWNJ = "\u200c"

CURLY_QUOTES = MappingProxyType(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
    }
)

_NOT_WORD_MARKS = frozenset("\ufe0e\ufe0f\u20e3")
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})

SPACE_RUN = re.compile("[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
#: Letters and digits of any script (no underscore, no combining marks).
WORD_RUN = re.compile(r"[^\W_]+")
_EMOJI = (
    "\U0001f000-\U0001faff\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf"
    "\u2b00-\u2bff\u3030\u303d\u3297\u3299"
)
_EMOJI_PARTS = "\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f"
#: Pictographs with their modifiers, variation selectors, keycaps, tag
#: characters and the zero-width joiners that glue a sequence together.
EMOJI_RUN = re.compile(f"[{_EMOJI}{_EMOJI_PARTS}][{_EMOJI}{_EMOJI_PARTS}{ZWJ}]*")


def is_wordish(c: str) -> bool:
    """Whether ``c`` is a letter, a digit or a combining mark of any script.

    ``""`` (end of text) is not wordish.
    """
    if c.isalnum():
        return True
    return (
        c > "\u02ff" and c not in _NOT_WORD_MARKS and unicodedata.category(c)[0] == "M"
    )


def is_emoji_part(c: str) -> bool:
    """Whether ``c`` belongs to an emoji sequence (``""`` does not)."""
    return bool(c) and EMOJI_RUN.match(c) is not None


def is_invisible(c: str) -> bool:
    """Whether ``c`` is a control, format, private-use or unassigned character."""
    return unicodedata.category(c) in _INVISIBLE


def is_boundary(c: str) -> bool:
    """Whether ``c`` can end a word-like construct (``""`` = end of text)."""
    return not is_wordish(c) and c not in _WORD_GLUE


_WORD_GLUE = frozenset("_@'\u2019-/")

__all__ = [
    "ASCII_LETTERS",
    "CURLY_QUOTES",
    "DIGITS",
    "ELLIPSIS",
    "EMOJI_RUN",
    "NEWLINES",
    "PUNCT",
    "SOFT_STOP",
    "SPACES",
    "SPACE_RUN",
    "WHITESPACE",
    "WORD_RUN",
    "ZWJ",
    "ZWNJ",
    "is_boundary",
    "is_emoji_part",
    "is_invisible",
    "is_wordish",
]
