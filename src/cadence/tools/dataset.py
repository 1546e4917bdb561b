"""Labelled screenshot-intent examples: reading JSON lines and the fixed split.

A line is ``{"text": str, "label": 0|1}`` with optional ``"history"`` (earlier
user turns, oldest first) and ``"group"`` (template family; lines of one
group always land in the same split). Unknown keys are ignored. ``looked``
(per earlier turn: the assistant looked at the screen) is set for the steps
of dialogues (:mod:`cadence.tools.dialogues`), not read from these lines.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal

Split = Literal["train", "heldout"]
HELDOUT_PERCENT = 20


class DatasetError(ValueError):
    """A dataset file is unreadable or a line breaks the format (names the line)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Example:
    """One labelled utterance (label 1: take a screenshot)."""

    text: str
    label: int
    history: tuple[str, ...] = ()
    group: str = ""
    looked: tuple[bool, ...] = ()


def default_dataset_path() -> Path:
    """Return the packaged project dataset (``data/screenshot_intent.jsonl``)."""
    return Path(__file__).resolve().parent / "data" / "screenshot_intent.jsonl"


def parse_example(obj: object, where: str) -> Example:
    """Validate one decoded JSON line.

    Raises:
        DatasetError: a field is missing or has the wrong type (``where`` names it).
    """
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected an object")
    text, label, history = obj.get("text"), obj.get("label"), obj.get("history", [])
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: 'text' must be a non-empty string")
    if isinstance(label, bool) or label not in (0, 1):
        raise DatasetError(f"{where}: 'label' must be 0 or 1")
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise DatasetError(f"{where}: 'history' must be a list of strings")
    group = obj.get("group", "")
    return Example(text, int(label), tuple(history), group if isinstance(group, str) else "")


def read_json_lines(path: str | Path) -> Iterator[tuple[object, str]]:
    """Each decoded non-blank line of ``path`` with its ``file:line`` for errors.

    Raises:
        DatasetError: the file cannot be read or a line is not JSON.
    """
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(f"cannot read {source}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{source}:{number}: invalid JSON ({exc.msg})") from exc
        yield obj, f"{source}:{number}"


def load_examples(path: str | Path) -> list[Example]:
    """Read a JSON-lines file of examples; blank lines are skipped.

    Raises:
        DatasetError: the file cannot be read or a line is invalid.
    """
    return [parse_example(obj, where) for obj, where in read_json_lines(path)]


def split_of(example: Example, heldout_percent: int = HELDOUT_PERCENT) -> Split:
    """Return the fixed split of ``example``: a hash of its group (or its text)."""
    key = (example.group or example.text).encode("utf-8")
    bucket = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % 100
    return "heldout" if bucket < heldout_percent else "train"


def split(
    examples: Iterable[Example], heldout_percent: int = HELDOUT_PERCENT
) -> tuple[list[Example], list[Example]]:
    """Return ``(train, heldout)`` lists, each in file order."""
    train: list[Example] = []
    heldout: list[Example] = []
    for example in examples:
        (heldout if split_of(example, heldout_percent) == "heldout" else train).append(example)
    return train, heldout


def label_counts(examples: Sequence[Example]) -> tuple[int, int]:
    """Return ``(positives, negatives)``."""
    positives = sum(e.label for e in examples)
    return positives, len(examples) - positives


__all__ = [
    "HELDOUT_PERCENT",
    "DatasetError",
    "Example",
    "Split",
    "default_dataset_path",
    "label_counts",
    "load_examples",
    "parse_example",
    "read_json_lines",
    "split",
    "split_of",
]
