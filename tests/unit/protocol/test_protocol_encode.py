"""Server frame encoding (PROTOCOL.md section 4)."""

from __future__ import annotations

import orjson
import pytest

from cadence.protocol import encode
from cadence.protocol.codes import CancelReason, ErrorCode
from cadence.protocol.errors import ProtocolError

SID = "sess-1"
RID = "req-1"


def decode(frame: bytes) -> dict[str, object]:
    assert isinstance(frame, bytes)
    obj = orjson.loads(frame)
    assert list(obj) == ["type", "session_id", "request_id", "payload"]
    assert (obj["session_id"], obj["request_id"]) == (SID, RID)
    return obj  # type: ignore[no-any-return]


def test_token_frame() -> None:
    obj = decode(encode.token_frame(SID, RID, " hi"))
    assert obj == {
        "type": "token",
        "session_id": SID,
        "request_id": RID,
        "payload": {"text": " hi"},
    }


@pytest.mark.parametrize(
    "text", ["a", ' "quoted" \\ ', "\x00\x1f\x7f", "\u2028\u2029", "é😀中", "\ufeff"]
)
def test_token_encoder_matches_token_frame(text: str) -> None:
    fast = encode.token_encoder(SID, RID)
    assert fast(text) == encode.token_frame(SID, RID, text)
    assert decode(fast(text))["payload"] == {"text": text}


def test_lone_surrogates_are_replaced() -> None:
    for frame in (
        encode.token_frame(SID, RID, "a\ud800b"),
        encode.token_encoder(SID, RID)("a\ud800b"),
        encode.cancelled_frame(SID, RID, CancelReason.BARGE_IN, "a\ud800b", True),
    ):
        assert decode(frame)["payload"]["text"] == "a\ufffdb"  # type: ignore[index]


def test_toolcall_frame() -> None:
    obj = decode(
        encode.toolcall_frame(SID, RID, "yes", [("take_screenshot", 0.93)], 0.93)
    )
    assert obj["type"] == "toolcall"
    assert obj["payload"] == {
        "status": "yes",
        "raw": [{"name": "take_screenshot", "score": 0.93}],
        "score": 0.93,
    }
    empty = decode(encode.toolcall_frame(SID, RID, "no", [], 0.1))
    assert empty["payload"] == {"status": "no", "raw": [], "score": 0.1}


def test_done_frame() -> None:
    frame = encode.done_frame(
        SID,
        RID,
        text="hello there",
        finish_reason="length",
        prompt_tokens=10,
        completion_tokens=2,
        cached_prompt_tokens=4,
        tool_ms=None,
        ttft_ms=12.5,
        total_ms=40.0,
        truncated=True,
    )
    obj = decode(frame)
    assert obj["type"] == "done"
    assert obj["payload"] == {
        "text": "hello there",
        "finish_reason": "length",
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 2,
            "cached_prompt_tokens": 4,
            "total_tokens": 12,
        },
        "timings": {"tool_ms": None, "ttft_ms": 12.5, "total_ms": 40.0},
        "truncated": True,
    }


@pytest.mark.parametrize("reason", list(CancelReason))
def test_cancelled_frame(reason: CancelReason) -> None:
    obj = decode(encode.cancelled_frame(SID, RID, reason, "partial", True))
    assert obj["type"] == "cancelled"
    assert obj["payload"] == {"reason": reason.value, "text": "partial", "active": True}


def test_error_frame_and_error_from() -> None:
    obj = decode(
        encode.error_frame(
            SID, RID, ErrorCode.RATE_LIMITED, "slow down", {"retry_after_s": 3}
        )
    )
    assert obj["type"] == "error"
    assert obj["payload"] == {
        "code": "rate_limited",
        "message": "slow down",
        "details": {"retry_after_s": 3},
    }
    assert (
        orjson.loads(encode.error_frame(SID, RID, ErrorCode.ENGINE_ERROR, "x"))[
            "payload"
        ]["details"]
        == {}
    )
    exc = ProtocolError(
        ErrorCode.INVALID_SAMPLING,
        "bad",
        field="sampling.top_k",
        session_id=SID,
        request_id=RID,
    )
    assert decode(encode.error_from(exc))["payload"] == {
        "code": "invalid_sampling",
        "message": "bad",
        "details": {"field": "sampling.top_k"},
    }
    unknown = orjson.loads(
        encode.error_from(ProtocolError(ErrorCode.INVALID_MESSAGE, "no"))
    )
    assert (unknown["session_id"], unknown["request_id"]) == ("unknown", "unknown")


def test_ack_pong_session_end() -> None:
    ack = decode(
        encode.ack_frame(
            SID,
            RID,
            personality="calm",
            gender=None,
            history_messages=3,
            history_tokens=42,
        )
    )
    assert ack == {
        "type": "ack",
        "session_id": SID,
        "request_id": RID,
        "payload": {
            "for": "start",
            "personality": "calm",
            "gender": None,
            "history_messages": 3,
            "history_tokens": 42,
        },
    }
    assert decode(encode.pong_frame(SID, RID))["payload"] == {}
    assert decode(encode.pong_frame(SID, RID))["type"] == "pong"
    end = decode(encode.session_end_frame(SID, RID))
    assert (end["type"], end["payload"]) == (
        "session_end",
        {"reason": "client_request"},
    )
