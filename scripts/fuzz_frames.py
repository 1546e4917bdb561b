"""The long frame fuzz of issue 17: seeded random frames into the connection core.

Cases of up to 80 steps (client text and binary frames, engine and tool
events, clock ticks, disconnects, idle, drain, shutdown) run on two
``ConnectionCore`` objects sharing one session store; every step is checked
against the contract in tests/reliability/fuzz_frames.py. Case ``k`` of seed
``s`` depends on nothing else, so it can be replayed alone::

    .venv/bin/python scripts/fuzz_frames.py                         # 100,000 frames, seed 0
    .venv/bin/python scripts/fuzz_frames.py --frames 20000 --seed 7
    .venv/bin/python scripts/fuzz_frames.py --seed 7 --case 1234     # replay one case
    .venv/bin/python scripts/fuzz_frames.py --replay failure.json    # replay a saved case

Prints frames/s and the numbers of crashes (an exception escaped the core)
and violations (a broken rule); on a failure, the seed, the case, the shrunk
failing input (``--save PATH`` writes it as JSON for ``--replay``) and the
error. Exit code 1 on any crash or violation.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reliability"))

from fuzz_frames import (  # tests/reliability/fuzz_frames.py, not this file
    Case,
    Failure,
    case_for,
    case_from_json,
    case_to_json,
    format_case,
    run_case,
    run_fuzz,
    shrink,
)


def _report_failure(case: Case, failure: Failure, where: str, save: Path | None) -> None:
    """Shrink ``case`` and print the minimal failing input and its error."""
    print(f"FAILED: {failure.kind} in {where} at step {failure.step}; shrinking...", flush=True)
    small, failure = shrink(case, failure)
    print(f"minimal failing input ({len(small.steps)} steps):")
    print(format_case(small))
    if save is not None:
        save.write_text(case_to_json(small) + "\n")
        print(f"saved to {save} (replay: scripts/fuzz_frames.py --replay {save})")
    print(f"error ({failure.kind} at step {failure.step}):")
    print(failure.message.rstrip())


def _replay(case: Case, where: str, save: Path | None) -> int:
    """Run one case; report it if it fails. Returns the exit code."""
    result = run_case(case)
    if result.failure is None:
        print(f"{where}: passed ({result.frames} frames, {len(case.steps)} steps)")
        return 0
    _report_failure(case, result.failure, where, save)
    return 1


def _long_run(frames: int, seed: int, save: Path | None) -> int:
    """The seeded run; returns the exit code."""
    print(f"fuzzing {frames} frames, seed {seed}", flush=True)
    started = time.perf_counter()

    def progress(done: int, cases: int) -> None:
        rate = done / (time.perf_counter() - started)
        print(f"  {done} frames, {cases} cases, {rate:.0f} frames/s", flush=True)

    report = run_fuzz(frames, seed, progress)
    seconds = time.perf_counter() - started
    print(f"frames {report.frames}  cases {report.cases}  seconds {seconds:.1f}  "
          f"frames/s {report.frames / seconds:.0f}")
    print(f"crashes {report.crashes}  violations {report.violations}")
    if not report.failures:
        return 0
    print("failing cases: " + ", ".join(f"{index} ({failure.kind})" for index, failure in report.failures))
    index, failure = report.failures[0]
    print(f"replay: .venv/bin/python scripts/fuzz_frames.py --seed {seed} --case {index}")
    _report_failure(case_for(seed, index), failure, f"case {index} of seed {seed}", save)
    return 1


def main() -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=100_000, help="client frames to feed (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the run (default 0)")
    parser.add_argument("--case", type=int, help="replay only this case of --seed")
    parser.add_argument("--replay", type=Path, help="replay a case saved with --save")
    parser.add_argument("--save", type=Path, help="write the shrunk failing case here as JSON")
    args = parser.parse_args()
    if args.replay is not None:
        return _replay(case_from_json(args.replay.read_text()), str(args.replay), args.save)
    if args.case is not None:
        return _replay(case_for(args.seed, args.case), f"case {args.case} of seed {args.seed}", args.save)
    return _long_run(args.frames, args.seed, args.save)


if __name__ == "__main__":
    sys.exit(main())
