"""Shared helpers of the hf engine tests."""

from __future__ import annotations

import os
import uuid

from cadence.engines.base import ChatMessage, Delta, GenerationRequest, SamplingParams
from cadence.engines.hf import HFEngine

#: Timeouts scale with CADENCE_TEST_UNIT, as in tests/conftest.py.
UNIT = float(os.environ.get("CADENCE_TEST_UNIT", "1.0"))
GREEDY = SamplingParams(temperature=0.0, max_tokens=12)


def prompt(engine: HFEngine, text: str) -> str:
    return engine.tokenizer.render([ChatMessage("user", text)])


def request(engine: HFEngine, text: str, **sampling: object) -> GenerationRequest:
    params = GREEDY._replace(**sampling)
    return GenerationRequest(f"test-{uuid.uuid4().hex[:12]}", prompt(engine, text), params)


async def run(engine: HFEngine, req: GenerationRequest) -> list[Delta]:
    return [delta async for delta in engine.generate(req)]


def text_of(deltas: list[Delta]) -> str:
    return "".join(delta.text for delta in deltas)
