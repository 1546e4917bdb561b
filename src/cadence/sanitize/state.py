"""The lexer's memory of what it has consumed so far."""

from __future__ import annotations

import dataclasses
from typing import Final

#: How much of the current word :attr:`LexState.word` keeps.
WORD_CAP: Final = 80


@dataclasses.dataclass(slots=True)
class LexState:
    """Everything a scanner may know about the text before its position.

    It is updated only after a scanner has decided, so it is always a
    function of the consumed text alone.
    """

    #: Last consumed character ("" at the start of the reply).
    prev: str = ""
    #: Last consumed non-whitespace character.
    prev_ns: str = ""
    #: The word being written (letters, digits, inner hyphens), for e-mails
    #: and web addresses, at most its first :data:`WORD_CAP` characters;
    #: "" between words.
    word: str = ""
    #: Only whitespace (or a blockquote marker) since the last line break.
    line_start: bool = True
    #: The current line is a heading or a list item (its end is a pause).
    line_item: bool = False
    #: Line breaks in the current whitespace run.
    newlines: int = 0
    #: Still at the reply start, where control prefixes and role labels go.
    in_prefix: bool = True
    #: Inside a fenced code block.
    in_fence: bool = False
    #: Index, in the text being lexed (the held tail, then the new chunk), of
    #: the tail of a link being read ("](url)"), or -1.
    skip_at: int = -1
    #: Length of that tail.
    skip_len: int = 0


__all__ = ["WORD_CAP", "LexState"]
