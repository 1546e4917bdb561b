"""The state of one conversation, kept across turns and connections."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple, Protocol

from cadence.protocol.frames import Role, Sampling


class SessionOwner(Protocol):
    """The connection a session is attached to."""

    def session_taken_over(self, now: float) -> None:
        """Called by the store, synchronously, when another connection claims
        the session: end the running turn and close."""
        ...


@dataclasses.dataclass(slots=True)
class HistoryEntry:
    """One stored message with its token count, counted once when added.

    ``looked``: for a user message, the assistant looked at the screen for
    it (the tool said yes, or it is a ``followup``'s screen description).
    """

    role: Role
    content: str
    tokens: int
    looked: bool = False


class Persona(NamedTuple):
    """What ``start`` set: the rendered system prompt and its inputs (a
    named tuple: immutable and cheap, one is built per ``start``)."""

    system_prompt: str | None = None
    personality: str | None = None
    gender: str | None = None


@dataclasses.dataclass(slots=True)
class Session:
    """A conversation: persona, history and session-level sampling."""

    session_id: str
    persona: Persona
    history: list[HistoryEntry]
    sampling: Sampling
    last_active: float
    owner: SessionOwner | None = None

    @property
    def history_tokens(self) -> int:
        """Total tokens of the stored history (from cached counts)."""
        return sum(entry.tokens for entry in self.history)


__all__ = ["HistoryEntry", "Persona", "Session", "SessionOwner"]
