"""The in-process session store: TTL for detached sessions, LRU cap, takeover.

Pure: time comes in as ``now`` arguments. An attached session never expires
and is never evicted, so the store can exceed ``max_sessions`` only while more
sessions than that are attached at once.
"""

from __future__ import annotations

from collections import OrderedDict

from cadence.session.state import Session, SessionOwner


class SessionStore:
    """Sessions by id, least recently used first."""

    def __init__(self, max_sessions: int, ttl_s: float) -> None:
        self._max_sessions = max_sessions
        self._ttl_s = ttl_s
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str, now: float) -> Session | None:
        """Return the live session, or ``None`` (expired ones are dropped)."""
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if session.owner is None and now - session.last_active > self._ttl_s:
            del self._sessions[session_id]
            return None
        return session

    def claim(self, session_id: str, owner: SessionOwner, now: float) -> Session | None:
        """Attach the session to ``owner`` and return it (``None`` if absent).

        If another owner holds it, that owner's ``session_taken_over`` runs
        first, synchronously, so it records its running turn before ``owner``
        touches the session.
        """
        session = self.get(session_id, now)
        if session is None:
            return None
        previous = session.owner
        if previous is not None and previous is not owner:
            previous.session_taken_over(now)
        session.owner = owner
        session.last_active = now
        self._sessions.move_to_end(session_id)
        return session

    def put(self, session: Session, owner: SessionOwner, now: float) -> None:
        """Store ``session`` attached to ``owner``, replacing any with its id.

        Call :meth:`claim` first when replacing, so a previous owner is told.
        """
        session.owner = owner
        session.last_active = now
        sessions = self._sessions
        sessions[session.session_id] = session
        sessions.move_to_end(session.session_id)
        if len(sessions) > self._max_sessions:
            self._evict(now)

    def release(self, session_id: str, owner: SessionOwner, now: float) -> None:
        """Detach the session if ``owner`` holds it. Its TTL counts from its
        last activity (the last frame that touched it or the end of its last
        turn), not from now; one already past it is dropped at once."""
        session = self._sessions.get(session_id)
        if session is not None and session.owner is owner:
            session.owner = None
            if now - session.last_active > self._ttl_s:
                del self._sessions[session_id]

    def forget(self, session_id: str) -> None:
        """Remove the session (idempotent)."""
        self._sessions.pop(session_id, None)

    def counts(self, now: float) -> tuple[int, int]:
        """Return (attached, detached) counts after dropping expired sessions."""
        self.sweep(now)
        attached = sum(1 for session in self._sessions.values() if session.owner is not None)
        return attached, len(self._sessions) - attached

    def sweep(self, now: float) -> int:
        """Drop expired detached sessions; return how many went."""
        expired = [
            session_id
            for session_id, session in self._sessions.items()
            if session.owner is None and now - session.last_active > self._ttl_s
        ]
        for session_id in expired:
            del self._sessions[session_id]
        return len(expired)

    def _evict(self, now: float) -> None:
        self.sweep(now)
        excess = len(self._sessions) - self._max_sessions
        if excess <= 0:
            return
        victims = [sid for sid, s in self._sessions.items() if s.owner is None][:excess]
        for session_id in victims:
            del self._sessions[session_id]


__all__ = ["SessionStore"]
