"""Frame fuzzer over :class:`~cadence.turns.core.ConnectionCore`: generators and checker.

Contract checked (PROTOCOL.md sections 2-8) for every input fed to a core:

- no exception escapes a core method (a *crash*);
- every effect is one of :mod:`cadence.turns.effects`; every frame is a JSON
  envelope of a server frame type with ids that are valid or ``"unknown"``;
- a client frame gets exactly one typed error (a documented code that fits
  the frame, carrying the ids it could read) or the valid effect of its
  type (``pong``, ``ack``/turn start, ``cancelled``, ``session_end``...);
- a close uses a documented code for its documented cause: 1000 after
  ``end``, 1001 shutdown, 1008 past the abuse limit, 1011 internal error,
  4000 idle, 4001 takeover; anything else closes nothing;
- per ``request_id``: at most one terminal frame and nothing after it, unless
  the client sends that id again; bad input never touches another connection.

The fake I/O layer :class:`core_fakes.World` (tests/unit/turns) builds the
cores and checks guarantees 1, 2, 4 and 5 as well. Any broken rule is a
*violation*. Frames come from one vocabulary driven by a :class:`Chooser`:
:class:`RandomChooser` (fast, seeded: scripts/fuzz_frames.py) or
:class:`DrawChooser` (hypothesis draws, which shrink: the CI test).

This module runs and shrinks cases and re-exports the parts: ``fuzz_vocab``
(values, choosers), ``fuzz_gen`` (frames), ``fuzz_cases`` (steps, cases),
``fuzz_rules`` (what may be answered), ``fuzz_checker`` (the checker).
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import NamedTuple

from fuzz_cases import (
    Case,
    ClientBinary,
    ClientText,
    EngineStep,
    LifeStep,
    Step,
    case_for,
    case_from_json,
    case_to_json,
    format_case,
    fuzz_case,
    fuzz_step,
)
from fuzz_checker import Checker, Crash
from fuzz_gen import binary_frame, frame_text, raw_text, sendable, structured_frame, write_json
from fuzz_rules import REJECT_CODES, IdLedger, check_frame, is_terminal, parse
from fuzz_vocab import DrawChooser, Pairs, RandomChooser, Raw

# -- running, shrinking ----------------------------------------------------------------


class Failure(NamedTuple):
    """What went wrong in a case: ``kind`` is ``"crash"`` or ``"violation"``."""

    kind: str
    step: int
    message: str


class CaseResult(NamedTuple):
    """Client frames fed, and the first failure (``None`` when the case passed)."""

    frames: int
    failure: Failure | None


def run_case(case: Case) -> CaseResult:
    """Run ``case`` on a fresh world; stop at its first failure."""
    checker = Checker(case.mode, case.max_prompt_tokens, case.profile)
    index = len(case.steps)
    try:
        for index, step in enumerate(case.steps):  # noqa: B007 (index names the failing step)
            checker.run(step)
        index = len(case.steps)
        checker.finish()
    except Crash as crash:
        return CaseResult(checker.frames, Failure("crash", index, crash.text))
    except Exception:
        return CaseResult(checker.frames, Failure("violation", index, traceback.format_exc(limit=-3)))
    return CaseResult(checker.frames, None)


def shrink(case: Case, failure: Failure, run: Callable[[Case], CaseResult] = run_case,
           max_runs: int = 3000) -> tuple[Case, Failure]:
    """A smaller case that still fails the same way (crash or violation):
    steps after the failing one go, then chunks of halving size, then the
    JSON of each remaining text frame loses keys and string halves."""
    steps = list(case.steps[: failure.step + 1])
    chunk, runs = max(1, len(steps) // 2), 0
    while runs < max_runs:
        start = 0
        while start < len(steps) and runs < max_runs:
            candidate = steps[:start] + steps[start + chunk:]
            result, runs = run(case._replace(steps=tuple(candidate))), runs + 1
            if result.failure is not None and result.failure.kind == failure.kind:
                steps, failure = candidate[: result.failure.step + 1], result.failure
            else:
                start += chunk
        if chunk == 1:
            break
        chunk = max(1, chunk // 2)
    return _shrink_texts(case._replace(steps=tuple(steps)), failure, run, max_runs - runs)


def _shrink_texts(case: Case, failure: Failure, run: Callable[[Case], CaseResult],
                  max_runs: int) -> tuple[Case, Failure]:
    """Make each text frame of ``case`` smaller while the case still fails."""
    steps, runs = list(case.steps), 0
    for index, step in enumerate(steps):
        if not isinstance(step, ClientText):
            continue
        current, improved = step.text, True
        while improved and runs < max_runs:
            improved = False
            for text in _smaller_texts(current):
                candidate = [*steps[:index], ClientText(step.slot, text), *steps[index + 1:]]
                result, runs = run(case._replace(steps=tuple(candidate))), runs + 1
                if result.failure is not None and result.failure.kind == failure.kind \
                        and result.failure.step == failure.step:
                    steps, failure, current, improved = candidate, result.failure, text, True
                    break
                if runs >= max_runs:
                    break
    return case._replace(steps=tuple(steps)), failure


def _smaller_texts(text: str) -> list[str]:
    """Texts one edit smaller than ``text``: a JSON key or element dropped, a
    string halved (numbers kept as written); the first half of non-JSON."""
    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: Pairs(tuple(pairs)),
                           parse_float=Raw, parse_int=Raw, parse_constant=Raw)
    except ValueError:
        return [text[: len(text) // 2]] if len(text) > 1 else []
    texts = []
    for smaller in _smaller_values(value):
        written = write_json(smaller, False)
        texts.append(written if sendable(written) else write_json(smaller, True))
    return [t for t in texts if len(t) < len(text)]


def _smaller_values(value: object) -> list[object]:
    """Values one edit smaller than the decoded JSON ``value``."""
    if isinstance(value, str):
        return [value[: len(value) // 2]] if len(value) > 1 else []
    if isinstance(value, list):
        if len(value) > 8:
            return [value[: len(value) // 2]]
        out: list[object] = [value[:i] + value[i + 1:] for i in range(len(value))]
        for i, item in enumerate(value):
            out += [[*value[:i], smaller, *value[i + 1:]] for smaller in _smaller_values(item)]
        return out
    if not isinstance(value, Pairs):
        return []
    items = value.items
    found: list[object] = [Pairs(items[:i] + items[i + 1:]) for i in range(len(items))]
    for i, (key, item) in enumerate(items):
        found += [Pairs((*items[:i], (key, smaller), *items[i + 1:])) for smaller in _smaller_values(item)]
    return found


class Report(NamedTuple):
    """A seeded run: client frames fed, cases run, failing cases by kind, and
    the first few failures as (case index, failure)."""

    frames: int
    cases: int
    crashes: int
    violations: int
    failures: tuple[tuple[int, Failure], ...]


def run_fuzz(frames: int, seed: int, progress: Callable[[int, int], None] | None = None,
             keep: int = 5) -> Report:
    """Run cases ``case_for(seed, 0)``, ``1``, ... until ``frames`` client frames
    were fed; ``progress(frames, cases)`` is called every 500 cases."""
    total = index = crashes = violations = 0
    failures: list[tuple[int, Failure]] = []
    while total < frames:
        result = run_case(case_for(seed, index))
        total += result.frames
        if result.failure is not None:
            crashes += result.failure.kind == "crash"
            violations += result.failure.kind == "violation"
            if len(failures) < keep:
                failures.append((index, result.failure))
        index += 1
        if progress is not None and index % 500 == 0:
            progress(total, index)
    return Report(total, index, crashes, violations, tuple(failures))


__all__ = [
    "REJECT_CODES", "Case", "CaseResult", "Checker", "ClientBinary", "ClientText", "DrawChooser",
    "EngineStep", "Failure", "IdLedger", "LifeStep", "RandomChooser", "Report", "Step",
    "binary_frame", "case_for", "case_from_json", "case_to_json", "check_frame", "format_case",
    "frame_text", "fuzz_case", "fuzz_step", "is_terminal", "parse", "raw_text", "run_case", "run_fuzz",
    "shrink", "structured_frame",
]
