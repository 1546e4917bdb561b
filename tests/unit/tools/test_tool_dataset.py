"""The committed dataset: size, balance, hard negatives, split, and freshness."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cadence.tools.dataset import (
    DatasetError,
    default_dataset_path,
    load_examples,
    split,
    split_of,
)

ROOT = Path(__file__).resolve().parents[3]
UNSEEN = ROOT / "tests" / "data" / "tool_unseen.jsonl"
HARD_WORDS = re.compile(r"\b(screens?|monitors?|display|look\w*|see|pictures?|photos?|screenshots?)\b")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def test_dataset_is_big_varied_and_balanced_enough() -> None:
    examples = load_examples(default_dataset_path())
    assert len(examples) >= 1000
    positives = [e for e in examples if e.label == 1]
    negatives = [e for e in examples if e.label == 0]
    assert 0.35 <= len(positives) / len(examples) <= 0.6
    hard = [e for e in negatives if HARD_WORDS.search(e.text.lower())]
    assert len(hard) >= 200, "needs many hard negatives about screens, looks, pictures"
    short = [e for e in positives if len(e.text.split()) <= 4]
    assert len(short) >= 80, "needs short casual positives"
    assert sum(1 for e in examples if e.history) >= 40
    assert len({_norm(e.text) for e in examples}) >= 0.9 * len(examples)


def test_split_is_fixed_and_keeps_groups_together() -> None:
    examples = load_examples(default_dataset_path())
    train, heldout = split(examples)
    assert 0.12 <= len(heldout) / len(examples) <= 0.3
    assert {e.label for e in heldout} == {0, 1}
    by_group: dict[str, set[str]] = {}
    for e in examples:
        by_group.setdefault(e.group, set()).add(split_of(e))
    assert all(len(splits) == 1 for splits in by_group.values())
    assert split(examples) == (train, heldout)


def test_unseen_file_is_separate_from_the_training_data() -> None:
    training = {_norm(e.text) for e in load_examples(default_dataset_path())}
    unseen = load_examples(UNSEEN)
    assert 100 <= len(unseen) <= 160
    assert {e.label for e in unseen} == {0, 1}
    assert not [e.text for e in unseen if _norm(e.text) in training]


def test_dataset_file_matches_its_generator() -> None:
    script = ROOT / "scripts" / "make_tool_dataset.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check", "--out", str(default_dataset_path())],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_bad_lines_are_reported_with_their_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "ok", "label": 1}) + "\n" + '{"text": "x", "label": 2}\n')
    with pytest.raises(DatasetError, match=r"bad.jsonl:2"):
        load_examples(path)
    path.write_text('{"text": "x", "label": true}\n')
    with pytest.raises(DatasetError):
        load_examples(path)
