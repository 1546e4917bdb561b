"""What a finished turn produced."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from cadence.client.frames import AckFrame, ErrorFrame, ToolcallFrame, Usage
from cadence.client.timings import TurnTimings


class Outcome(enum.StrEnum):
    """How a turn ended."""

    DONE = "done"                  #: ``done``: the reply is complete
    CANCELLED = "cancelled"        #: ``cancelled``: cancel, barge-in, end, takeover, shutdown
    ERROR = "error"                #: ``error`` with the turn's id (rejected or failed)
    ACK = "ack"                    #: ``ack``: a ``start`` with no utterance was accepted
    DISCONNECTED = "disconnected"  #: the connection closed before a terminal frame


@dataclasses.dataclass(frozen=True, slots=True)
class TurnResult:
    """The end of one turn.

    ``text`` is the reply (``done``), or what was streamed before the turn
    ended otherwise. ``usage`` is set for ``done`` (zeros for ``ack``);
    ``error`` for ``error``; ``cancel_reason``/``cancel_active`` for
    ``cancelled``; ``close`` = (close code, reason) for ``disconnected``.
    """

    request_id: str
    kind: str
    outcome: Outcome
    text: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None
    timings: TurnTimings = TurnTimings()
    toolcall: ToolcallFrame | None = None
    truncated: bool = False
    cancel_reason: str | None = None
    cancel_active: bool | None = None
    error: ErrorFrame | None = None
    ack: AckFrame | None = None
    close: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        """Whether the turn completed (``done``, or ``ack`` for a bare ``start``)."""
        return self.outcome in (Outcome.DONE, Outcome.ACK)

    @property
    def output_tokens(self) -> int:
        """Completion tokens from ``usage``, else the number of token frames."""
        if self.usage is not None and self.usage.completion_tokens:
            return self.usage.completion_tokens
        return len(self.timings.token_times_ms)

    @property
    def error_code(self) -> str | None:
        """The error code, for an ``error`` outcome."""
        return self.error.code if self.error is not None else None

    def replace(self, **changes: Any) -> TurnResult:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)


__all__ = ["Outcome", "TurnResult"]
