"""The two stages on their own, and the public object's state rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.sanitize import Sanitizer, SanitizerConfig, SanitizerStateError
from cadence.sanitize.chars import SOFT_STOP
from cadence.sanitize.config import rules_of
from cadence.sanitize.lexer import step
from cadence.sanitize.spacer import Spacer
from cadence.sanitize.state import LexState
from cadence.sanitize.window import K_TEXT, NeedMore, Window


def spaced(pieces: list[str], *, capitalize: bool = True) -> str:
    spacer = Spacer(capitalize=capitalize, tidy_punctuation=True)
    for piece in pieces:
        spacer.put(K_TEXT, piece, len(piece))
    spacer.finish()
    return spacer.take()


@pytest.mark.parametrize(
    ("pieces", "want"),
    [
        ([" ", "hi", " ", " ", "there", " "], "Hi there"),
        (["a", " ", ",", " ", "b"], "A, b"),
        (["Wow", "!", "!", "?"], "Wow!"),
        (["So", "\u2026", "?"], "So...?"),
        (["Title", SOFT_STOP, " ", "next"], "Title. next"),
        (["Done", ".", SOFT_STOP, " ", "next"], "Done. next"),
        ([SOFT_STOP, ",", " ", "hi"], "Hi"),
        (["(", " ", "x", " ", ")"], "(X)"),
        (["i", "Phone"], "iPhone"),
        (["x"], "X"),
    ],
)
def test_spacer(pieces: list[str], want: str) -> None:
    assert spaced(pieces) == want


SPACER_CHARS = st.text(alphabet=f"ab A,.!?…() {SOFT_STOP}", max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=SPACER_CHARS, data=st.data())
def test_spacer_ignores_how_its_input_is_split(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(1, max(len(text) - 1, 1)))))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert spaced(pieces) == spaced(list(text)) == spaced([text])


def test_a_scanner_asks_for_more_text_instead_of_guessing() -> None:
    rules = rules_of(SanitizerConfig())
    state = LexState(in_prefix=False, line_start=False)
    with pytest.raises(NeedMore):
        step(Window("htt", 3, final=False), 0, state, rules, {})
    end, pieces, _ = step(Window("htt", 3, final=True), 0, state, rules, {})
    assert (end, pieces) == (3, ((1, "htt"),))


def test_feed_after_flush_is_refused() -> None:
    sanitizer = Sanitizer()
    assert sanitizer.feed("Hi") + sanitizer.flush() == "Hi"
    assert sanitizer.flush() == ""
    with pytest.raises(SanitizerStateError):
        sanitizer.feed("more")


def test_a_failure_locks_the_sanitizer() -> None:
    sanitizer = Sanitizer()
    with pytest.raises(TypeError):
        sanitizer.feed(None)  # type: ignore[arg-type]
    with pytest.raises(SanitizerStateError):
        sanitizer.feed("Hi")
    with pytest.raises(SanitizerStateError):
        sanitizer.flush()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"control_prefixes": ("  ",)},
        {"role_labels": ("",)},
        {"stage_direction_words": ("",)},
        {"spoken_tlds": ("",)},
    ],
)
def test_config_rejects_blank_entries(kwargs: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(ValueError, match="must not hold"):
        SanitizerConfig(**kwargs)  # type: ignore[arg-type]


def test_config_is_hashable_and_compares_by_value() -> None:
    assert SanitizerConfig() == SanitizerConfig()
    assert hash(SanitizerConfig()) == hash(SanitizerConfig())
    assert SanitizerConfig() != SanitizerConfig(strip_emoji=False)
