"""A memo of the deltas the sanitizer's plain path passes as they are."""

from __future__ import annotations


class KnownWords(dict[str, str]):
    """Deltas (" word", "'s") that the plain path passes as they are, mapped
    to their word: whether it does depends only on the delta and the
    config's rules, so one memo serves every sanitizer of a config and a
    delta seen before costs one lookup. Holds at most ``capacity`` entries
    (then it stops learning); a model's vocabulary is finite.
    """

    __slots__ = ("capacity",)

    def __init__(self, capacity: int = 65536) -> None:
        super().__init__()
        self.capacity = capacity

    def remember(self, delta: str, word: str) -> None:
        """Record that ``delta`` passes as it is, ``word`` being its letters."""
        if len(self) < self.capacity:
            self[delta] = word


__all__ = ["KnownWords"]
