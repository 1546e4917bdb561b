"""When a streamed reply holds its first words and its first sentence.

Both marks are taken the moment a client *can know* them, the way a
streaming text-to-speech front end sees the text:

- a word is complete once whitespace follows it, or the reply has ended;
- a sentence is complete once ``.``, ``!``, ``?`` or ``…`` (optionally
  followed by closing quotes or brackets) is followed by whitespace, or the
  reply has ended with some text.

So ``"Hi there friend"`` holds two complete words until the next token (or
the end of the reply) arrives, and ``"It costs 3.5"`` holds no sentence end.
Abbreviations such as ``"Dr. Smith"`` do count as a sentence end: the rule
is meant to match what a simple voice pipeline would flush on, not grammar.
"""

from __future__ import annotations

import re

#: Sentence-final punctuation, closing quotes or brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"')\]\u201d\u2019]*\s")


def complete_words(text: str, final: bool) -> int:
    """How many words of ``text`` are complete (see the module docstring)."""
    words = text.split()
    if not words:
        return 0
    if final or text[-1].isspace():
        return len(words)
    return len(words) - 1


def has_sentence(text: str, final: bool) -> bool:
    """Whether ``text`` holds a complete first sentence."""
    if _SENTENCE_END.search(text):
        return True
    return final and bool(text.strip())


def first_sentence(text: str) -> str:
    """The first complete sentence of a finished reply (all of it if none ends)."""
    match = _SENTENCE_END.search(text)
    return text[: match.end()].strip() if match else text.strip()


__all__ = ["complete_words", "first_sentence", "has_sentence"]
