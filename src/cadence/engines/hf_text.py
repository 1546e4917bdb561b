"""Pure text helpers of the ``hf`` engine: incremental detokenization, stops.

Both classes are sans-I/O state machines: feed them input, get text back.
They never touch a model, so the unit tests drive them with fake decoders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

REPLACEMENT_CHAR = "\ufffd"

Decode = Callable[[Sequence[int]], str]


class IncrementalDetokenizer:
    """Turn a growing list of token ids into stable text deltas.

    Byte-level tokenizers split multi-byte characters across tokens, and
    SentencePiece tokenizers only render a leading space in context, so a
    token cannot be decoded on its own. This class decodes a short window of
    recent tokens twice (with and without the new ones) and emits the new
    suffix. A suffix that ends in U+FFFD (an incomplete UTF-8 sequence) is
    held back until a later token completes it, or until :meth:`flush`.

    ``decode`` must decode without cleaning up tokenization spaces (the
    window would otherwise shift text between calls). Each :meth:`push`
    decodes only the tokens since the last emitted delta plus a few of
    context, so the cost per token stays constant.
    """

    def __init__(self, decode: Decode) -> None:
        self._decode = decode
        self._ids: list[int] = []
        self._prefix_offset = 0
        self._read_offset = 0

    @property
    def token_ids(self) -> list[int]:
        """A copy of every token id pushed so far."""
        return list(self._ids)

    def push(self, token_id: int) -> str:
        """Append one token and return the text it makes stable (maybe "")."""
        self._ids.append(token_id)
        prefix_text = self._decode(self._ids[self._prefix_offset : self._read_offset])
        new_text = self._decode(self._ids[self._prefix_offset :])
        if len(new_text) <= len(prefix_text) or new_text.endswith(REPLACEMENT_CHAR):
            return ""
        self._prefix_offset = self._read_offset
        self._read_offset = len(self._ids)
        return new_text[len(prefix_text) :]

    def flush(self) -> str:
        """Return any held-back text, U+FFFD included; call once at the end."""
        prefix_text = self._decode(self._ids[self._prefix_offset : self._read_offset])
        new_text = self._decode(self._ids[self._prefix_offset :])
        self._prefix_offset = self._read_offset = len(self._ids)
        return new_text[len(prefix_text) :]


class StopStringMatcher:
    """Cut a text stream at the first occurrence of any stop string.

    Text that could be the beginning of a stop string is held back until the
    next :meth:`feed` proves it is not (or :meth:`flush` ends the stream), so
    no part of a stop string is ever emitted. The stop string itself is not
    part of the output.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._held = ""
        self._stopped = False

    @property
    def stopped(self) -> bool:
        """Whether a stop string was found; later input is ignored."""
        return self._stopped

    def feed(self, text: str) -> str:
        """Add ``text`` and return the part of the stream safe to emit now."""
        if self._stopped:
            return ""
        if not self._stops:
            return text
        buffer = self._held + text
        cut = min((i for i in (buffer.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self._stopped = True
            self._held = ""
            return buffer[:cut]
        keep = self._partial_match_length(buffer)
        self._held = buffer[len(buffer) - keep :] if keep else ""
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """Return held-back text at the end of the stream (no stop followed)."""
        held, self._held = self._held, ""
        return "" if self._stopped else held

    def _partial_match_length(self, buffer: str) -> int:
        """Length of the longest suffix of ``buffer`` that starts a stop string."""
        longest = 0
        for stop in self._stops:
            for size in range(min(len(stop) - 1, len(buffer)), longest, -1):
                if buffer.endswith(stop[:size]):
                    longest = size
                    break
        return longest


__all__ = ["REPLACEMENT_CHAR", "Decode", "IncrementalDetokenizer", "StopStringMatcher"]
