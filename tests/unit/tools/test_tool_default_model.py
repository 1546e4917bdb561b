"""ensure_default_tool_model: trains once, reuses the cache, retrains on change,
writes atomically. The trainer is replaced by a fake that writes a tiny folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadence.tools import default_model
from cadence.tools.dataset import Example
from cadence.tools.metrics import binary_metrics
from cadence.tools.training import TrainRecipe, TrainResult

ROWS = [{"text": f"look at this {i}", "label": 1, "group": f"p{i}"} for i in range(10)] + [
    {"text": f"my monitor is broken {i}", "label": 0, "group": f"n{i}"} for i in range(10)
]


def _quiet(_: str) -> None:
    pass


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[int]]:
    models = tmp_path / "models"
    base = models / "all-minilm-l6-v2"
    base.mkdir(parents=True)
    (base / "config.json").write_text('{"model_type": "bert"}')
    (base / "model.safetensors").write_bytes(b"x" * 10)
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    dialogues = tmp_path / "dialogues.jsonl"
    dialogues.write_text(json.dumps({"id": "d1", "domain": "photos", "steps": [
        {"text": "look at this", "label": 1}, {"text": "haha", "label": 0}]}) + "\n")
    monkeypatch.setattr(default_model, "default_dialogues_path", lambda: dialogues)
    calls: list[int] = []

    def fake_train(
        base_dir: Path, examples: list[Example], out_dir: Path, recipe: TrainRecipe, progress: object,
        conversations: object = (),
    ) -> TrainResult:
        calls.append(len(examples))
        out_dir.mkdir(parents=True)
        (out_dir / "config.json").write_text("{}")
        metrics = binary_metrics([1, 0], [1, 0])
        return TrainResult(metrics, metrics, len(examples) - 2, 2, 0.1, (0.5,))

    monkeypatch.setattr(default_model, "train", fake_train)
    return models, data, calls


def test_trains_once_then_reuses(setup: tuple[Path, Path, list[int]]) -> None:
    models, data, calls = setup
    first = default_model.ensure_default_tool_model(models, dataset=data, progress=lambda _: None)
    second = default_model.ensure_default_tool_model(models, dataset=data, progress=lambda _: None)
    assert first == second == models / "screenshot-intent-minilm"
    assert calls == [20]
    metrics = json.loads((first / "metrics.json").read_text())
    assert metrics["heldout"]["f1"] == 1.0 and metrics["dataset"]["rows"] == 20
    leftovers = [p.name for p in models.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_retrains_when_dataset_or_recipe_changes(setup: tuple[Path, Path, list[int]]) -> None:
    models, data, calls = setup
    default_model.ensure_default_tool_model(models, dataset=data, progress=_quiet)
    data.write_text(data.read_text() + json.dumps({"text": "new", "label": 0}) + "\n")
    default_model.ensure_default_tool_model(models, dataset=data, progress=_quiet)
    default_model.ensure_default_tool_model(
        models,
        dataset=data,
        recipe=TrainRecipe(epochs=1),
        progress=_quiet,
    )
    assert calls == [20, 21, 21]


def test_retrains_when_the_dialogues_change(
    setup: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    models, data, calls = setup
    default_model.ensure_default_tool_model(models, dataset=data, progress=_quiet)
    dialogues = tmp_path / "dialogues.jsonl"
    dialogues.write_text(dialogues.read_text() + json.dumps(
        {"id": "d2", "domain": "maps", "steps": [{"text": "where am i", "label": 1}]}) + "\n")
    default_model.ensure_default_tool_model(models, dataset=data, progress=_quiet)
    default_model.ensure_default_tool_model(models, dataset=data, progress=_quiet)
    assert calls == [20, 20]
    metrics = json.loads((models / "screenshot-intent-minilm" / "metrics.json").read_text())
    assert metrics["dialogues"]["count"] == 2


def test_failed_training_keeps_the_old_model(
    setup: tuple[Path, Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    models, data, _ = setup
    out = default_model.ensure_default_tool_model(models, dataset=data, progress=lambda _: None)

    def broken(*_: object) -> TrainResult:
        raise OSError("disk full")

    monkeypatch.setattr(default_model, "train", broken)
    with pytest.raises(OSError, match="disk full"):
        default_model.ensure_default_tool_model(
            models, dataset=data, recipe=TrainRecipe(epochs=9), progress=lambda _: None
        )
    assert (out / "config.json").is_file() and (out / "metrics.json").is_file()
    assert not [p for p in models.iterdir() if ".tmp-" in p.name]


def test_missing_base_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="all-minilm-l6-v2"):
        default_model.ensure_default_tool_model(tmp_path)
