"""Multi-turn dialogues labelled per step, and how they become examples.

A line is ``{"id": str, "domain": str, "steps": [{"text": str, "label": 0|1}, ...]}``
(``"source"`` and unknown keys are ignored). Each step is one user turn; its
label says whether a screenshot is needed for it, in the context of the
earlier steps (the policy is docs/TOOL.md).

Splits are fixed: every dialogue of a domain in :data:`UNSEEN_DOMAINS` is
held out (whole domains the model never trains on), and of the rest a hash
of the dialogue id holds out :data:`HELDOUT_PERCENT` percent.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from cadence.tools.dataset import DatasetError, Example, read_json_lines

DialogueSplit = Literal["train", "heldout", "unseen_domain"]

#: Domains held out whole: their dialogues are never trained on.
UNSEEN_DOMAINS = frozenset({"maps", "banking", "games", "real_estate", "recipes", "fitness"})
HELDOUT_PERCENT = 15


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """One user turn and whether it needs a screenshot (1) or not (0)."""

    text: str
    label: int


@dataclasses.dataclass(frozen=True, slots=True)
class Dialogue:
    """A conversation's user turns, labelled one by one."""

    id: str
    domain: str
    steps: tuple[Step, ...]


def default_dialogues_path() -> Path:
    """The packaged training dialogues (``data/screenshot_dialogues.jsonl``)."""
    return Path(__file__).resolve().parent / "data" / "screenshot_dialogues.jsonl"


def is_dialogue_line(obj: object) -> bool:
    """Whether a decoded JSON line is a dialogue (has ``steps``) rather than an utterance."""
    return isinstance(obj, dict) and "steps" in obj


def parse_dialogue(obj: object, where: str) -> Dialogue:
    """Validate one decoded dialogue line.

    Raises:
        DatasetError: a field is missing or has the wrong type (``where`` names it).
    """
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected an object")
    ident, domain, raw_steps = obj.get("id"), obj.get("domain", ""), obj.get("steps")
    if not isinstance(ident, str) or not ident:
        raise DatasetError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(domain, str):
        raise DatasetError(f"{where}: 'domain' must be a string")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DatasetError(f"{where}: 'steps' must be a non-empty list")
    steps = []
    for index, step in enumerate(raw_steps):
        text = step.get("text") if isinstance(step, dict) else None
        label = step.get("label") if isinstance(step, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise DatasetError(f"{where}: steps[{index}].text must be a non-empty string")
        if isinstance(label, bool) or label not in (0, 1):
            raise DatasetError(f"{where}: steps[{index}].label must be 0 or 1")
        steps.append(Step(text, int(label)))
    return Dialogue(ident, domain, tuple(steps))


def load_dialogues(path: str | Path) -> list[Dialogue]:
    """Read a JSON-lines file of dialogues; blank lines are skipped.

    Raises:
        DatasetError: the file cannot be read or a line is invalid.
    """
    return [parse_dialogue(obj, where) for obj, where in read_json_lines(path)]


def split_of_dialogue(dialogue: Dialogue, heldout_percent: int = HELDOUT_PERCENT) -> DialogueSplit:
    """The fixed split of ``dialogue``: its domain, then a hash of its id."""
    if dialogue.domain in UNSEEN_DOMAINS:
        return "unseen_domain"
    bucket = int.from_bytes(hashlib.sha256(dialogue.id.encode("utf-8")).digest()[:4], "big") % 100
    return "heldout" if bucket < heldout_percent else "train"


def split_dialogues(dialogues: Iterable[Dialogue]) -> dict[DialogueSplit, list[Dialogue]]:
    """Dialogues by split, each list in file order."""
    out: dict[DialogueSplit, list[Dialogue]] = {"train": [], "heldout": [], "unseen_domain": []}
    for dialogue in dialogues:
        out[split_of_dialogue(dialogue)].append(dialogue)
    return out


def step_examples(dialogue: Dialogue) -> list[Example]:
    """One example per step: the earlier steps as history, their gold labels
    as ``looked`` (what a correct server would have decided), the dialogue id
    as the group."""
    texts = [step.text for step in dialogue.steps]
    looks = [bool(step.label) for step in dialogue.steps]
    return [
        Example(step.text, step.label, tuple(texts[:i]), dialogue.id, tuple(looks[:i]))
        for i, step in enumerate(dialogue.steps)
    ]


def all_steps(dialogues: Sequence[Dialogue]) -> list[Example]:
    """Every step of every dialogue as an example (see :func:`step_examples`)."""
    return [example for dialogue in dialogues for example in step_examples(dialogue)]


__all__ = [
    "HELDOUT_PERCENT",
    "UNSEEN_DOMAINS",
    "Dialogue",
    "DialogueSplit",
    "Step",
    "all_steps",
    "default_dialogues_path",
    "is_dialogue_line",
    "load_dialogues",
    "parse_dialogue",
    "split_dialogues",
    "split_of_dialogue",
    "step_examples",
]
