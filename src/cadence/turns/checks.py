"""The checks every client frame passes before it may act.

In the order of PROTOCOL.md section 3: envelope, session binding, duplicate
``request_id``, payload here; session existence and budgets in
:mod:`cadence.turns.admission`; draining and the rate limit last, in
:meth:`FrameChecks.admit`. Each check raises
:class:`~cadence.protocol.errors.ProtocolError`.
"""

from __future__ import annotations

from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import TURN_STARTING, ClientFrame, Envelope
from cadence.protocol.validate import PayloadLimits, parse_envelope, parse_payload
from cadence.turns.ratelimit import RollingWindow


class FrameChecks:
    """Binding, duplicate ids, draining and rate limits of one connection."""

    def __init__(self, limits: PayloadLimits) -> None:
        self._limits = limits
        self.bound: str | None = None
        self.draining = False

    def validate(self, data: str | bytes, running_request_id: str | None) -> ClientFrame:
        """Parse and check a frame up to its payload.

        Raises:
            ProtocolError: ``invalid_message``, ``invalid_sampling`` or
            ``duplicate_request_id``.
        """
        envelope = parse_envelope(data)
        self._check_binding(envelope)
        if envelope.type in TURN_STARTING and envelope.request_id == running_request_id:
            raise ProtocolError(
                ErrorCode.DUPLICATE_REQUEST_ID,
                "request_id is already used by the running turn",
                field="request_id",
                session_id=envelope.session_id,
                request_id=envelope.request_id,
            )
        return parse_payload(envelope, self._limits)

    def _check_binding(self, envelope: Envelope) -> None:
        if self.bound is None:
            self.bound = envelope.session_id
        elif envelope.session_id != self.bound:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                "this connection is bound to another session_id",
                field="session_id",
                session_id=envelope.session_id,
                request_id=envelope.request_id,
            )

    def admit(self, frame: ClientFrame, window: RollingWindow, now: float) -> None:
        """Last checks of a valid frame: draining, then the rate limit.

        Raises:
            ProtocolError: ``server_shutting_down`` or ``rate_limited``.
        """
        if self.draining and frame.type in TURN_STARTING:
            raise ProtocolError(
                ErrorCode.SERVER_SHUTTING_DOWN, "the server is shutting down",
                session_id=frame.session_id, request_id=frame.request_id,
            )
        if not window.enabled:
            return
        retry_after = window.retry_after(now)
        if retry_after > 0:
            raise ProtocolError(
                ErrorCode.RATE_LIMITED, "too many frames; slow down",
                session_id=frame.session_id, request_id=frame.request_id,
                details={"retry_after_s": round(retry_after, 3)},
            )
        window.record(now)


__all__ = ["FrameChecks"]
