"""Which waiter a server frame belongs to, decided by its ``request_id``.

The router never awaits and never reads a clock. It knows three kinds of
ids: running turns, control requests (``ping``, ``end``, an idle
``cancel``), and recently finished turns. A frame for a finished turn is
*late* (the server broke guarantee 5.1); a frame for an id the client no
longer tracks (an abandoned turn, an older connection) is *stale*. Both are
dropped and counted, never delivered to the current turn.
"""

from __future__ import annotations

import collections
import dataclasses
import enum

from cadence.client.frames import ErrorFrame, ServerFrame
from cadence.client.turn import Turn


class Route(enum.Enum):
    """Where :meth:`FrameRouter.route` sent a frame."""

    TURN = "turn"
    CONTROL = "control"
    LATE = "late"
    STALE = "stale"


@dataclasses.dataclass(slots=True)
class RouterStats:
    """Counts of frames the router did not deliver."""

    late_frames: int = 0
    stale_frames: int = 0
    unclaimed: collections.deque[ServerFrame] = dataclasses.field(
        default_factory=lambda: collections.deque(maxlen=32)
    )


class FrameRouter:
    """Map ``request_id`` to the turn or control request waiting for it."""

    def __init__(self, remember_finished: int = 256) -> None:
        self.turns: dict[str, Turn] = {}
        self.controls: set[str] = set()
        self._finished: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._remember = remember_finished
        self.stats = RouterStats()

    def add_turn(self, turn: Turn) -> None:
        """Track ``turn`` until its terminal frame."""
        self.turns[turn.request_id] = turn

    def add_control(self, request_id: str) -> None:
        """Expect an answer carrying ``request_id`` (``pong``, ``session_end``...)."""
        self.controls.add(request_id)

    def drop_control(self, request_id: str) -> None:
        """Stop expecting ``request_id`` (answered or abandoned); idempotent."""
        self.controls.discard(request_id)

    def finish(self, request_id: str) -> None:
        """Forget a turn; later frames with its id count as late."""
        self.turns.pop(request_id, None)
        self._finished[request_id] = None
        while len(self._finished) > self._remember:
            self._finished.popitem(last=False)

    def route(self, frame: ServerFrame) -> tuple[Route, Turn | None]:
        """Classify ``frame``; a ``TURN`` route comes with its turn."""
        rid = frame.request_id
        duplicate = isinstance(frame, ErrorFrame) and frame.code == "duplicate_request_id"
        if rid in self.turns and not duplicate:
            return Route.TURN, self.turns[rid]
        if rid in self.controls:
            return Route.CONTROL, None
        if rid in self._finished:
            self.stats.late_frames += 1
            return Route.LATE, None
        self.stats.stale_frames += 1
        self.stats.unclaimed.append(frame)
        return Route.STALE, None

    def abandon_all(self) -> list[Turn]:
        """Forget every running turn and control (the connection is gone)."""
        turns = list(self.turns.values())
        for turn in turns:
            self.finish(turn.request_id)
        self.controls.clear()
        return turns


__all__ = ["FrameRouter", "Route", "RouterStats"]
