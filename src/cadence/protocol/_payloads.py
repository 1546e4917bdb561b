"""Payload rules of every client frame type (PROTOCOL.md section 3), pure.

Internal: :func:`cadence.protocol.validate.parse_payload` is the public entry
point. Errors raised here carry ``"unknown"`` ids; the caller re-raises them
with the envelope's ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from cadence.protocol._fields import PayloadLimits, invalid, reject_unknown
from cadence.protocol._sampling import parse_sampling
from cadence.protocol.frames import (
    CancelPayload,
    EmptyPayload,
    FollowupPayload,
    FrameType,
    HistoryMessage,
    MessagePayload,
    Payload,
    Sampling,
    StartPayload,
)

_PERSONALITY = re.compile(r"[a-z_-]{1,32}")
_START_KEYS = frozenset(
    {"chat_prompt", "personality", "gender", "history", "user_utterance", "sampling"}
)
_MESSAGE_KEYS = frozenset({"user_utterance", "sampling"})
_FOLLOWUP_KEYS = frozenset({"analysis_text"})
_CANCEL_KEYS = frozenset({"reason"})
_HISTORY_KEYS = frozenset({"role", "content"})
_NO_KEYS: frozenset[str] = frozenset()
_NO_SAMPLING = Sampling()
_START, _MESSAGE, _FOLLOWUP, _CANCEL = (
    FrameType.START, FrameType.MESSAGE, FrameType.FOLLOWUP, FrameType.CANCEL
)


def parse_fields(
    kind: FrameType, raw: Mapping[str, object], limits: PayloadLimits
) -> Payload:
    """Validate ``raw`` as the payload of a ``kind`` frame.

    Unknown keys are reported first (document order), then each field in
    the order of the protocol table.

    Raises:
        ProtocolError: ``invalid_message`` or ``invalid_sampling`` naming the
            field, with ``"unknown"`` ids.
    """
    # Members bound to module names: an enum attribute lookup costs ~100 ns.
    if kind is _START:
        return _start(raw, limits)
    if kind is _MESSAGE:
        reject_unknown(raw, _MESSAGE_KEYS)
        return MessagePayload(_text(raw, "user_utterance", required=True), _sampling(raw, limits))
    if kind is _FOLLOWUP:
        reject_unknown(raw, _FOLLOWUP_KEYS)
        return FollowupPayload(_text(raw, "analysis_text", required=True))
    if kind is _CANCEL:
        return _cancel(raw)
    reject_unknown(raw, _NO_KEYS)  # end, ping, pong
    return EmptyPayload()


def _cancel(raw: Mapping[str, object]) -> CancelPayload:
    """Parse a ``cancel`` payload: ``{}`` or ``{"reason": str}``."""
    reject_unknown(raw, _CANCEL_KEYS)
    if "reason" not in raw:
        return CancelPayload()
    reason = raw["reason"]
    if not isinstance(reason, str):
        raise invalid("reason", "reason must be a string")
    return CancelPayload(reason=reason)


def _start(raw: Mapping[str, object], limits: PayloadLimits) -> StartPayload:
    """Parse a ``start`` payload (every field optional)."""
    reject_unknown(raw, _START_KEYS)
    chat_prompt = raw.get("chat_prompt")
    if "chat_prompt" in raw and not (isinstance(chat_prompt, str) and chat_prompt):
        raise invalid("chat_prompt", "chat_prompt must be a non-empty string")
    personality = _personality(raw) if "personality" in raw else None
    gender = _gender(raw) if "gender" in raw else None
    if isinstance(chat_prompt, str):
        if personality is None:
            _check_marker(chat_prompt, "personality")
        if gender is None:
            _check_marker(chat_prompt, "gender")
    else:
        chat_prompt = None
    history = _history(raw["history"], limits) if "history" in raw else ()
    return StartPayload(
        chat_prompt,
        personality,
        gender,
        history,
        _text(raw, "user_utterance", required=False) if "user_utterance" in raw else "",
        _sampling(raw, limits),
    )


def _check_marker(chat_prompt: str, name: str) -> None:
    """Fail if ``chat_prompt`` uses the ``{name}`` marker (its value is missing)."""
    if "{" + name + "}" in chat_prompt:
        raise invalid(name, f"chat_prompt uses {{{name}}} but {name} is not given")


def _personality(raw: Mapping[str, object]) -> str | None:
    """Return the case-folded ``personality``, ``None`` when absent."""
    if "personality" not in raw:
        return None
    value = raw["personality"]
    folded = value.casefold() if isinstance(value, str) else ""
    if _PERSONALITY.fullmatch(folded) is None:
        raise invalid(
            "personality", "personality must be 1 to 32 characters of [a-z_-]"
        )
    return folded


def _gender(raw: Mapping[str, object]) -> Literal["female", "male"] | None:
    """Return ``gender`` (exactly ``female`` or ``male``), ``None`` when absent."""
    if "gender" not in raw:
        return None
    value = raw["gender"]
    if value == "female":
        return "female"
    if value == "male":
        return "male"
    raise invalid("gender", "gender must be 'female' or 'male'")


def _history(value: object, limits: PayloadLimits) -> tuple[HistoryMessage, ...]:
    """Parse a ``history`` list of ``{"role", "content"}`` objects."""
    if not isinstance(value, list):
        raise invalid("history", "history must be a list of messages")
    if len(value) > limits.history_max_messages:
        raise invalid(
            "history", f"history has more than {limits.history_max_messages} messages"
        )
    return tuple(_history_message(item, index) for index, item in enumerate(value))


def _history_message(item: object, index: int) -> HistoryMessage:
    """Parse ``history[index]``."""
    where = f"history[{index}]"
    if not isinstance(item, dict):
        raise invalid(where, f"{where} must be an object")
    reject_unknown(item, _HISTORY_KEYS, f"{where}.")
    role = item.get("role")
    if role != "user" and role != "assistant":
        raise invalid(f"{where}.role", f"{where}.role must be 'user' or 'assistant'")
    content = item.get("content")
    if not isinstance(content, str):
        raise invalid(f"{where}.content", f"{where}.content must be a string")
    return HistoryMessage(
        role="user" if role == "user" else "assistant", content=content
    )


def _text(raw: Mapping[str, object], key: str, *, required: bool) -> str:
    """Return the string ``raw[key]``; whitespace-only counts as empty.

    A required text must be present and non-blank; an optional one that is
    absent or blank comes back as ``""``.
    """
    if key not in raw:
        if required:
            raise invalid(key, f"{key} is required")
        return ""
    value = raw[key]
    if not isinstance(value, str):
        raise invalid(key, f"{key} must be a string")
    if value.strip():
        return value
    if required:
        raise invalid(key, f"{key} must not be empty")
    return ""


def _sampling(raw: Mapping[str, object], limits: PayloadLimits) -> Sampling:
    """Return the frame's ``sampling`` (all ``None`` when absent)."""
    if "sampling" not in raw:
        return _NO_SAMPLING
    return parse_sampling(raw["sampling"], limits)


__all__ = ["parse_fields"]
