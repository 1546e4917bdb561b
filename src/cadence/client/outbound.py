"""Client frames: ids and payloads (PROTOCOL.md section 3)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

#: Sampling keys the protocol accepts (values are checked by the server).
SAMPLING_KEYS = frozenset({
    "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "presence_penalty",
    "frequency_penalty", "max_tokens", "sanitize_output",
})

Sampling = Mapping[str, float | int | bool]
History = Sequence[Mapping[str, str]]


def new_id(prefix: str = "r") -> str:
    """A fresh id that matches ``[A-Za-z0-9._:-]{1,128}``."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def encode(kind: str, session_id: str, request_id: str, payload: Mapping[str, Any] | None = None) -> str:
    """One client frame as JSON text."""
    frame: dict[str, Any] = {"type": kind, "session_id": session_id, "request_id": request_id}
    if payload:
        frame["payload"] = dict(payload)
    return orjson.dumps(frame).decode()


def start_payload(
    chat_prompt: str | None,
    personality: str | None = None,
    gender: str | None = None,
    history: History | None = None,
    user_utterance: str | None = None,
    sampling: Sampling | None = None,
) -> dict[str, Any]:
    """The payload of a ``start``; ``None`` fields are left out (server defaults)."""
    payload: dict[str, Any] = {}
    if chat_prompt is not None:
        payload["chat_prompt"] = chat_prompt
    if personality is not None:
        payload["personality"] = personality
    if gender is not None:
        payload["gender"] = gender
    if history is not None:
        payload["history"] = [{"role": m["role"], "content": m["content"]} for m in history]
    if user_utterance:
        payload["user_utterance"] = user_utterance
    if sampling:
        payload["sampling"] = dict(sampling)
    return payload


def message_payload(user_utterance: str, sampling: Sampling | None = None) -> dict[str, Any]:
    """The payload of a ``message``."""
    payload: dict[str, Any] = {"user_utterance": user_utterance}
    if sampling:
        payload["sampling"] = dict(sampling)
    return payload


__all__ = ["SAMPLING_KEYS", "History", "Sampling", "encode", "message_payload", "new_id", "start_payload"]
