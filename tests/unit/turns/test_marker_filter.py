"""The server's prompt markers never reach the client, wherever the model repeats them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.turns.filters import MarkerFilter, Markers, Passthrough

MARKERS = ("MUST CHECK SCREEN:", "ON THE SCREEN NOW:")
PREPARED = Markers.of(MARKERS)
PIECES = ["MUST CHECK SCREEN:", "MUST CHECK SCREEN: ", "MUST", " CHECK", " SCREEN:", "ON THE SCREEN NOW: ",
          "hello", " ", "ON THE", " SCREEN", "x", "\n", "M", "O"]


def run(chunks: list[str]) -> str:
    marker_filter = MarkerFilter(PREPARED, Passthrough())
    return "".join(marker_filter.feed(chunk) for chunk in chunks) + marker_filter.flush()


@settings(max_examples=400)
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.lists(st.integers(0, 200), max_size=6))
def test_no_marker_survives_and_chunking_does_not_matter(pieces: list[str], cuts: list[int]) -> None:
    text = "".join(pieces)
    points = sorted({min(cut, len(text)) for cut in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    whole = run([text])
    assert run(chunks) == whole
    assert not any(marker in whole for marker in MARKERS)


def test_the_marker_and_the_space_after_it_go() -> None:
    assert run(["Sure. MUST CHECK", " SCREEN:", " I see it"]) == "Sure. I see it"
    assert run(["MUST CHECK SCREEN: hi"]) == "hi"
    assert run(["ON THE"]) == "ON THE"  # a reply cut inside a marker keeps its words
    assert run(["I see it on the screen now: a chart"]) == "I see it on the screen now: a chart"
    held = MarkerFilter(PREPARED, Passthrough())
    assert held.feed("Look, MUST CH") == "Look, "
    assert held.pending_raw_chars == len("MUST CH")
    assert held.feed("ECK it, my friend") == "MUST CHECK it, my friend"  # lowercase: nothing held
