"""Client-side timings of one turn, from the moment its frame was sent.

:class:`TimingRecorder` is a pure core: it is fed frames with the time they
arrived (seconds on any monotonic clock) and never reads a clock itself.
"""

from __future__ import annotations

import dataclasses
import itertools

from cadence.client.frames import DoneFrame, ServerFrame, ServerTimings, TokenFrame, ToolcallFrame
from cadence.client.text import complete_words, has_sentence

#: Words a voice front end wants before it starts speaking.
FIRST_WORDS = 3


@dataclasses.dataclass(frozen=True, slots=True)
class TurnTimings:
    """Milliseconds from sending the turn's frame; ``None`` when it never happened.

    - ``toolcall_ms``: the ``toolcall`` frame arrived.
    - ``ttft_ms``: the first ``token`` frame arrived (time to first token).
    - ``first_3_words_ms``: three complete words were available (see
      :mod:`cadence.client.text`); for a finished reply shorter than three
      words, when the reply ended.
    - ``first_sentence_ms``: the first sentence was complete; for a finished
      reply with no sentence end, when the reply ended.
    - ``total_ms``: the terminal frame arrived (end-to-end latency).
    - ``token_times_ms``: arrival of each ``token`` frame.
    - ``server``: the timings the server reported in ``done``.
    """

    toolcall_ms: float | None = None
    ttft_ms: float | None = None
    first_3_words_ms: float | None = None
    first_sentence_ms: float | None = None
    total_ms: float | None = None
    token_times_ms: tuple[float, ...] = ()
    server: ServerTimings | None = None

    @property
    def itl_ms(self) -> tuple[float, ...]:
        """Inter-token latencies: gaps between consecutive ``token`` frames."""
        times = self.token_times_ms
        return tuple(b - a for a, b in itertools.pairwise(times))

    def tpot_ms(self, output_tokens: int | None = None) -> float | None:
        """Time per output token after the first, as vLLM's benchmark defines it.

        ``(total_ms - ttft_ms) / (output_tokens - 1)``; ``output_tokens``
        defaults to the number of ``token`` frames. ``None`` with fewer than
        two tokens or when the turn did not finish.
        """
        count = len(self.token_times_ms) if output_tokens is None else output_tokens
        if count < 2 or self.ttft_ms is None or self.total_ms is None:
            return None
        return (self.total_ms - self.ttft_ms) / (count - 1)


class TimingRecorder:
    """Accumulates one turn's timings; feed frames in arrival order, then finish."""

    def __init__(self, sent_at: float) -> None:
        self._sent_at = sent_at
        self._text: list[str] = []
        self._joined = ""
        self._toolcall: float | None = None
        self._words: float | None = None
        self._sentence: float | None = None
        self._tokens: list[float] = []

    def _ms(self, now: float) -> float:
        return (now - self._sent_at) * 1000.0

    def feed(self, frame: ServerFrame, now: float) -> None:
        """Record ``frame``, received at ``now``; non-stream frames are ignored."""
        if isinstance(frame, ToolcallFrame) and self._toolcall is None:
            self._toolcall = self._ms(now)
        elif isinstance(frame, TokenFrame):
            self._tokens.append(self._ms(now))
            self._joined += frame.text
            self._mark(now, final=False)

    def _mark(self, now: float, final: bool) -> None:
        if self._words is None and complete_words(self._joined, final) >= FIRST_WORDS:
            self._words = self._ms(now)
        if self._sentence is None and has_sentence(self._joined, final):
            self._sentence = self._ms(now)

    def finish(self, frame: ServerFrame | None, now: float) -> TurnTimings:
        """The timings once the terminal ``frame`` arrived at ``now``.

        ``frame`` is ``None`` when the connection was lost. Only a ``done``
        completes the reply, so only then can the word and sentence marks be
        taken at the end of the reply.
        """
        server = None
        if isinstance(frame, DoneFrame):
            server = frame.timings
            if self._joined.strip():
                self._mark(now, final=True)
                self._words = self._words if self._words is not None else self._ms(now)
        return TurnTimings(
            toolcall_ms=self._toolcall,
            ttft_ms=self._tokens[0] if self._tokens else None,
            first_3_words_ms=self._words,
            first_sentence_ms=self._sentence,
            total_ms=self._ms(now),
            token_times_ms=tuple(self._tokens),
            server=server,
        )


__all__ = ["FIRST_WORDS", "TimingRecorder", "TurnTimings"]
