"""Fuzz steps and cases: concrete, printable, replayable (JSON), and
generated from a :class:`~fuzz_vocab.Chooser`."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from fuzz_gen import binary_frame, frame_text
from fuzz_vocab import (
    ENGINE_EVENTS,
    ENGINE_TEXTS,
    LIFE_EVENTS,
    MODES,
    NOISE,
    PROFILES,
    REQUEST_IDS,
    SIDS,
    TICKS,
    Chooser,
    RandomChooser,
)

# -- steps and cases -------------------------------------------------------------------


class ClientText(NamedTuple):
    """A text frame from the client of connection ``slot``."""

    slot: int
    text: str


class ClientBinary(NamedTuple):
    """A binary frame from the client of connection ``slot``."""

    slot: int
    data: bytes


class EngineStep(NamedTuple):
    """An engine or tool event for ``request_id`` (``""``: the running turn,
    this connection's if it has one)."""

    slot: int
    event: str
    request_id: str
    text: str


class LifeStep(NamedTuple):
    """Clock or connection lifecycle: tick, disconnect, idle, drain, shutdown, internal."""

    slot: int
    event: str
    seconds: float


Step = ClientText | ClientBinary | EngineStep | LifeStep
STEP_TYPES: Mapping[str, type[Step]] = MappingProxyType(
    {t.__name__: t for t in (ClientText, ClientBinary, EngineStep, LifeStep)})


class Case(NamedTuple):
    """One fuzz run: two connections over one store, in ``mode``, with the
    rate and abuse limits of ``PROFILES[profile]``."""

    mode: str
    max_prompt_tokens: int | None
    profile: int
    steps: tuple[Step, ...]


def fuzz_step(ch: Chooser) -> Step:
    """One step: a client frame, an engine event or a lifecycle event."""
    slot = ch.number(0, 1)
    roll = ch.number(0, 99)
    if roll < 55:
        return ClientText(slot, frame_text(ch, SIDS[slot]))
    if roll < 58:
        return ClientBinary(slot, binary_frame(ch))
    if roll < 84:
        rid = ch.pick(REQUEST_IDS) if ch.chance(20) else ""
        return EngineStep(slot, ch.pick(ENGINE_EVENTS), rid, ch.pick(ENGINE_TEXTS))
    if roll < 96:
        return LifeStep(slot, "tick", ch.pick(TICKS))
    return LifeStep(slot, ch.pick(LIFE_EVENTS), 0.0)


def fuzz_case(ch: Chooser, max_steps: int = 80) -> Case:
    """A whole case: mode, limits, noise level and ``max_steps`` steps at
    most, not counting floods (a text frame repeated)."""
    mode, max_prompt_tokens = ch.pick(MODES)
    profile = ch.number(0, len(PROFILES) - 1)
    ch.noise = ch.pick(NOISE)
    steps: list[Step] = []
    for _ in range(ch.number(1, max_steps)):
        steps.append(step := fuzz_step(ch))
        if isinstance(step, ClientText) and ch.chance(4):
            steps += [step] * ch.number(2, 25)  # a flood, past the rate and abuse limits
    return Case(mode, max_prompt_tokens, profile, tuple(steps))


def case_to_json(case: Case) -> str:
    """``case`` as JSON (bytes as hex), for :func:`case_from_json`."""
    steps = [[type(step).__name__, *(v.hex() if isinstance(v, bytes) else v for v in step)]
             for step in case.steps]
    return json.dumps({"mode": case.mode, "max_prompt_tokens": case.max_prompt_tokens,
                       "profile": case.profile, "steps": steps})


def case_from_json(text: str) -> Case:
    """The :class:`Case` that :func:`case_to_json` wrote."""
    data = json.loads(text)
    steps: list[Step] = []
    for name, *fields in data["steps"]:
        if name == "ClientBinary":
            fields[1] = bytes.fromhex(fields[1])
        steps.append(STEP_TYPES[name](*fields))
    return Case(data["mode"], data["max_prompt_tokens"], data["profile"], tuple(steps))


def case_for(seed: int, index: int, max_steps: int = 80) -> Case:
    """Case ``index`` of the seeded long run (replayable on its own)."""
    return fuzz_case(RandomChooser(random.Random(f"{seed}:{index}")), max_steps)


def format_case(case: Case) -> str:
    """``case`` as readable Python, one step a line."""
    lines = [f"Case(mode={case.mode!r}, max_prompt_tokens={case.max_prompt_tokens!r}, "
             f"profile={case.profile!r}, steps=("]
    lines += [f"    {step!r}," for step in case.steps]
    return "\n".join([*lines, "))"])


__all__ = ["Case", "ClientBinary", "ClientText", "EngineStep", "LifeStep", "Step", "case_for",
           "case_from_json", "case_to_json", "format_case", "fuzz_case", "fuzz_step"]
