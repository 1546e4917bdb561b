"""The hand-written fast paths of the protocol layer equal their plain
definitions: ``Sampling.over``/``is_empty`` a field-by-field merge, the id
rule of ``parse_envelope`` its regular expression."""

from __future__ import annotations

import re

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import Sampling
from cadence.protocol.validate import parse_envelope

ID_RULE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
FLOATS = st.none() | st.floats(-2.0, 2.0)
INTS = st.none() | st.integers(0, 500)
SAMPLINGS = st.builds(
    Sampling, FLOATS, FLOATS, INTS, FLOATS, FLOATS, FLOATS, FLOATS, INTS, st.none() | st.booleans()
)
IDS = st.text(st.sampled_from("aZ09._:-/ é\u0660\x00"), max_size=140) | st.text(max_size=20)


def _merged(mine: Sampling, base: Sampling) -> dict[str, object]:
    """The merge as first written: every field of ``mine`` unless it is None."""
    return {
        name: getattr(mine, name) if getattr(mine, name) is not None else getattr(base, name)
        for name in Sampling._fields
    }


@given(SAMPLINGS, SAMPLINGS)
def test_over_takes_every_unset_field_from_base(mine: Sampling, base: Sampling) -> None:
    merged = mine.over(base)
    assert type(merged) is Sampling
    assert merged._asdict() == _merged(mine, base)


@given(SAMPLINGS)
def test_is_empty_means_no_field_set(sampling: Sampling) -> None:
    assert sampling.is_empty == all(value is None for value in sampling._asdict().values())


def test_an_empty_sampling_falls_back_entirely() -> None:
    base = Sampling(temperature=0.5, max_tokens=7)
    assert Sampling().is_empty and Sampling().over(base) == base
    assert not Sampling(top_k=0).is_empty and not Sampling(sanitize_output=False).is_empty
    assert Sampling(top_k=0).over(base) == Sampling(temperature=0.5, top_k=0, max_tokens=7)


@given(IDS, IDS)
def test_ids_are_accepted_exactly_by_the_rule(session_id: str, request_id: str) -> None:
    data = orjson.dumps({"type": "ping", "session_id": session_id, "request_id": request_id}).decode()
    valid = ID_RULE.fullmatch(session_id) is not None and ID_RULE.fullmatch(request_id) is not None
    if valid:
        assert parse_envelope(data).request_id == request_id
    else:
        with pytest.raises(ProtocolError) as info:
            parse_envelope(data)
        assert info.value.field in ("session_id", "request_id")
