"""Envelope rules of PROTOCOL.md section 2 (parse_envelope)."""

from __future__ import annotations

import orjson
import pytest

from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import FrameType
from cadence.protocol.validate import parse_envelope

SID = "sess-1"
RID = "req-1"


def frame(**fields: object) -> str:
    """A ``ping`` frame with ``fields`` merged in (``None`` removes a key)."""
    base: dict[str, object] = {"type": "ping", "session_id": SID, "request_id": RID}
    base.update(fields)
    return orjson.dumps({k: v for k, v in base.items() if v is not None}).decode()


def reject(data: str | bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse_envelope(data)
    assert info.value.code is ErrorCode.INVALID_MESSAGE
    return info.value


@pytest.mark.parametrize("kind", [t.value for t in FrameType])
def test_every_type_accepted(kind: str) -> None:
    env = parse_envelope(frame(type=kind))
    assert env.type is FrameType(kind)
    assert (env.session_id, env.request_id, env.payload) == (SID, RID, {})


@pytest.mark.parametrize(
    "data",
    [
        frame(v=1),
        frame(payload={}),
        frame(payload={"x": 1}),  # payload keys are parse_payload's business
        frame(session_id="A-z_0.9:x", request_id="r" * 128),
        ' {"type":"ping","session_id":"s","request_id":"r"}\n',
    ],
)
def test_valid_envelopes(data: str) -> None:
    parse_envelope(data)


def test_payload_is_kept_raw() -> None:
    env = parse_envelope(frame(type="message", payload={"user_utterance": "hi"}))
    assert env.payload == {"user_utterance": "hi"}


@pytest.mark.parametrize(
    ("data", "message_part"),
    [
        (b'{"type":"ping","session_id":"s","request_id":"r"}', "binary"),
        (bytearray(b"{}"), "binary"),
        ("", "JSON"),
        ("{", "JSON"),
        ("{'type': 'ping'}", "JSON"),
        ('{"a": NaN}', "JSON"),
        ('{"a": 1e400}', "JSON"),
        ('"\\ud800"', "JSON"),
        ("[" * 2000, "JSON"),
        ("[]", "object"),
        ('[{"type":"ping","session_id":"s","request_id":"r"}]', "object"),
        ('"ping"', "object"),
        ("null", "object"),
        ("42", "object"),
    ],
)
def test_unreadable_frames_have_unknown_ids(
    data: str | bytes, message_part: str
) -> None:
    error = reject(data)
    assert message_part in error.message
    assert (error.session_id, error.request_id) == ("unknown", "unknown")
    assert "field" not in error.details


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (frame(extra=1), "extra"),
        (frame(Type="ping"), "Type"),
        (frame(payload={}, meta={}), "meta"),
        (frame(type=None), "type"),
        (frame(type="PING"), "type"),
        (frame(type="done"), "type"),
        (frame(type=1), "type"),
        (frame(type=None, session_id=None), "type"),
        (frame(session_id=None), "session_id"),
        (frame(session_id=""), "session_id"),
        (frame(session_id="s" * 129), "session_id"),
        (frame(session_id="a b"), "session_id"),
        (frame(session_id="a/b"), "session_id"),
        (frame(session_id="é"), "session_id"),
        (frame(session_id="abc\n"), "session_id"),
        (frame(session_id=5), "session_id"),
        (frame(request_id=None), "request_id"),
        (frame(request_id="r" * 129), "request_id"),
        (frame(request_id="r#1"), "request_id"),
        (frame(request_id=["r"]), "request_id"),
        (frame(v=True), "v"),
        (frame(v=1.0), "v"),
        (frame(v=2), "v"),
        (frame(v=0), "v"),
        (frame(v="1"), "v"),
        (frame(payload=[]), "payload"),
        (frame(payload="{}"), "payload"),
        ('{"type":"ping","session_id":"s","request_id":"r","payload":null}', "payload"),
        ('{"type":"ping","session_id":"s","request_id":"r","v":null}', "v"),
    ],
)
def test_envelope_rules(data: str, field: str) -> None:
    error = reject(data)
    assert error.details["field"] == field
    assert error.field == field


def test_unknown_field_reported_first_in_document_order() -> None:
    error = reject('{"zz":1,"type":"nope","aa":2,"session_id":"s","request_id":"r"}')
    assert error.details["field"] == "zz"


def test_error_carries_ids_that_are_valid() -> None:
    error = reject(frame(type="nope"))
    assert (error.session_id, error.request_id) == (SID, RID)
    error = reject(frame(session_id="bad id"))
    assert (error.session_id, error.request_id) == ("unknown", RID)
    error = reject(frame(request_id=7, v=2))
    assert (error.session_id, error.request_id) == (SID, "unknown")


def test_long_unknown_key_is_clipped() -> None:
    error = reject(frame(**{"k" * 10_000: 1}))
    assert len(str(error.details["field"])) <= 64
    assert len(error.message) < 100


@pytest.mark.parametrize("field", ["session_id", "request_id"])
def test_the_placeholder_id_unknown_is_reserved(field: str) -> None:
    error = reject(frame(**{field: "unknown"}))
    assert error.code == ErrorCode.INVALID_MESSAGE and error.field == field
