"""SessionStore: TTL of detached sessions, LRU cap, takeover callback."""

from __future__ import annotations

from cadence.protocol.frames import Sampling
from cadence.session.state import Persona, Session
from cadence.session.store import SessionStore


class Owner:
    def __init__(self, name: str, store: SessionStore | None = None) -> None:
        self.name = name
        self.store = store
        self.taken: list[tuple[float, object]] = []

    def session_taken_over(self, now: float) -> None:
        owner = None
        if self.store is not None:
            session = self.store._sessions.get("s")
            owner = session.owner if session else None
        self.taken.append((now, owner))


def _session(sid: str) -> Session:
    return Session(sid, Persona("p"), [], Sampling(), 0.0)


def test_detached_sessions_expire_ttl_after_their_last_activity_attached_never() -> None:
    store = SessionStore(max_sessions=10, ttl_s=5.0)
    owner = Owner("a")
    store.put(_session("s"), owner, now=0.0)
    assert store.get("s", 100.0) is not None  # attached: never expires
    store.claim("s", owner, now=98.0)  # the last frame that touched it
    store.release("s", owner, now=100.0)
    assert store.get("s", 103.0) is not None
    assert store.counts(103.0) == (0, 1)
    assert store.get("s", 103.1) is None
    assert len(store) == 0 and store.claim("s", owner, 103.2) is None
    store.put(_session("idle"), owner, now=0.0)
    store.release("idle", owner, now=50.0)  # idle past the TTL while attached: gone at once
    assert len(store) == 0


def test_release_only_by_the_owner() -> None:
    store = SessionStore(10, 5.0)
    a, b = Owner("a"), Owner("b")
    store.put(_session("s"), a, 0.0)
    store.release("s", b, 1.0)
    session = store.get("s", 1.0)
    assert session is not None and session.owner is a
    store.release("missing", a, 1.0)  # no error


def test_claim_calls_the_previous_owner_first_then_moves() -> None:
    store = SessionStore(10, 5.0)
    a = Owner("a", store)
    b = Owner("b")
    store.put(_session("s"), a, 0.0)
    assert store.claim("s", a, 1.0) is not None and a.taken == []  # same owner: no callback
    session = store.claim("s", b, 2.0)
    assert session is not None and session.owner is b and session.last_active == 2.0
    assert a.taken == [(2.0, a)]  # called while it still owned the session
    store.release("s", b, 3.0)
    store.claim("s", a, 4.0)  # a detached session is claimed without a callback
    assert b.taken == []


def test_lru_evicts_detached_sessions_only() -> None:
    store = SessionStore(max_sessions=2, ttl_s=100.0)
    a = Owner("a")
    for index, sid in enumerate(("x", "y")):
        store.put(_session(sid), a, float(index))
        store.release(sid, a, float(index))
    store.claim("x", a, 3.0)  # x is now the most recently used
    store.release("x", a, 3.0)
    store.put(_session("z"), a, 4.0)
    assert [sid for sid in ("x", "y", "z") if store.get(sid, 4.0)] == ["x", "z"]
    store.put(_session("w"), a, 5.0)  # z and w attached: x goes
    assert store.get("x", 5.0) is None
    store.put(_session("v"), a, 6.0)  # only attached sessions left: the cap is exceeded
    assert len(store) == 3 and store.counts(6.0) == (3, 0)


def test_sweep_and_forget() -> None:
    store = SessionStore(10, 1.0)
    a = Owner("a")
    for sid in ("x", "y", "z"):
        store.put(_session(sid), a, 0.0)
    store.claim("y", a, 0.5)
    store.release("x", a, 0.6)
    store.release("y", a, 0.6)
    assert store.sweep(1.2) == 1 and store.get("y", 1.2) is not None
    store.forget("z")
    store.forget("z")
    assert store.counts(1.2) == (0, 1)
