"""The real default tool model on CPU: decisions, fitting with the real tokenizer,
batching, and other encoder architectures through the same code path.

Prepares the base encoder (``cadence.models``) and trains the default model
once if it is not cached under ``models/`` (a few minutes on 2 CPU cores);
skips only if the base encoder cannot be prepared.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cadence.tools import ToolClassifier, ToolConfig, ensure_default_tool_model
from cadence.tools.runtime import load_tool_model
from cadence.tools.types import ToolInput

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]

POSITIVES = [
    "take a look at my screen",
    "can you see this error?",
    "peep this",
    "what about this one",
    "what does this popup say",
    "take a screenshot",
]
NEGATIVES = [
    "my monitor is broken",
    "how do I take a screenshot on windows",
    "I look so tired today",
    "I took a picture of the sunset yesterday",
    "what's the weather tomorrow",
    "I need a new screen for my laptop",
]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    models = ROOT / "models"
    try:
        from cadence.models.tool_base import prepare_tool_base

        prepare_tool_base(models)
    except Exception as exc:  # any failure to prepare means skip
        if not (models / "all-minilm-l6-v2" / "config.json").is_file():
            pytest.skip(f"the MiniLM base encoder cannot be prepared: {exc}")
    return ensure_default_tool_model(models)


@pytest.fixture(scope="module")
def base_dir(model_dir: Path) -> Path:
    return model_dir.parent / "all-minilm-l6-v2"


async def test_clear_positives_and_hard_negatives(model_dir: Path) -> None:
    classifier = ToolClassifier(ToolConfig(model=str(model_dir)))
    await classifier.start()
    try:
        yes = await asyncio.gather(*(classifier.classify([], t) for t in POSITIVES))
        no = await asyncio.gather(*(classifier.classify([], t) for t in NEGATIVES))
    finally:
        await classifier.aclose()
    assert [d.status for d in yes] == ["yes"] * len(POSITIVES), [d.score for d in yes]
    assert [d.status for d in no] == ["no"] * len(NEGATIVES), [d.score for d in no]
    assert all(d.raw == [{"name": "take_screenshot", "score": round(d.score, 4)}] for d in yes)
    stats = classifier.stats()
    assert stats.forward_passes < len(POSITIVES) + len(NEGATIVES)


def test_real_tokenizer_fitting_keeps_the_end(model_dir: Path) -> None:
    model = load_tool_model(ToolConfig(model=str(model_dir), max_length=32, history_tokens=12))
    assert model.budget.max_length == 32
    # Longer than the 128-token truncation stored in the base tokenizer.json.
    long_utterance = "blah " * 300 + "and finally take a look at my screen"
    fitted = model.fit(ToolInput(("an old turn",), long_utterance))
    assert len(fitted.input_ids) == 32 and fitted.truncated and fitted.turns_used == 0
    tail = model.encode("take a look at my screen")
    assert fitted.input_ids[-len(tail) - 1 : -1] == tuple(tail)
    turns = ("first turn here", "second", "third one now")
    fitted = model.fit(ToolInput(turns, "hi"))
    assert fitted.turns_used == 3  # 3+1 + 1+1 + 3+1 = 10 tokens fit the 12-token history budget
    small = load_tool_model(ToolConfig(model=str(model_dir), max_length=32, history_tokens=8))
    fitted = small.fit(ToolInput(turns, "hi"))
    assert fitted.turns_used == 2  # newest first: 4 + 2 fit in 8, the oldest (4 more) is dropped
    assert len(model.score([ToolInput((), "hi"), ToolInput(("x",), "look")])) == 2


def test_max_length_is_clamped_to_the_model(model_dir: Path) -> None:
    model = load_tool_model(ToolConfig(model=str(model_dir), max_length=100_000))
    assert model.budget.max_length == 512


@pytest.mark.parametrize("kind", ["roberta", "longformer", "modernbert"])
def test_other_architectures_run_through_the_same_path(kind: str, base_dir: Path, tmp_path: Path) -> None:
    from transformers import (
        AutoConfig,
        AutoModelForSequenceClassification,
        AutoTokenizer,
    )

    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    # Real RoBERTa/Longformer checkpoints have one token type; ModernBERT has none.
    extra: dict[str, object] = {} if kind == "modernbert" else {"type_vocab_size": 1}
    if kind == "longformer":
        extra["attention_window"] = 8
    config = AutoConfig.for_model(
        kind,
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=tokenizer.pad_token_id,
        num_labels=2,
        **extra,
    )
    tiny = AutoModelForSequenceClassification.from_config(config)  # type: ignore[no-untyped-call]
    tiny.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    model = load_tool_model(ToolConfig(model=str(tmp_path), max_length=512))
    # RoBERTa-style position ids start after padding_idx: 130 - (pad_token_id + 1) usable.
    expected = 130 - (tokenizer.pad_token_id + 1) if kind in {"roberta", "longformer"} else 130
    assert model.budget.max_length == expected
    assert model.layout.global_first == (kind == "longformer")
    assert not model.uses_token_types
    scores = model.score([ToolInput(("an earlier turn",), "look " * 300), ToolInput((), "hi")])
    assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)


def test_eval_command_prints_json(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cadence.tools.cli import main

    unseen = ROOT / "tests" / "data" / "tool_unseen.jsonl"
    assert main(["eval", "--data", str(unseen), "--model", str(model_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 133
    for key in ("accuracy", "precision", "recall", "f1"):
        assert 0.0 <= report[key] <= 1.0
    assert report["latency_ms"]["p95"] >= report["latency_ms"]["p50"] > 0
    assert report["timeouts"] == 0


REACTIONS_AFTER_A_LOOK = [  # (utterance, decision): one look, then only reactions and follow-ups
    ("hey so I'm on this dating app again", "no"),
    ("ok peep this guy", "yes"),
    ("haha right?", "no"),
    ("ok sent him a message", "no"),
    ("lol he's so weird", "no"),
    ("what should I even say to him", "no"),
    ("thanks that helps", "no"),
]
FLIPPING = [  # each new item needs a new look
    ("ok I'm shopping for running shoes", "no"),
    ("what about these", "yes"),
    ("and these ones?", "yes"),
    ("ok next pair", "yes"),
    ("what about the blue ones", "yes"),
]


async def test_reactions_after_a_look_stay_no_and_flipping_through_items_is_yes_each_time(
    model_dir: Path,
) -> None:
    from cadence.tools.dialogue_eval import run_dialogues_async
    from cadence.tools.dialogues import Dialogue, Step

    classifier = ToolClassifier(ToolConfig(model=str(model_dir)))
    await classifier.start()

    async def score(item: ToolInput) -> float:
        return (await classifier.classify(item.user_turns, item.utterance, item.looked)).score

    dialogues = [Dialogue(name, "test", tuple(Step(text, int(want == "yes")) for text, want in steps))
                 for name, steps in (("leak", REACTIONS_AFTER_A_LOOK), ("flip", FLIPPING))]
    try:
        results = await run_dialogues_async(dialogues, score, classifier.config.threshold)
    finally:
        await classifier.aclose()
    for dialogue, steps in zip(dialogues, results, strict=True):
        decided = [("yes" if s.decided else "no", round(s.score, 3)) for s in steps]
        assert [s.decided for s in steps] == [s.label for s in dialogue.steps], (dialogue.id, decided)


def test_eval_command_plays_dialogues(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cadence.tools.cli import main

    unseen = ROOT / "tests" / "data" / "tool_dialogues_unseen.jsonl"
    assert main(["eval", "--data", str(unseen), "--model", str(model_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dialogues"] == 70 and report["n"] == 723
    assert report["always_no"]["recall"] == 0.0 and report["always_no"]["n"] == 723
    assert report["accuracy"] > report["always_no"]["accuracy"]
