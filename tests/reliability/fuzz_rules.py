"""What the server may answer (PROTOCOL.md sections 2-8), as checks over
decoded frames and core effects; shared by the core fuzz and the socket test."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, get_args

import orjson

from cadence.config.settings import SessionSettings
from cadence.protocol.codes import TURN_ENDING_ERRORS, CancelReason, CloseCode, ErrorCode
from cadence.protocol.errors import UNKNOWN_ID
from cadence.turns.effects import CloseConnection, Effect, SendFrame, SendToken, StartTurn

# -- the contract's vocabulary ------------------------------------------------------

SERVER_TYPES = frozenset({"toolcall", "token", "done", "cancelled", "error", "ack", "pong", "session_end"})
#: Codes that may answer a rejected client frame (PROTOCOL.md section 7; the
#: others are handshake-only or end turns).
REJECT_CODES = frozenset({
    ErrorCode.RATE_LIMITED, ErrorCode.SERVER_SHUTTING_DOWN, ErrorCode.INVALID_MESSAGE,
    ErrorCode.NO_SESSION, ErrorCode.INVALID_SAMPLING, ErrorCode.PROMPT_TOO_LONG,
    ErrorCode.MODE_UNSUPPORTED, ErrorCode.DUPLICATE_REQUEST_ID})
ERROR_CODES = frozenset(code.value for code in ErrorCode)
CANCEL_REASONS = frozenset(reason.value for reason in CancelReason)
#: Every effect type the core documents (cadence.turns.effects.Effect).
EFFECT_TYPES: tuple[type, ...] = get_args(Effect)
TURN_TYPES = frozenset({"start", "message", "followup"})
SESSION_TOUCHING = TURN_TYPES | {"cancel", "end"}
_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def parse(text: str) -> object:
    """The frame as the server's parser reads it; ``None`` if not JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def is_terminal(frame: dict[str, Any]) -> bool:
    """``done``, an active ``cancelled`` or a turn-ending ``error``."""
    kind = frame["type"]
    if kind == "error":
        return frame["payload"]["code"] in TURN_ENDING_ERRORS
    return kind == "done" or (kind == "cancelled" and frame["payload"]["active"] is True)


def check_frame(frame: object) -> dict[str, Any]:
    """Check one decoded server frame's envelope and typed payload; return it."""
    assert isinstance(frame, dict), f"a server frame is not an object: {frame!r}"
    assert set(frame) == {"type", "session_id", "request_id", "payload"}, f"bad envelope: {frame}"
    assert frame["type"] in SERVER_TYPES, f"undocumented frame type: {frame}"
    for key in ("session_id", "request_id"):
        value = frame[key]
        assert isinstance(value, str) and (value == "unknown" or _ID.fullmatch(value)), f"bad {key}: {frame}"
    payload = frame["payload"]
    assert isinstance(payload, dict), f"payload is not an object: {frame}"
    if frame["type"] == "error":
        assert payload.get("code") in ERROR_CODES, f"undocumented error code: {frame}"
        assert isinstance(payload.get("message"), str) and isinstance(payload.get("details"), dict), frame
    elif frame["type"] == "cancelled":
        assert payload.get("reason") in CANCEL_REASONS and isinstance(payload.get("active"), bool), frame
        assert isinstance(payload.get("text"), str), frame
    elif frame["type"] == "done":
        assert payload.get("finish_reason") in ("stop", "length") and isinstance(payload.get("text"), str), frame
    elif frame["type"] == "token":
        assert isinstance(payload.get("text"), str) and payload["text"], f"empty token: {frame}"
    return frame


class IdLedger:
    """Per ``request_id``: at most one terminal frame and nothing after it.

    A client that sends an id again asks a new question: the answer to its
    frame may carry that id (``end`` with the running turn's id gets the
    turn's ``cancelled``, then ``session_end`` with the same id), and a turn
    it starts with that id may end again. A rejection whose ids could not be
    read carries ``"unknown"``, which is also a valid id: such frames are
    not held against a turn a client named ``"unknown"``.
    """

    def __init__(self) -> None:
        self._ended: set[str] = set()

    def client_sent(self, request_id: object) -> None:
        """The client sent a frame with ``request_id``."""
        if isinstance(request_id, str):
            self._ended.discard(request_id)

    def observe(self, frame: dict[str, Any], answering: object = None) -> None:
        """A server frame, in order; ``answering``: the id of the client frame it answers."""
        rid = frame["request_id"]
        if rid == UNKNOWN_ID and frame["type"] == "error" and not is_terminal(frame):
            return
        if rid in self._ended:
            assert rid == answering and not is_terminal(frame), \
                f"{frame['type']} for {rid} after its terminal frame: {frame}"
        elif is_terminal(frame):
            self._ended.add(rid)


def decode(effects: Sequence[Effect]) -> list[dict[str, Any]]:
    """The frames among ``effects``, decoded and checked, in order."""
    frames = []
    for effect in effects:
        assert isinstance(effect, EFFECT_TYPES), f"undocumented effect: {effect!r}"
        if isinstance(effect, SendFrame):
            frames.append(check_frame(orjson.loads(effect.data)))
        elif isinstance(effect, SendToken):
            frames.append(check_frame({"type": "token", "session_id": effect.session_id,
                                       "request_id": effect.request_id, "payload": {"text": effect.text}}))
        elif isinstance(effect, CloseConnection):
            assert effect.code in set(CloseCode), f"undocumented close code: {effect}"
            assert isinstance(effect.reason, str) and len(effect.reason.encode()) <= 123, effect
    return frames


def closes(effects: Sequence[Effect]) -> list[int]:
    """The close codes among ``effects``."""
    return [int(e.code) for e in effects if isinstance(e, CloseConnection)]


def expected_user(obj: object, sessions: SessionSettings) -> str:
    """The user content a turn started by frame ``obj`` records (``""`` if none)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("payload"), dict):
        return ""
    kind, payload = obj.get("type"), obj["payload"]
    text = payload.get("analysis_text" if kind == "followup" else "user_utterance")
    if not isinstance(text, str):
        return ""
    words, limit = text.split(), sessions.user_utt_max_tokens
    user = text if len(words) <= limit else " ".join(words[-limit:])
    return sessions.followup_prefix + user if kind == "followup" else user


def valid_id(value: object) -> bool:
    """Whether ``value`` is an id the envelope accepts (1 to 128 of ``[A-Za-z0-9._:-]``)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def fits_frame(code: str, error: dict[str, Any], kind: object, running: str | None,
               draining: bool) -> None:
    """The error code is one the frame's type and the state allow."""
    details = error["payload"]["details"]
    assert isinstance(details.get("field", ""), str), error
    if code == ErrorCode.DUPLICATE_REQUEST_ID:
        assert kind in TURN_TYPES and error["request_id"] == running, f"bad duplicate: {error}"
    elif code == ErrorCode.NO_SESSION:
        assert kind in ("message", "followup"), error
    elif code in (ErrorCode.PROMPT_TOO_LONG, ErrorCode.MODE_UNSUPPORTED):
        assert kind in TURN_TYPES, error
    elif code == ErrorCode.SERVER_SHUTTING_DOWN:
        assert draining and kind in TURN_TYPES, error
    elif code == ErrorCode.RATE_LIMITED:
        assert kind in SESSION_TOUCHING - {"end"}, error
        assert isinstance(details.get("retry_after_s"), float | int) and details["retry_after_s"] > 0, error
    elif code == ErrorCode.INVALID_SAMPLING:
        assert kind in ("start", "message"), error


def accepted_answer(obj: object, mine: list[Effect], frames: list[dict[str, Any]],
                    running: str | None) -> None:
    """The valid effect of the accepted frame ``obj`` (``running``: the turn
    that ran before it), and nothing else: ``pong``; nothing; ``cancelled``;
    ``session_end`` and close 1000; a turn start or ``ack`` after the barge-in."""
    assert isinstance(obj, dict), f"the core accepted a frame that is not a JSON object: {obj!r}"
    kind, rid = obj["type"], obj["request_id"]
    assert not any(isinstance(e, SendFrame) and e.rejected for e in mine), mine
    types = [f["type"] for f in frames]
    if kind == "ping":
        assert types == ["pong"] and frames[0]["request_id"] == rid and len(mine) == 1, mine
    elif kind == "pong":
        assert not mine, f"a pong had effects: {mine}"
    elif kind == "cancel":
        assert types == ["cancelled"] and not closes(mine), f"cancel answered {mine}"
        payload = frames[0]["payload"]
        if running is not None:
            assert frames[0]["request_id"] == running and payload["active"] is True, frames
            assert payload["reason"] == CancelReason.CLIENT_REQUEST, frames
        else:
            assert frames[0]["request_id"] == rid and payload == {
                "reason": "client_request", "text": "", "active": False}, frames
    elif kind == "end":
        assert types == ["cancelled"] * (running is not None) + ["session_end"], f"end answered {types}"
        assert frames[-1]["request_id"] == rid, frames
        assert closes(mine) == [CloseCode.NORMAL] and isinstance(mine[-1], CloseConnection), mine
        if running is not None:
            assert frames[0]["request_id"] == running and frames[0]["payload"]["reason"] == "session_end"
    else:
        turn_answer(kind, rid, mine, frames, running)


def turn_answer(kind: str, rid: str, mine: list[Effect], frames: list[dict[str, Any]],
                running: str | None) -> None:
    """A turn starts (or a ``start`` is acked), after the barge-in."""
    assert rid != running, "a duplicate request id was accepted"
    assert not closes(mine), f"a {kind} closed the connection"
    starts = [e.spec.request_id for e in mine if isinstance(e, StartTurn)]
    acks = [f["request_id"] for f in frames if f["type"] == "ack"]
    if kind == "start":
        assert starts + acks == [rid], f"start answered {starts} {acks}"
    else:
        assert starts == [rid] and not acks, f"{kind} answered {starts} {acks}"
    cancels = [f for f in frames if f["type"] == "cancelled"]
    assert [f["type"] for f in frames] == ["cancelled"] * len(cancels) + ["ack"] * len(acks), frames
    if running is None:
        assert not cancels, f"a cancelled frame with nothing running: {frames}"
    else:
        assert [(f["request_id"], f["payload"]["reason"]) for f in cancels] == [(running, "barge_in")]


__all__ = ["CANCEL_REASONS", "EFFECT_TYPES", "ERROR_CODES", "REJECT_CODES", "SERVER_TYPES",
           "SESSION_TOUCHING", "TURN_TYPES", "IdLedger", "accepted_answer", "check_frame", "closes",
           "decode", "expected_user", "fits_frame", "is_terminal", "parse", "turn_answer", "valid_id"]
