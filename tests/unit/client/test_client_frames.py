"""Parsing server frames into typed dataclasses."""

from __future__ import annotations

import orjson
import pytest

from cadence.client import (
    AckFrame,
    CancelledFrame,
    DoneFrame,
    ErrorFrame,
    FrameError,
    PongFrame,
    SessionEndFrame,
    TokenFrame,
    ToolcallFrame,
    UnknownFrame,
    parse_frame,
)


def raw(kind: str, payload: object = None, rid: str = "r1") -> str:
    frame: dict[str, object] = {"type": kind, "session_id": "s1", "request_id": rid}
    if payload is not None:
        frame["payload"] = payload
    return orjson.dumps(frame).decode()


def test_token_frame() -> None:
    frame = parse_frame(raw("token", {"text": " hi"}))
    assert frame == TokenFrame("s1", "r1", " hi")
    assert frame.type == "token"


def test_done_frame_with_usage_and_null_timings() -> None:
    frame = parse_frame(raw("done", {
        "text": "hi", "finish_reason": "length",
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "cached_prompt_tokens": 1, "total_tokens": 7},
        "timings": {"tool_ms": None, "ttft_ms": 3, "total_ms": 9.5}, "truncated": True,
    }))
    assert isinstance(frame, DoneFrame)
    assert frame.usage.completion_tokens == 2 and frame.usage.cached_prompt_tokens == 1
    assert frame.timings.tool_ms is None and frame.timings.ttft_ms == 3.0
    assert frame.finish_reason == "length" and frame.truncated


def test_toolcall_frame() -> None:
    frame = parse_frame(raw("toolcall", {"status": "yes", "score": 0.9,
                                         "raw": [{"name": "take_screenshot", "score": 0.93}]}))
    assert isinstance(frame, ToolcallFrame)
    assert frame.status == "yes" and frame.raw[0].name == "take_screenshot"


def test_control_frames() -> None:
    assert isinstance(parse_frame(raw("pong")), PongFrame)
    assert parse_frame(raw("session_end", {"reason": "client_request"})) == SessionEndFrame("s1", "r1")
    ack = parse_frame(raw("ack", {"for": "start", "personality": "calm", "gender": "male",
                                  "history_messages": 4, "history_tokens": 80}))
    assert ack == AckFrame("s1", "r1", "calm", "male", 4, 80)
    cancelled = parse_frame(raw("cancelled", {"reason": "barge_in", "text": "so", "active": True}))
    assert cancelled == CancelledFrame("s1", "r1", "barge_in", "so", True)


def test_error_frame_knows_whether_it_ends_a_turn() -> None:
    timeout = parse_frame(raw("error", {"code": "generation_timeout", "message": "slow", "details": {}}))
    rejected = parse_frame(raw("error", {"code": "invalid_sampling", "message": "x",
                                         "details": {"field": "sampling.top_p"}}))
    assert isinstance(timeout, ErrorFrame) and timeout.ends_turn
    assert isinstance(rejected, ErrorFrame) and not rejected.ends_turn
    assert rejected.details == {"field": "sampling.top_p"}


def test_unknown_type_is_kept_not_rejected() -> None:
    frame = parse_frame(raw("telemetry", {"x": 1}))
    assert isinstance(frame, UnknownFrame)
    assert frame.type == "telemetry" and frame.payload == {"x": 1}


def test_unknown_payload_fields_are_ignored() -> None:
    assert parse_frame(raw("token", {"text": "a", "future_field": 1})) == TokenFrame("s1", "r1", "a")


@pytest.mark.parametrize("data", [
    "not json", "[1]", raw("token", {"text": 5}), raw("done", {"usage": {"prompt_tokens": 1.5}}),
    raw("toolcall", {"status": "yes", "raw": ["x"]}), '{"type": 3}',
    raw("done", {"timings": {"ttft_ms": True}}),
])
def test_malformed_frames_raise(data: str) -> None:
    with pytest.raises(FrameError):
        parse_frame(data)
