"""Turn timings: TTFT, first 3 words, first sentence, ITL, TPOT."""

from __future__ import annotations

import pytest

from cadence.client import (
    CancelledFrame,
    DoneFrame,
    ServerTimings,
    TimingRecorder,
    TokenFrame,
    ToolcallFrame,
    TurnTimings,
    Usage,
)
from cadence.client.text import complete_words, first_sentence, has_sentence


def tok(text: str) -> TokenFrame:
    return TokenFrame("s", "r", text)


def done(text: str, tokens: int) -> DoneFrame:
    return DoneFrame("s", "r", text, "stop", Usage(10, tokens, 0, 10 + tokens), ServerTimings(None, 1.0, 5.0))


@pytest.mark.parametrize(("text", "final", "words"), [
    ("", False, 0), ("Hi", False, 0), ("Hi", True, 1), ("Hi ", False, 1),
    ("Hi there friend", False, 2), ("Hi there friend", True, 3), ("Hi there friend ", False, 3),
    ("  spaced   out  ", False, 2),
])
def test_complete_words(text: str, final: bool, words: int) -> None:
    assert complete_words(text, final) == words


@pytest.mark.parametrize(("text", "final", "expected"), [
    ("Hello there.", False, False),    # the "." may be a decimal point until a space follows
    ("Hello there. How", False, True),
    ("Really?! Yes", False, True),
    ('He said "stop." Then', False, True),
    ("It costs 3.5 euros", False, False),
    ("no punctuation at all", False, False),
    ("no punctuation at all", True, True),  # the end of the reply ends the sentence
    ("   ", True, False),
])
def test_has_sentence(text: str, final: bool, expected: bool) -> None:
    assert has_sentence(text, final) is expected


def test_first_sentence() -> None:
    assert first_sentence("Hi there! How are you?") == "Hi there!"
    assert first_sentence("no end") == "no end"


def feed(rec: TimingRecorder, items: list[tuple[float, TokenFrame | ToolcallFrame]]) -> None:
    for at, frame in items:
        rec.feed(frame, at)


def test_recorder_marks_each_metric_when_it_becomes_known() -> None:
    rec = TimingRecorder(sent_at=10.0)
    feed(rec, [
        (10.050, ToolcallFrame("s", "r", "no", 0.1)),
        (10.100, tok("Hello")),
        (10.110, tok(" there.")),
        (10.120, tok(" How")),      # "Hello there." ends a sentence; 2 complete words
        (10.130, tok(" are")),      # "How" complete: 3 words
        (10.140, tok(" you?")),
    ])
    timings = rec.finish(done("Hello there. How are you?", 5), 10.150)
    assert timings.toolcall_ms == pytest.approx(50.0)
    assert timings.ttft_ms == pytest.approx(100.0)
    assert timings.first_sentence_ms == pytest.approx(120.0)
    assert timings.first_3_words_ms == pytest.approx(130.0)
    assert timings.total_ms == pytest.approx(150.0)
    assert timings.itl_ms == pytest.approx((10.0, 10.0, 10.0, 10.0))
    assert timings.tpot_ms() == pytest.approx((150.0 - 100.0) / 4)
    assert timings.tpot_ms(output_tokens=11) == pytest.approx(5.0)
    assert timings.server == ServerTimings(None, 1.0, 5.0)


def test_short_reply_marks_words_and_sentence_at_the_end() -> None:
    rec = TimingRecorder(sent_at=0.0)
    feed(rec, [(0.010, tok("Sure"))])
    timings = rec.finish(done("Sure", 1), 0.020)
    assert timings.first_3_words_ms == pytest.approx(20.0)
    assert timings.first_sentence_ms == pytest.approx(20.0)
    assert timings.tpot_ms() is None  # one token: no time per output token


def test_cancelled_turn_gets_no_end_of_reply_marks() -> None:
    rec = TimingRecorder(sent_at=0.0)
    feed(rec, [(0.010, tok("One")), (0.020, tok(" two"))])
    timings = rec.finish(CancelledFrame("s", "r", "client_request", "One two"), 0.030)
    assert timings.ttft_ms == pytest.approx(10.0)
    assert timings.first_3_words_ms is None and timings.first_sentence_ms is None
    assert timings.total_ms == pytest.approx(30.0)


def test_turn_without_tokens() -> None:
    timings = TimingRecorder(0.0).finish(None, 1.0)
    assert timings == TurnTimings(total_ms=1000.0)
    assert timings.itl_ms == () and timings.tpot_ms() is None
