"""Property tests: validation never crashes, encoding always round-trips."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.protocol import encode
from cadence.protocol.codes import CancelReason, ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import Envelope, FrameType
from cadence.protocol.validate import PayloadLimits, parse_envelope, parse_payload

LIMITS = PayloadLimits()
KEYS = st.sampled_from(
    [
        "type",
        "session_id",
        "request_id",
        "payload",
        "v",
        "user_utterance",
        "sampling",
        "history",
        "role",
        "content",
        "temperature",
        "top_k",
        "max_tokens",
        "x",
    ]
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from([t.value for t in FrameType]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
IDS = st.from_regex(r"[A-Za-z0-9._:-]{1,128}", fullmatch=True)


def _parse_all(data: str | bytes) -> None:
    try:
        envelope = parse_envelope(data)
    except ProtocolError:
        return
    try:
        parse_payload(envelope, LIMITS)
    except ProtocolError as exc:
        assert (exc.session_id, exc.request_id) == (
            envelope.session_id,
            envelope.request_id,
        )


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64))
def test_arbitrary_input_only_raises_protocol_error(data: str | bytes) -> None:
    _parse_all(data)


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_arbitrary_json_only_raises_protocol_error(value: object) -> None:
    _parse_all(orjson.dumps(value).decode())


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(list(FrameType)), st.dictionaries(KEYS, JSON, max_size=6))
def test_arbitrary_payload_only_raises_protocol_error(
    kind: FrameType, payload: dict[str, object]
) -> None:
    try:
        parse_payload(Envelope(kind, "s", "r", payload), LIMITS)
    except ProtocolError as exc:
        assert (exc.session_id, exc.request_id) == ("s", "r")
        assert isinstance(exc.details.get("field"), str)


@settings(max_examples=150, deadline=None)
@given(IDS, IDS, st.text(min_size=1))
def test_text_frames_round_trip(session_id: str, request_id: str, text: str) -> None:
    frames = [
        encode.token_frame(session_id, request_id, text),
        encode.token_encoder(session_id, request_id)(text),
        encode.cancelled_frame(
            session_id, request_id, CancelReason.CLIENT_REQUEST, text, True
        ),
    ]
    for frame in frames:
        obj = orjson.loads(frame)
        assert (obj["session_id"], obj["request_id"]) == (session_id, request_id)
        assert obj["payload"]["text"] == text
    assert frames[0] == frames[1]


@settings(max_examples=100, deadline=None)
@given(
    st.text(), st.dictionaries(st.text(max_size=8), st.text() | st.integers(-10, 10))
)
def test_error_frame_round_trips(message: str, details: dict[str, object]) -> None:
    obj = orjson.loads(
        encode.error_frame("s", "r", ErrorCode.INVALID_MESSAGE, message, details)
    )
    assert obj["payload"] == {
        "code": "invalid_message",
        "message": message,
        "details": details,
    }


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), min_size=1))
def test_any_python_string_encodes(text: str) -> None:
    expected = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    assert (
        orjson.loads(encode.token_frame("s", "r", text))["payload"]["text"] == expected
    )
    assert encode.token_encoder("s", "r")(text) == encode.token_frame("s", "r", text)
