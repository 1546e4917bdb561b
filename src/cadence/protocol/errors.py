"""The exception carrying a client-facing protocol error."""

from __future__ import annotations

from cadence.protocol.codes import ErrorCode

UNKNOWN_ID = "unknown"


class ProtocolError(Exception):
    """A frame broke a rule of PROTOCOL.md: the client's fault, never a bug.

    ``field`` names the offending key (``sampling.top_k``, ``history[3].role``)
    and becomes ``details.field``; ``details`` holds any further details.
    ``session_id``/``request_id`` are the ids the error frame must carry
    (``"unknown"`` when they could not be read).
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        session_id: str = UNKNOWN_ID,
        request_id: str = UNKNOWN_ID,
        details: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.session_id = session_id
        self.request_id = request_id
        self.details: dict[str, object] = dict(details or {})
        if field is not None:
            self.details.setdefault("field", field)


__all__ = ["UNKNOWN_ID", "ProtocolError"]
