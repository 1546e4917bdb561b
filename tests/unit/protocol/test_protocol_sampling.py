"""The ``sampling`` rules of PROTOCOL.md section 3 (parse_sampling)."""

from __future__ import annotations

import math

import pytest

from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import Sampling
from cadence.protocol.validate import PayloadLimits, parse_sampling

LIMITS = PayloadLimits(chat_max_out=150)

VALID: list[tuple[dict[str, object], Sampling]] = [
    ({}, Sampling()),
    ({"temperature": 0}, Sampling(temperature=0.0)),
    ({"temperature": 2}, Sampling(temperature=2.0)),
    ({"temperature": 0.7}, Sampling(temperature=0.7)),
    ({"top_p": 1}, Sampling(top_p=1.0)),
    ({"top_p": 1e-9}, Sampling(top_p=1e-9)),
    ({"top_k": 0}, Sampling(top_k=0)),
    ({"top_k": 40}, Sampling(top_k=40)),
    ({"min_p": 0}, Sampling(min_p=0.0)),
    ({"min_p": 1.0}, Sampling(min_p=1.0)),
    ({"repetition_penalty": 2}, Sampling(repetition_penalty=2.0)),
    ({"repetition_penalty": 0.01}, Sampling(repetition_penalty=0.01)),
    ({"presence_penalty": -2}, Sampling(presence_penalty=-2.0)),
    ({"presence_penalty": 2.0}, Sampling(presence_penalty=2.0)),
    ({"frequency_penalty": -2.0}, Sampling(frequency_penalty=-2.0)),
    ({"frequency_penalty": 1.5}, Sampling(frequency_penalty=1.5)),
    ({"max_tokens": 1}, Sampling(max_tokens=1)),
    ({"max_tokens": 150}, Sampling(max_tokens=150)),
    ({"sanitize_output": False}, Sampling(sanitize_output=False)),
    ({"sanitize_output": True}, Sampling(sanitize_output=True)),
    (
        {"temperature": 1, "top_p": 0.9, "top_k": 5, "max_tokens": 10},
        Sampling(temperature=1.0, top_p=0.9, top_k=5, max_tokens=10),
    ),
]


@pytest.mark.parametrize(("raw", "expected"), VALID)
def test_valid(raw: dict[str, object], expected: Sampling) -> None:
    result = parse_sampling(raw, LIMITS)
    assert result == expected
    for name in ("temperature", "top_p", "min_p", "repetition_penalty"):
        value = getattr(result, name)
        assert value is None or type(value) is float


INVALID: list[tuple[object, str]] = [
    ([], "sampling"),
    (None, "sampling"),
    ("temperature=1", "sampling"),
    (0.5, "sampling"),
    ({"seed": 1}, "sampling.seed"),
    ({"temperature": 1, "Temperature": 1}, "sampling.Temperature"),
    ({"temperature": -0.01}, "sampling.temperature"),
    ({"temperature": 2.0001}, "sampling.temperature"),
    ({"temperature": True}, "sampling.temperature"),
    ({"temperature": "0.5"}, "sampling.temperature"),
    ({"temperature": None}, "sampling.temperature"),
    ({"temperature": math.nan}, "sampling.temperature"),
    ({"temperature": math.inf}, "sampling.temperature"),
    ({"top_p": 0}, "sampling.top_p"),
    ({"top_p": 0.0}, "sampling.top_p"),
    ({"top_p": 1.01}, "sampling.top_p"),
    ({"top_p": False}, "sampling.top_p"),
    ({"top_k": -1}, "sampling.top_k"),
    ({"top_k": 5.0}, "sampling.top_k"),
    ({"top_k": True}, "sampling.top_k"),
    ({"top_k": "5"}, "sampling.top_k"),
    ({"min_p": -0.1}, "sampling.min_p"),
    ({"min_p": 1.1}, "sampling.min_p"),
    ({"repetition_penalty": 0}, "sampling.repetition_penalty"),
    ({"repetition_penalty": 2.5}, "sampling.repetition_penalty"),
    ({"presence_penalty": -2.1}, "sampling.presence_penalty"),
    ({"presence_penalty": -math.inf}, "sampling.presence_penalty"),
    ({"frequency_penalty": 3}, "sampling.frequency_penalty"),
    ({"frequency_penalty": math.nan}, "sampling.frequency_penalty"),
    ({"max_tokens": 0}, "sampling.max_tokens"),
    ({"max_tokens": 151}, "sampling.max_tokens"),
    ({"max_tokens": 10.0}, "sampling.max_tokens"),
    ({"max_tokens": True}, "sampling.max_tokens"),
    ({"max_tokens": 10**30}, "sampling.max_tokens"),
    ({"sanitize_output": 1}, "sampling.sanitize_output"),
    ({"sanitize_output": "false"}, "sampling.sanitize_output"),
    ({"sanitize_output": None}, "sampling.sanitize_output"),
]


@pytest.mark.parametrize(("raw", "field"), INVALID)
def test_invalid(raw: object, field: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_sampling(raw, LIMITS)
    error = info.value
    assert error.code is ErrorCode.INVALID_SAMPLING
    assert error.details == {"field": field}
    assert field in error.message


def test_unknown_key_reported_before_bad_values() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_sampling({"temperature": 9, "foo": 1}, LIMITS)
    assert info.value.field == "sampling.foo"


def test_max_tokens_follows_chat_max_out() -> None:
    limits = PayloadLimits(chat_max_out=400)
    assert parse_sampling({"max_tokens": 400}, limits).max_tokens == 400
    with pytest.raises(ProtocolError):
        parse_sampling({"max_tokens": 401}, limits)


def test_range_in_message() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_sampling({"top_p": 0}, LIMITS)
    assert info.value.message == "sampling.top_p must be a number in (0, 1]"
