"""Payload rules of PROTOCOL.md section 3 (parse_payload)."""

from __future__ import annotations

import pytest

from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import (
    CancelPayload,
    EmptyPayload,
    Envelope,
    FollowupPayload,
    FrameType,
    HistoryMessage,
    MessagePayload,
    Role,
    Sampling,
    StartPayload,
)
from cadence.protocol.validate import PayloadLimits, parse_payload

LIMITS = PayloadLimits()
SID = "sess-1"
RID = "req-1"


def env(kind: str, payload: dict[str, object]) -> Envelope:
    return Envelope(FrameType(kind), SID, RID, payload)


def accept(
    kind: str, payload: dict[str, object], limits: PayloadLimits = LIMITS
) -> object:
    frame = parse_payload(env(kind, payload), limits)
    assert (frame.type, frame.session_id, frame.request_id) == (
        FrameType(kind),
        SID,
        RID,
    )
    return frame.payload


def reject(
    kind: str, payload: dict[str, object], limits: PayloadLimits = LIMITS
) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse_payload(env(kind, payload), limits)
    error = info.value
    assert (error.session_id, error.request_id) == (SID, RID)
    assert error.field == error.details["field"]
    return error


ROLES: tuple[Role, Role] = ("user", "assistant")


def history(n: int) -> list[dict[str, str]]:
    return [{"role": ROLES[i % 2], "content": f"m{i}"} for i in range(n)]


def history_messages(n: int) -> tuple[HistoryMessage, ...]:
    return tuple(HistoryMessage(ROLES[i % 2], f"m{i}") for i in range(n))


VALID = [
    ("start", {}, StartPayload()),
    (
        "start",
        {
            "chat_prompt": "You are {personality}, a {gender} agent.",
            "personality": "Cheer_Ful-ONE",
            "gender": "female",
            "history": [
                {"role": "user", "content": ""},
                {"content": "x", "role": "assistant"},
            ],
            "user_utterance": " hi ",
            "sampling": {"temperature": 0.5},
        },
        StartPayload(
            chat_prompt="You are {personality}, a {gender} agent.",
            personality="cheer_ful-one",
            gender="female",
            history=(HistoryMessage("user", ""), HistoryMessage("assistant", "x")),
            user_utterance=" hi ",
            sampling=Sampling(temperature=0.5),
        ),
    ),
    ("start", {"personality": "STRASSE"}, StartPayload(personality="strasse")),
    ("start", {"personality": "Straße"}, StartPayload(personality="strasse")),
    ("start", {"personality": "p" * 32}, StartPayload(personality="p" * 32)),
    ("start", {"gender": "male"}, StartPayload(gender="male")),
    ("start", {"chat_prompt": "  "}, StartPayload(chat_prompt="  ")),
    (
        "start",
        {"chat_prompt": "{persona} {Gender}"},
        StartPayload(chat_prompt="{persona} {Gender}"),
    ),
    ("start", {"user_utterance": ""}, StartPayload()),
    ("start", {"user_utterance": " \t\n\u3000"}, StartPayload()),
    ("start", {"history": []}, StartPayload()),
    (
        "start",
        {"history": history(256)},
        StartPayload(history=history_messages(256)),
    ),
    ("message", {"user_utterance": "hello"}, MessagePayload("hello")),
    (
        "message",
        {"user_utterance": "hi", "sampling": {"max_tokens": 5}},
        MessagePayload("hi", Sampling(max_tokens=5)),
    ),
    ("followup", {"analysis_text": "a chart"}, FollowupPayload("a chart")),
    ("cancel", {}, CancelPayload()),
    ("cancel", {"reason": "user said stop"}, CancelPayload("user said stop")),
    ("cancel", {"reason": ""}, CancelPayload("")),
    ("end", {}, EmptyPayload()),
    ("ping", {}, EmptyPayload()),
    ("pong", {}, EmptyPayload()),
]


@pytest.mark.parametrize(("kind", "payload", "expected"), VALID)
def test_valid_payloads(
    kind: str, payload: dict[str, object], expected: object
) -> None:
    assert accept(kind, payload) == expected


INVALID: list[tuple[str, dict[str, object], str]] = [
    # unknown keys, for every type
    ("start", {"utterance": "hi"}, "utterance"),
    ("start", {"chat_prompt": "x", "voice": "a"}, "voice"),
    ("message", {"user_utterance": "hi", "history": []}, "history"),
    ("followup", {"analysis_text": "x", "sampling": {}}, "sampling"),
    ("cancel", {"why": "x"}, "why"),
    ("end", {"reason": "x"}, "reason"),
    ("ping", {"x": 1}, "x"),
    ("pong", {"x": 1}, "x"),
    # chat_prompt
    ("start", {"chat_prompt": ""}, "chat_prompt"),
    ("start", {"chat_prompt": None}, "chat_prompt"),
    ("start", {"chat_prompt": 5}, "chat_prompt"),
    # markers without values
    ("start", {"chat_prompt": "You are {personality}."}, "personality"),
    ("start", {"chat_prompt": "A {gender} voice.", "personality": "x"}, "gender"),
    ("start", {"chat_prompt": "{gender} {personality}"}, "personality"),
    # personality
    ("start", {"personality": ""}, "personality"),
    ("start", {"personality": "p" * 33}, "personality"),
    ("start", {"personality": "two words"}, "personality"),
    ("start", {"personality": "agent7"}, "personality"),
    ("start", {"personality": "é"}, "personality"),
    ("start", {"personality": None}, "personality"),
    ("start", {"personality": ["a"]}, "personality"),
    # gender
    ("start", {"gender": "Female"}, "gender"),
    ("start", {"gender": "other"}, "gender"),
    ("start", {"gender": ""}, "gender"),
    ("start", {"gender": True}, "gender"),
    # history
    ("start", {"history": {}}, "history"),
    ("start", {"history": "hi"}, "history"),
    ("start", {"history": history(257)}, "history"),
    ("start", {"history": ["hi"]}, "history[0]"),
    (
        "start",
        {"history": [*history(3), {"role": "system", "content": "x"}]},
        "history[3].role",
    ),
    ("start", {"history": [*history(3), {"content": "x"}]}, "history[3].role"),
    ("start", {"history": [{"role": "User", "content": "x"}]}, "history[0].role"),
    ("start", {"history": [{"role": "user"}]}, "history[0].content"),
    ("start", {"history": [{"role": "user", "content": None}]}, "history[0].content"),
    ("start", {"history": [{"role": "user", "content": 1}]}, "history[0].content"),
    (
        "start",
        {"history": [*history(2), {"role": "user", "content": "x", "name": "bob"}]},
        "history[2].name",
    ),
    # user_utterance / analysis_text
    ("start", {"user_utterance": 5}, "user_utterance"),
    ("start", {"user_utterance": None}, "user_utterance"),
    ("message", {}, "user_utterance"),
    ("message", {"user_utterance": ""}, "user_utterance"),
    ("message", {"user_utterance": "  \n\t "}, "user_utterance"),
    ("message", {"user_utterance": ["hi"]}, "user_utterance"),
    ("followup", {}, "analysis_text"),
    ("followup", {"analysis_text": " "}, "analysis_text"),
    ("followup", {"analysis_text": 3}, "analysis_text"),
    # cancel reason
    ("cancel", {"reason": None}, "reason"),
    ("cancel", {"reason": 1}, "reason"),
]


@pytest.mark.parametrize(("kind", "payload", "field"), INVALID)
def test_invalid_payloads(kind: str, payload: dict[str, object], field: str) -> None:
    error = reject(kind, payload)
    assert error.code is ErrorCode.INVALID_MESSAGE
    assert error.details["field"] == field
    assert field in error.message


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        ("start", {"sampling": {"temperature": 3}}, "sampling.temperature"),
        ("start", {"sampling": []}, "sampling"),
        (
            "message",
            {"user_utterance": "hi", "sampling": {"top_k": 5.0}},
            "sampling.top_k",
        ),
        ("message", {"user_utterance": "hi", "sampling": {"seed": 1}}, "sampling.seed"),
    ],
)
def test_sampling_errors_carry_ids(
    kind: str, payload: dict[str, object], field: str
) -> None:
    error = reject(kind, payload)
    assert error.code is ErrorCode.INVALID_SAMPLING
    assert error.details["field"] == field


def test_history_limit_is_configurable() -> None:
    limits = PayloadLimits(history_max_messages=2)
    assert len(accept("start", {"history": history(2)}, limits).history) == 2  # type: ignore[attr-defined]
    assert (
        reject("start", {"history": history(3)}, limits).details["field"] == "history"
    )


def test_long_text_is_not_echoed() -> None:
    secret = "secret " * 1000
    error = reject("start", {"chat_prompt": secret + "{personality}"})
    assert "secret" not in error.message
    error = reject("message", {"user_utterance": "hi", secret: 1})
    assert len(error.message) < 100


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError):
        PayloadLimits(chat_max_out=0)
    with pytest.raises(ValueError):
        PayloadLimits(history_max_messages=-1)
