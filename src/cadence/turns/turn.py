"""One turn: its phase table, the text it sent, and its timings.

Phases move only along :data:`TRANSITIONS`; an event with no entry raises
:class:`TurnTransitionError` naming the event and the phase (a bug, never the
client's fault).
"""

from __future__ import annotations

import dataclasses
import enum

from cadence.turns.filters import StreamFilter


class TurnPhase(enum.StrEnum):
    """Where a turn is."""

    STARTED = "started"
    TOOLED = "tooled"
    STREAMING = "streaming"
    ENDED = "ended"


class TurnEvent(enum.StrEnum):
    """What can happen to a turn."""

    TOOLCALL = "toolcall"
    TOKEN = "token"
    FINISH = "finish"
    CANCEL = "cancel"
    FAIL = "fail"


_ENDINGS = {
    TurnEvent.FINISH: TurnPhase.ENDED,
    TurnEvent.CANCEL: TurnPhase.ENDED,
    TurnEvent.FAIL: TurnPhase.ENDED,
}

TRANSITIONS: dict[TurnPhase, dict[TurnEvent, TurnPhase]] = {
    TurnPhase.STARTED: {
        TurnEvent.TOOLCALL: TurnPhase.TOOLED,
        TurnEvent.TOKEN: TurnPhase.STREAMING,
        **_ENDINGS,
    },
    TurnPhase.TOOLED: {TurnEvent.TOKEN: TurnPhase.STREAMING, **_ENDINGS},
    TurnPhase.STREAMING: {TurnEvent.TOKEN: TurnPhase.STREAMING, **_ENDINGS},
    TurnPhase.ENDED: {},
}


class TurnTransitionError(Exception):
    """An event arrived that the turn's phase does not allow (a bug)."""

    def __init__(self, event: TurnEvent, phase: TurnPhase) -> None:
        super().__init__(f"turn event {event} is not allowed in phase {phase}")
        self.event = event
        self.phase = phase


@dataclasses.dataclass(slots=True)
class Turn:
    """The bookkeeping of one running turn.

    ``user_text`` is the user content as stored in history (a followup's
    includes ``FOLLOWUP_PREFIX``). ``looked``: the assistant looked at the
    screen for this turn (a followup, or the tool said yes).
    ``raw`` collects engine text; ``sent`` the text put in ``token`` frames.
    """

    session_id: str
    request_id: str
    user_text: str
    truncated: bool
    started_at: float
    text_filter: StreamFilter
    wants_toolcall: bool
    runs_chat: bool
    phase: TurnPhase = TurnPhase.STARTED
    raw: list[str] = dataclasses.field(default_factory=list)
    sent: list[str] = dataclasses.field(default_factory=list)
    held: list[str] = dataclasses.field(default_factory=list)
    tool_ms: float | None = None
    ttft_ms: float | None = None
    prompt_tokens: int = 0
    looked: bool = False

    def advance(self, event: TurnEvent) -> None:
        """Move to the phase ``event`` leads to.

        Raises:
            TurnTransitionError: the event is not allowed now.
        """
        try:
            self.phase = TRANSITIONS[self.phase][event]
        except KeyError:
            raise TurnTransitionError(event, self.phase) from None

    @property
    def ended(self) -> bool:
        """Whether the terminal frame has been produced."""
        return self.phase is TurnPhase.ENDED

    @property
    def awaiting_toolcall(self) -> bool:
        """Whether engine text must be held until the tool decision."""
        return self.wants_toolcall and self.phase is TurnPhase.STARTED

    def sent_text(self) -> str:
        """The exact concatenation of the turn's ``token`` texts."""
        return "".join(self.sent)

    def delivered_raw(self) -> str:
        """The raw engine text whose speakable form reached the client."""
        raw = "".join(self.raw)
        pending = self.text_filter.pending_raw_chars
        return raw[: len(raw) - pending] if pending else raw


__all__ = ["TRANSITIONS", "Turn", "TurnEvent", "TurnPhase", "TurnTransitionError"]
