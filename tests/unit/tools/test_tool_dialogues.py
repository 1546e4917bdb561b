"""Dialogues: reading, fixed splits, step examples, and playing them with the
classifier's own decisions (cadence.tools.dialogues, dialogue_eval)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from cadence.tools.dataset import DatasetError
from cadence.tools.dialogue_eval import always_no, run_dialogues, step_metrics
from cadence.tools.dialogues import (
    UNSEEN_DOMAINS,
    Dialogue,
    Step,
    load_dialogues,
    split_dialogues,
    split_of_dialogue,
    step_examples,
)
from cadence.tools.fitting import LOOK_MARKER, marked_turns
from cadence.tools.types import ToolInput

SHOP = Dialogue("shop-1", "shopping", (Step("hey", 0), Step("peep this", 1), Step("haha right", 0),
                                        Step("what about this one", 1)))


def test_dialogue_lines_are_validated(tmp_path: Path) -> None:
    good = tmp_path / "d.jsonl"
    good.write_text(json.dumps({"id": "a", "domain": "photos", "source": "generated",
                                "steps": [{"text": "look", "label": 1}]}) + "\n\n")
    assert load_dialogues(good) == [Dialogue("a", "photos", (Step("look", 1),))]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "steps": [{"text": "look", "label": True}]}) + "\n")
    with pytest.raises(DatasetError, match=r"bad.jsonl:1: steps\[0\].label"):
        load_dialogues(bad)


def test_unseen_domains_are_held_out_whole_and_the_split_is_fixed() -> None:
    dialogues = [Dialogue(f"{domain}-{i}", domain, (Step("x", 0),))
                 for domain in ("maps", "photos") for i in range(200)]
    splits = split_dialogues(dialogues)
    assert {d.domain for d in splits["unseen_domain"]} == {"maps"} and "maps" in UNSEEN_DOMAINS
    assert 10 < len(splits["heldout"]) < 60 and all(d.domain == "photos" for d in splits["heldout"])
    assert all(split_of_dialogue(d) == "heldout" for d in splits["heldout"])


def test_each_step_becomes_an_example_with_the_gold_looks_before_it() -> None:
    examples = step_examples(SHOP)
    assert examples[3].history == ("hey", "peep this", "haha right")
    assert examples[3].looked == (False, True, False)
    assert [e.label for e in examples] == [0, 1, 0, 1] and {e.group for e in examples} == {"shop-1"}


def test_looked_turns_carry_the_marker() -> None:
    assert marked_turns(["a", "b", "c"], [False, True]) == ["a", "b" + LOOK_MARKER, "c"]


def test_dialogues_are_played_with_the_classifiers_own_decisions() -> None:
    seen: list[ToolInput] = []

    def scorer(items: Sequence[ToolInput]) -> list[float]:
        seen.extend(items)
        return [0.9 if "this" in item.utterance or "haha" in item.utterance else 0.1 for item in items]

    results = run_dialogues([SHOP], scorer, threshold=0.5, batch_size=1)
    assert [s.decided for s in results[0]] == [0, 1, 1, 1]
    # Step 3 sees what the classifier decided (yes for "haha right"), not the gold label.
    assert seen[3] == ToolInput(("hey", "peep this", "haha right"), "what about this one",
                                (False, True, True))
    metrics = step_metrics(results)
    assert (metrics.n, metrics.accuracy, metrics.recall) == (4, 0.75, 1.0)
    assert always_no([SHOP]).accuracy == 0.5


def _norm(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace() or c == "'").split())


def test_the_packaged_dialogues_are_what_the_policy_asks_for() -> None:
    from cadence.tools.dialogues import default_dialogues_path

    dialogues = load_dialogues(default_dialogues_path())
    assert len(dialogues) >= 400
    assert all(6 <= len(d.steps) <= 14 for d in dialogues)
    domains = {d.domain for d in dialogues}
    assert len(domains) >= 25 and domains >= UNSEEN_DOMAINS
    assert len({d.id for d in dialogues}) == len(dialogues)
    splits = split_dialogues(dialogues)
    assert splits["heldout"] and splits["unseen_domain"] and splits["train"]


def test_the_independent_dialogues_share_no_real_sentence_with_the_training_data() -> None:
    from cadence.tools.dataset import default_dataset_path, load_examples
    from cadence.tools.dialogues import default_dialogues_path

    trained = {_norm(s.text) for d in load_dialogues(default_dialogues_path()) for s in d.steps}
    trained |= {_norm(e.text) for e in load_examples(default_dataset_path())}
    unseen = Path(__file__).parents[2] / "data" / "tool_dialogues_unseen.jsonl"
    sentences = [s.text for d in load_dialogues(unseen) for s in d.steps if len(s.text.split()) > 3]
    shared = [text for text in sentences if _norm(text) in trained]
    assert len(shared) <= len(sentences) // 100, shared  # short reactions ("nice", "got it") aside
