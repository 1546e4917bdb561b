"""Incremental detokenization and stop strings of the hf engine (no model)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cadence.engines.hf_text import IncrementalDetokenizer, StopStringMatcher


class ByteTokenizer:
    """A byte-level fake: every token is a few raw UTF-8 bytes."""

    def __init__(self, text: str, bytes_per_token: int) -> None:
        data = text.encode("utf-8")
        self.pieces = [data[i : i + bytes_per_token] for i in range(0, len(data), bytes_per_token)]
        self.ids = list(range(len(self.pieces)))

    def decode(self, ids: Sequence[int]) -> str:
        return b"".join(self.pieces[i] for i in ids).decode("utf-8", errors="replace")


class SentencePieceLike:
    """A fake that renders a leading space only in context, like SentencePiece."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.pieces[i] for i in ids).replace("▁", " ").removeprefix(" ")


def stream(detokenizer: IncrementalDetokenizer, ids: Sequence[int]) -> list[str]:
    return [detokenizer.push(i) for i in ids] + [detokenizer.flush()]


@pytest.mark.parametrize("bytes_per_token", [1, 2, 3, 5])
def test_multibyte_characters_are_never_split(bytes_per_token: int) -> None:
    text = "café naïve 日本語 🙂 done"
    tokenizer = ByteTokenizer(text, bytes_per_token)
    pieces = stream(IncrementalDetokenizer(tokenizer.decode), tokenizer.ids)
    assert "".join(pieces) == text
    assert not any("\ufffd" in piece for piece in pieces)


def test_emoji_is_held_back_until_complete() -> None:
    tokenizer = ByteTokenizer("a🙂", 1)
    detokenizer = IncrementalDetokenizer(tokenizer.decode)
    assert detokenizer.push(0) == "a"
    assert [detokenizer.push(i) for i in (1, 2, 3)] == ["", "", ""]
    assert detokenizer.push(4) == "🙂"


def test_leading_spaces_in_context_are_kept() -> None:
    tokenizer = SentencePieceLike(["▁Hello", "▁world", ",", "▁again"])
    pieces = stream(IncrementalDetokenizer(tokenizer.decode), [0, 1, 2, 3])
    assert pieces[:4] == ["Hello", " world", ",", " again"]
    assert "".join(pieces) == "Hello world, again"


def test_incomplete_bytes_at_the_end_are_flushed() -> None:
    tokenizer = ByteTokenizer("ok🙂", 1)
    detokenizer = IncrementalDetokenizer(tokenizer.decode)
    assert [detokenizer.push(i) for i in (0, 1, 2, 3)] == ["o", "k", "", ""]
    assert detokenizer.flush() == "\ufffd"
    assert detokenizer.token_ids == [0, 1, 2, 3]


def test_stop_string_cuts_the_stream() -> None:
    matcher = StopStringMatcher(["STOP"])
    assert matcher.feed("hello ST") == "hello "
    assert matcher.feed("OP and more") == ""
    assert matcher.stopped
    assert matcher.feed("ignored") == ""
    assert matcher.flush() == ""


def test_partial_match_is_released_when_it_fails() -> None:
    matcher = StopStringMatcher(["STOP"])
    assert matcher.feed("a ST") == "a "
    assert matcher.feed("ART") == "START"
    assert not matcher.stopped


def test_held_text_is_flushed_at_the_end() -> None:
    matcher = StopStringMatcher(["</end>"])
    assert matcher.feed("x </e") == "x "
    assert matcher.flush() == "</e"


def test_earliest_stop_wins_and_empty_stops_are_ignored() -> None:
    matcher = StopStringMatcher(["", "world", "lo"])
    assert matcher.feed("hello world") == "hel"
    assert matcher.stopped


def test_no_stops_passes_text_through() -> None:
    matcher = StopStringMatcher([])
    assert matcher.feed("anything") == "anything"
    assert matcher.flush() == ""
