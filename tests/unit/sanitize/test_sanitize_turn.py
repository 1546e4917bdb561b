"""The per-turn costs: a cheap construction and a flush on the plain path.

``flush()`` after a reply that ends on the plain path (a plain word, or text
the plain path holds: ".", " ", " a", ". ") runs neither stage; it must give
what the stages would: same text, same ``pending_raw_chars``, same state
afterwards. The reference is the full path (the plain path kept off).
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sanitize_plain import CONFIG_LIST, PLAIN, check, plain_path_off, run

from cadence.sanitize import Sanitizer, SanitizerConfig, SanitizerStateError
from cadence.sanitize.config import rules_of
from cadence.sanitize.lexer import Lexer
from cadence.sanitize.spacer import Spacer

#: Reply endings the plain path takes or holds, and ones it leaves.
ENDINGS = [[], ["?"], ["!"], [","], ["."], [" "], [" a"], [" approx"], [" www"], [".", " "],
           [" a", " "], ["ing"], ["'s"], [" e"], [" XD"], ["...", " "], [" 5"], ["x" * 90]]  # fmt: skip
WORDS = ["Hello", " world", " the", " quick", " fox"]


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize("config", CONFIG_LIST)
def test_flush_after_the_plain_path_matches_the_full_path(ending: list[str], config: SanitizerConfig) -> None:
    check([*WORDS, *ending], config)


@pytest.mark.parametrize(
    ("ending", "tail"),
    [([], ""), (["?"], ""), (["."], "."), ([" "], ""), ([" a"], " a"), ([".", " "], "."),
     ([" a", " "], "")],
)  # fmt: skip
def test_flush_on_the_plain_path_runs_no_stage(ending: list[str], tail: str) -> None:
    sanitizer = Sanitizer()
    for token in [*WORDS, *ending]:
        sanitizer.feed(token)
    with (
        mock.patch.object(Lexer, "feed", autospec=True) as lexer_feed,
        mock.patch.object(Spacer, "finish", autospec=True) as spacer_finish,
    ):
        assert sanitizer.flush() == tail
    assert (lexer_feed.call_count, spacer_finish.call_count) == (0, 0)
    assert sanitizer.pending_raw_chars == 0


@pytest.mark.parametrize("ending", [[], ["."], [" a"]])
def test_a_flush_on_the_plain_path_ends_the_turn(ending: list[str]) -> None:
    sanitizer = Sanitizer()
    for token in [*WORDS, *ending]:
        sanitizer.feed(token)
    sanitizer.flush()
    assert sanitizer.flush() == ""
    with pytest.raises(SanitizerStateError):
        sanitizer.feed(" more")
    with pytest.raises(SanitizerStateError):
        sanitizer.feed("?")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tokens=st.lists(PLAIN, max_size=12),
    ending=st.sampled_from(ENDINGS),
    config=st.sampled_from(CONFIG_LIST),
)
def test_plain_replies_flush_like_the_full_path(
    tokens: list[str], ending: list[str], config: SanitizerConfig
) -> None:
    check(["Hi", *tokens, *ending], config)


def test_sanitizers_of_one_config_share_its_tables() -> None:
    config = SanitizerConfig(control_prefixes=("MUST CHECK SCREEN:",))
    with mock.patch("cadence.sanitize.config.compile_rules") as compile_rules:
        first, second = Sanitizer(config), Sanitizer(config)
    compile_rules.assert_not_called()  # compiled once, by the config
    assert first._lexer._rules is second._lexer._rules is rules_of(config)
    chunks = ["tell", " me", " about", " paris", "."]
    assert run(chunks, config) == run(chunks, config)
    with plain_path_off():
        assert run(chunks, config) == [("Tell", 0), (" me", 0), (" about", 0), (" paris", 0),
                                       ("", 1), (".", 0)]  # fmt: skip


def test_the_spacer_takes_its_switches_by_position_or_keyword() -> None:
    for spacer in (Spacer(True, False), Spacer(capitalize=True, tidy_punctuation=False)):
        for c in "hi  there ,, you":
            spacer.put(0, c, 1)
        spacer.finish()
        assert spacer.take() == "Hi there ,, you"
