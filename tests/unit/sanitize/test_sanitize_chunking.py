"""The invariant: the output never depends on how the stream was chunked.

For model-like texts and any way of cutting them into chunks, joining every
``feed()`` result and ``flush()`` gives exactly ``sanitize_text(whole)``. A
sanitizer that re-ran on the accumulated text and sent the difference would
fail here: text already sent cannot be taken back.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.sanitize import Sanitizer, SanitizerConfig, sanitize_text
from cadence.sanitize.chars import SOFT_STOP

WORDS = st.sampled_from(
    ["Hello", "there", "a", "I", "the", "e", "i", "ht", "http", "www", "X", "xD",
     "Jean-Luc", "don't", "café", "नमस्ते", "東京", "Ελλάδα", "iPhone", "snake_case",
     "Assistant", "AI", "MUST", "CHECK", "SCREEN", "ON", "NOW", "laughs", "smiles"]
)  # fmt: skip
PUNCTUATION = st.sampled_from(
    [".", ",", "!", "?", ";", ":", "...", "…", ". . .", "!!", "?!", "—", "–", "-",
     "--", " - ", "“", "”", "’", "'", '"', "(", ")", "[", "]", "‼", "⁉"]
)  # fmt: skip
MARKUP = st.sampled_from(
    ["**", "*", "__", "_", "`", "```", "```python\n", "~~", "# ", "## ", "- ", "* ",
     "1. ", "> ", "---", "|", "\\*", "[link](https://x.com/a)", "![alt](a.png)",
     "<b>", "</b>", "<br/>", '<a href="x">', "<!-- c -->", "<", ">", "&amp;",
     "&#39;", "&nbsp;", "&mdash;", "&", "*laughs*", "*smiles warmly*", "*really*",
     "<https://x.org>", "Assistant:", "AI: ", "MUST CHECK SCREEN:",
     "ON THE SCREEN NOW: "]
)  # fmt: skip
SYMBOLS = st.sampled_from(
    ["😀", "👍🏽", "👩\u200d⚕️", "\u200d", "\ufe0f", "1️⃣", "🇫🇷", "❤️", ":)", ":-(",
     ";)", "<3", "XD", "^_^", "-_-", "%", "°", "°C", "℃", "+", "=", "×", "÷", "−",
     "~", "#", "@", "\ue000", "\x00", "\u00ad", "\u200b"]
)  # fmt: skip
ADDRESSES = st.sampled_from(
    ["john.doe@example.com", "a_b+x@mail.co.uk", "a@b", "@handle", "example.com",
     "www.example.com/pricing", "https://example.com/how-to?x=1#y", "http://x.io/",
     "mailto:ann@x.io", "Node.js", "e.g.", "i.e.", "etc.", "Mr.", "vs", "vs.",
     "a.m.", "p.m.", "approx."]
)  # fmt: skip
NUMBERS = st.one_of(
    st.integers(-10_000, 10_000_000).map(str),
    st.sampled_from(
        ["3.14", "1,000", "50%", "25°C", "90°", "-5", "555-123-4567",
         "(555) 123-4567", "+44 20 7946 0958", "1-800-555-0199", "2024-05-01",
         "10:30", "2+2=4", "5 * 3", "1–5"]
    ),
)  # fmt: skip
SPACES = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", " \n "])
FRAGMENT = st.one_of(WORDS, WORDS, SPACES, SPACES, PUNCTUATION, MARKUP, SYMBOLS,
                     ADDRESSES, NUMBERS)  # fmt: skip
MODEL_TEXT = st.lists(FRAGMENT, max_size=40).map("".join)

CONFIGS = st.sampled_from(
    [
        SanitizerConfig(),
        SanitizerConfig(control_prefixes=("MUST CHECK SCREEN:", "ON THE SCREEN NOW: ")),
        SanitizerConfig(
            strip_markdown=False,
            normalize_punctuation=False,
            strip_emoji=False,
            strip_emoticons=False,
            capitalize_first=False,
        ),
        SanitizerConfig(strip_html=False, verbalize_symbols=False, role_labels=()),
    ]
)


def stream(text: str, cuts: list[int], config: SanitizerConfig) -> str:
    """Feed ``text`` cut at ``cuts``; check pending_raw_chars on the way."""
    sanitizer = Sanitizer(config)
    out, fed, delivered, start = [], 0, 0, 0
    for cut in [*sorted(set(cuts)), len(text)]:
        out.append(sanitizer.feed(text[start:cut]))
        fed, start = cut, cut
        now = fed - sanitizer.pending_raw_chars
        assert 0 <= sanitizer.pending_raw_chars <= fed
        assert now >= delivered, "delivered raw text never shrinks"
        delivered = now
    out.append(sanitizer.flush())
    assert sanitizer.pending_raw_chars == 0
    return "".join(out)


def check_output_shape(out: str) -> None:
    assert out == out.strip(), "no leading or trailing whitespace"
    assert "  " not in out and "\n" not in out
    assert SOFT_STOP not in out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MODEL_TEXT, config=CONFIGS, data=st.data())
def test_random_chunkings_match_the_whole(
    text: str, config: SanitizerConfig, data: st.DataObject
) -> None:
    whole = sanitize_text(text, config)
    check_output_shape(whole)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert stream(text, cuts, config) == whole


@settings(max_examples=150, deadline=None)
@given(text=MODEL_TEXT, config=CONFIGS)
def test_one_character_at_a_time_matches_the_whole(
    text: str, config: SanitizerConfig
) -> None:
    assert stream(text, list(range(1, len(text))), config) == sanitize_text(
        text, config
    )


TRICKY = st.text(alphabet="ab.@:)-*<>&;#1 \n😀\u200d_[]()e.gwhtp%°C", max_size=9)


@settings(max_examples=150, deadline=None)
@given(text=TRICKY)
def test_every_chunking_of_short_texts_matches_the_whole(text: str) -> None:
    whole = sanitize_text(text)
    positions = range(1, len(text))
    for n in range(len(text)):
        for cuts in itertools.combinations(positions, n):
            assert stream(text, list(cuts), SanitizerConfig()) == whole, cuts
