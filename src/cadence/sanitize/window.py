"""The lookahead window scanners read through, and the shape of their results.

Chunking invariance rests on one rule: a scanner may only decide from
characters it reads through :meth:`Window.at`. Reading past what has been fed
raises :class:`NeedMore`, so a decision taken on a prefix of the text is
always the decision the whole text would get.
"""

from __future__ import annotations

from typing import Final


class NeedMore(Exception):
    """The decision at this position depends on text not fed yet."""


class Window:
    """The visible part ``text[:end]`` of the text being lexed.

    ``final`` says that ``end`` is the real end of the text (after
    :meth:`Sanitizer.flush`, or the end of a link's text): then reading past it
    gives ``""`` instead of raising.
    """

    __slots__ = ("end", "final", "text")

    def __init__(self, text: str, end: int, final: bool) -> None:
        self.text = text
        self.end = end
        self.final = final

    def at(self, j: int) -> str:
        """The character at ``j``; ``""`` past a final end.

        Raises:
            NeedMore: ``j`` is past the fed text and more may come.
        """
        if j < self.end:
            return self.text[j]
        if self.final:
            return ""
        raise NeedMore


#: Piece kinds: free text handled character by character by the spacer; a
#: run of letters/digits only, which the spacer may append as a whole; text
#: the spacer must output as one opaque unit (a kept emoticon).
K_TEXT: Final = 0
K_WORD: Final = 1
K_VERBATIM: Final = 2

Piece = tuple[int, str]
#: What a scanner decided: (end index, pieces to output, flags).
Emit = tuple[int, tuple[Piece, ...], int]

#: Flag: the consumed text continues the current word (for e-mails, domains).
F_WORDY: Final = 1
#: Flag: the consumed text is whitespace.
F_SPACE: Final = 2
#: Flag: the consumed text is a marker after which the line still counts as
#: just started (a blockquote ``>``).
F_KEEP_LINE: Final = 4

NOTHING: tuple[Piece, ...] = ()
SPACE: tuple[Piece, ...] = ((K_TEXT, " "),)


def run_end(w: Window, i: int, ch: str, cap: int = 32) -> int:
    """End of the run of ``ch`` starting at ``i``, at most ``cap`` long.

    Raises:
        NeedMore: the run reaches the end of the fed text.
    """
    j = i
    while j - i < cap and w.at(j) == ch:
        j += 1
    return j


__all__ = [
    "F_KEEP_LINE",
    "F_SPACE",
    "F_WORDY",
    "K_TEXT",
    "K_VERBATIM",
    "K_WORD",
    "NOTHING",
    "SPACE",
    "Emit",
    "NeedMore",
    "Piece",
    "Window",
    "run_end",
]
