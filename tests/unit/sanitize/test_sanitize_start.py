"""The reply's first delta on the plain path (``Sanitizer._begin``).

A first word that cannot begin a control prefix, a role label or a key skips
both stages; output and ``pending_raw_chars`` must equal the full path's,
delta by delta, whatever follows.
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sanitize_plain import CONFIG_LIST, CONFIGS, TOKENS, plain_path_off, run

from cadence.sanitize import Sanitizer, SanitizerConfig
from cadence.sanitize.lexer import Lexer
from cadence.sanitize.spacer import Spacer

PREFIXES = ("MUST CHECK SCREEN:", "ON THE SCREEN NOW: ", "must", "ON")
#: First deltas: plain words, and ones a rule may act on.
FIRSTS = ["tell", "Hello", "Sure", "sure", "I", "i", "t", "a", "iPhone", "eBay", "ǅungla",
          "ßig", "ﬁne", "ʼn", "élan", "Ελλάδα", "日本", "x" * 90, " hello", "  Hello", "\nhi",
          "\thi", "User:", "User", "Assistant:", "assistant", "Assistant", "ASSISTANT:", "Ai",
          "AI:", "ai", "Bot", "Agent", "agent:", "MUST", "must", "MUST CHECK SCREEN:", "ON",
          "On", "o", "ok", "Xyz", "xD", "XD", "XDD", "www", "http", "mailto", "approx",
          "vs", "Mr", "e", "E", "p", "am", "**", "*Hi", "#", "# Hi", "- Hi", "1", "1.", "5pm",
          "٣", '"Hi', "“Hi", "'s", "😀", "😀Hi", ":)", "<b>", "[", ".", "...", ",", "", " ",
          "don't", "Hi!", "Hi.", "hi,", "Hi there"]  # fmt: skip
NEXTS = [[], [" me"], ["there", " you"], ["!"], ["."], [" a"], [":"], [" CHECK", " SCREEN:"],
         ["stant:", " Hi"], [" 5"], ["@x.com"], [".com"], ["\n", "Hi"]]  # fmt: skip
ALL_CONFIGS = [*CONFIG_LIST, SanitizerConfig(control_prefixes=PREFIXES),
               SanitizerConfig(capitalize_first=False, control_prefixes=PREFIXES)]  # fmt: skip


def check(chunks: list[str], config: SanitizerConfig) -> None:
    fast = run(chunks, config)
    with plain_path_off():
        full = run(chunks, config)
    assert fast == full, chunks


@pytest.mark.parametrize("config", ALL_CONFIGS)
@pytest.mark.parametrize("first", FIRSTS)
def test_the_first_delta_matches_the_full_path(first: str, config: SanitizerConfig) -> None:
    for nexts in NEXTS:
        check([first, *nexts], config)
        check(["", first, *nexts], config)


@pytest.mark.parametrize(
    ("first", "out"),
    [("tell", "Tell"), ("Hello", "Hello"), ("  hi", "Hi"), ("iPhone", "iPhone"), ("I", "I")],
)
def test_a_plain_first_word_runs_no_stage(first: str, out: str) -> None:
    sanitizer = Sanitizer(SanitizerConfig(control_prefixes=PREFIXES[:2]))
    with (
        mock.patch.object(Lexer, "feed", autospec=True) as lexer_feed,
        mock.patch.object(Spacer, "put", autospec=True) as spacer_put,
    ):
        assert sanitizer.feed(first) == out
        assert sanitizer.feed(" me") == " me"
    assert (lexer_feed.call_count, spacer_put.call_count) == (0, 0)
    assert sanitizer.pending_raw_chars == 0


@pytest.mark.parametrize("first", ["Bot", "Assistant", "ai", "must", "on", "www", "xD", "t"])
def test_a_first_word_a_rule_may_take_runs_the_stages(first: str) -> None:
    sanitizer = Sanitizer(SanitizerConfig(control_prefixes=PREFIXES))
    with mock.patch.object(Lexer, "feed", autospec=True) as lexer_feed:
        sanitizer.feed(first)
    assert lexer_feed.call_count == 1


def test_the_start_path_after_flush_or_a_failure_refuses() -> None:
    sanitizer = Sanitizer()
    sanitizer.flush()
    with pytest.raises(RuntimeError):
        sanitizer.feed("Hello")
    broken = Sanitizer()
    with pytest.raises(TypeError):
        broken.feed(None)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        broken.feed("Hello")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.sampled_from(FIRSTS), tokens=TOKENS, config=CONFIGS)
def test_replies_after_any_first_delta_match_the_full_path(
    first: str, tokens: list[str], config: SanitizerConfig
) -> None:
    check([first, *tokens], config)
