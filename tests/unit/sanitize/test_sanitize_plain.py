"""The plain path: ordinary word tokens skip both stages, with the same result.

The reference is the same sanitizer with the plain path kept off (the lexer
never reports a plain state), so every delta runs through both stages. The
two must agree delta by delta: same returned text, same
``pending_raw_chars``, and together the same as ``sanitize_text``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.sanitize import (
    Abbreviation,
    KnownWords,
    Sanitizer,
    SanitizerConfig,
    SanitizerStateError,
    sanitize_text,
)
from cadence.sanitize.config import rules_of
from cadence.sanitize.lexer import Lexer

#: Keys with a space, a quote or a bare word in them.
ABBREVIATIONS = (
    Abbreviation("ok", "okay"),
    Abbreviation("Xyz", "x"),
    Abbreviation("a la", "à la"),
    Abbreviation("don't", "do not"),
)
#: Deltas the plain path may take, and words it must hold or leave alone.
PLAIN = st.sampled_from(
    [" the", " world", " quick", "Hello", "world", "ing", "s", "'s", "'t", ",", "!",
     "?", ".", " ", " I", " It", " a", " ap", " e", " i", " vs", "vs", " v", " X",
     " XD", "XDD", " XDD", " xDDD", "D", " xD", " approx", " Mr", " Mrs", " www",
     " http", " mailto", " la", " o", " O", " T", " E", " p", " am", " café", "é",
     "ǅ", "x" * 90]
)  # fmt: skip
#: Everything else: a sample of what the rules act on.
TRICKY = st.sampled_from(
    [".", "..", "...", ". . .", "  ", "\n", "\n\n", "\t", "5", " 5", "-", " - ", "(",
     ")", "[", "*", "_", "@", "#", ":", ";", "<", "&", "~", "+", "%", "°", "😀",
     "\u200d", "\u0301", "’", "e.g.", "etc.", "p.m.", "Mr.", "vs.", "x@y.com",
     "example.com", "https://x.io/a", "[link](https://x.com/a)", "<b>", "*laughs*",
     ":)", "…", "Assistant:", "# ", "- ", "1. ", "> ", "`", '"', "\u00a0", "٣"]
)  # fmt: skip
TOKENS = st.lists(st.one_of(PLAIN, PLAIN, PLAIN, TRICKY), max_size=40)
CONFIG_LIST = [
    SanitizerConfig(),
    SanitizerConfig(control_prefixes=("MUST CHECK SCREEN:", "ON THE SCREEN NOW: ")),
    SanitizerConfig(
        strip_markdown=False,
        normalize_punctuation=False,
        strip_emoji=False,
        strip_emoticons=False,
        capitalize_first=False,
    ),
    SanitizerConfig(abbreviations=ABBREVIATIONS, role_labels=()),
]
CONFIGS = st.sampled_from(CONFIG_LIST)


def _no_start(sanitizer: Sanitizer, chunk: str) -> None:
    sanitizer._start = False


@contextmanager
def plain_path_off() -> Iterator[None]:
    """The full path only: no plain state, no plain first word."""
    with (
        mock.patch.object(Lexer, "plain_state", return_value=None),
        mock.patch.object(Sanitizer, "_begin", autospec=True, side_effect=_no_start),
    ):
        yield


def run(chunks: list[str], config: SanitizerConfig, known: KnownWords | None = None) -> list[tuple[str, int]]:
    """Each delta's output and ``pending_raw_chars``, then the flush's."""
    sanitizer = Sanitizer(config, known)
    steps = [(sanitizer.feed(chunk), sanitizer.pending_raw_chars) for chunk in chunks]
    steps.append((sanitizer.flush(), sanitizer.pending_raw_chars))
    return steps


def cut(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def check(chunks: list[str], config: SanitizerConfig) -> None:
    known = KnownWords()
    plain = run(chunks, config, known)
    with plain_path_off():
        reference = run(chunks, config)
    assert plain == reference
    assert run(chunks, config, known) == reference  # now from the memo the first run filled
    assert "".join(out for out, _ in plain) == sanitize_text("".join(chunks), config)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tokens=TOKENS, config=CONFIGS)
def test_token_streams_match_the_full_path(tokens: list[str], config: SanitizerConfig) -> None:
    check(tokens, config)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tokens=TOKENS, config=CONFIGS, data=st.data())
def test_any_chunking_matches_the_full_path(
    tokens: list[str], config: SanitizerConfig, data: st.DataObject
) -> None:
    text = "".join(tokens)
    check(cut(text, data.draw(st.lists(st.integers(0, len(text)), max_size=20))), config)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="abegXDxpmivswTo   .,!?'\n5(-@:)é", max_size=30), data=st.data())
def test_plain_alphabet_with_tricky_characters(text: str, data: st.DataObject) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=15))
    check(cut(text, cuts), SanitizerConfig())


@pytest.mark.parametrize(
    "tokens",
    [
        ["Hi", ".", " ", "Then"],  # ". ." may still be an ellipsis, unless tidying is off
        ["Hi", ".", " ", " Then"],
        ["Hi", "!", ".", " Then"],  # a mark after a mark is dropped
        ["Hi", ",", ",", " x"],
        ["Hi", " XDD"],  # "XD" takes repeats: "XDDD" is still an emoticon
        ["Hi", " ", "XDD", " x"],
        ["Hi", " XDD", "D", " x"],
        ["Hi", ",", "XDD"],
        ["Hi", "'a", " x"],  # the quote comes out, the "a" is held
        ["Hi", " a", " ", "la", " x"],  # "a la" is a key in one config
        ["Hi", " a", " la", " x"],
        ["Hi", " don", "'t", " x"],
        ["Hi", " ok", " x"],
        ["Hi", "x" * 70, "y" * 30, "@x.com"],  # a word longer than WORD_CAP
        ["Hi", " {", " x"],  # no space after an opening bracket
        ["Hi", " (", " x"],
        ["(", "Hi", " x"],
        ["Hi", "\u0301", "x", " y"],
    ],
)
@pytest.mark.parametrize("config", CONFIG_LIST)
def test_chosen_streams_match_the_full_path(tokens: list[str], config: SanitizerConfig) -> None:
    check(tokens, config)


def test_ordinary_word_tokens_skip_the_stages() -> None:
    tokens = ["Hello", " world", ",", " the", " quick", " fox", ".", " It", "'s",
              " fine", "!", " I", " saw", " a", " cat", " ", "today", "?"]  # fmt: skip
    sanitizer = Sanitizer()
    with mock.patch.object(Lexer, "feed", autospec=True, side_effect=Lexer.feed) as lexer_feed:
        out = [sanitizer.feed(token) for token in tokens]
        assert lexer_feed.call_count == 0  # "Hello" too: it cannot begin a role label
        assert out[1:6] == [" world", ",", " the", " quick", " fox"]
        assert out[6:8] == ["", ". It"]  # "." might have been "..." or ".com"
        assert out[13:15] == ["", " a cat"]  # " a" might have been " approx."
        assert out[15:] == ["", " today", "?"]
        assert sanitizer.flush() == ""
    assert "".join(out) == sanitize_text("".join(tokens))


def test_held_text_counts_as_pending() -> None:
    sanitizer = Sanitizer()
    assert sanitizer.feed("Hello") == "Hello"
    assert (sanitizer.feed("."), sanitizer.pending_raw_chars) == ("", 1)
    assert (sanitizer.feed(" "), sanitizer.pending_raw_chars) == ("", 2)
    assert (sanitizer.feed("Then"), sanitizer.pending_raw_chars) == (". Then", 0)
    assert (sanitizer.feed(" a"), sanitizer.pending_raw_chars) == ("", 2)
    assert (sanitizer.feed(" "), sanitizer.pending_raw_chars) == (" a", 1)
    assert sanitizer.flush() == ""
    assert sanitizer.pending_raw_chars == 0


@pytest.mark.parametrize("before", [["Hello"], ["Hello", "."], ["Hello", " "]])
def test_a_failure_on_the_plain_path_locks_the_sanitizer(before: list[str]) -> None:
    sanitizer = Sanitizer()
    for token in before:
        sanitizer.feed(token)
    with pytest.raises((TypeError, AttributeError)):
        sanitizer.feed(None)  # type: ignore[arg-type]
    with pytest.raises(SanitizerStateError):
        sanitizer.feed(" world")
    with pytest.raises(SanitizerStateError):
        sanitizer.flush()


def test_words_that_may_still_become_a_key_leave_the_plain_path() -> None:
    sanitizer = Sanitizer()
    tokens = ["Sure", " e", ".g", ".", " apples", " XD", "D", " vs", " pears"]
    out = "".join(sanitizer.feed(token) for token in tokens) + sanitizer.flush()
    assert out == "Sure for example apples versus pears"


def test_plain_tables_follow_the_config() -> None:
    rules = rules_of(SanitizerConfig())
    assert {"e", "e.", "e.g", "e.g.", "a", "approx", "vs", "www."} <= rules.word_stops
    assert rules.stop_initials == {"X", "x"}  # "XD", "xD" take repeats: "XDDD"
    assert "a" in rules.space_releases and "approx" in rules.space_releases
    assert "vs" not in rules.space_releases  # "vs " is "versus "
    bare = rules_of(SanitizerConfig(expand_abbreviations=False, strip_emoticons=False))
    assert "e" not in bare.word_stops and not bare.stop_initials


def test_known_words_are_shared_and_bounded() -> None:
    known = KnownWords(capacity=2)
    first = Sanitizer(None, known)
    assert [first.feed(t) for t in ["Hello", " big", " wide", " world", "."]] == [
        "Hello", " big", " wide", " world", ""]
    assert dict(known) == {" big": "big", " wide": "wide"}  # full: " world" is not learnt
    second = Sanitizer(None, known)
    with mock.patch.object(Lexer, "feed", autospec=True, side_effect=Lexer.feed) as lexer_feed:
        out = [second.feed(t) for t in ["Hi", " big", " wide", " e", ".g", "."]]
    assert lexer_feed.call_count > 0  # " e" may begin "e.g.": the stages run
    assert "".join(out) + second.flush() == "Hi big wide for example"
    assert " e" not in known
