"""Fine-tune an encoder into the screenshot-intent classifier (plain torch loop).

The result is a real ``BertForSequenceClassification`` folder (loadable with
``AutoModelForSequenceClassification``) with its tokenizer and a
``metrics.json``. Training inputs go through the same fitter as serving
(:mod:`cadence.tools.fitting`), so the model sees at training time exactly
the layout it gets in production. Half of the training utterances get 1 to 3
earlier turns borrowed from other examples (label unchanged), because in a
session almost every turn comes with history. Dialogue steps (a share of
them, drawn anew each epoch) come with their real history and the gold
looked-at markers, as a session with a correct classifier would send them.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cadence.tools.config import DEFAULT_HISTORY_TOKENS, DEFAULT_MAX_LENGTH, ToolConfig
from cadence.tools.dataset import HELDOUT_PERCENT, Example, split
from cadence.tools.dialogue_eval import always_no, run_dialogues, step_metrics
from cadence.tools.dialogues import Dialogue, Step, all_steps, split_dialogues
from cadence.tools.metrics import BinaryMetrics, binary_metrics
from cadence.tools.runtime import HFToolModel, collate, hub_offline
from cadence.tools.train_data import freeze_lower_layers, length_batches, sample_share, with_borrowed_history
from cadence.tools.types import ToolInput

Progress = Callable[[str], None]
LABELS: Mapping[int, str] = MappingProxyType({0: "no_tool", 1: "take_screenshot"})


@dataclasses.dataclass(frozen=True, slots=True)
class TrainRecipe:
    """Hyper-parameters; part of the cache fingerprint of the default model."""

    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 13
    history_augment: float = 0.5
    negative_weight: float = 1.0
    max_length: int = DEFAULT_MAX_LENGTH
    history_tokens: int = DEFAULT_HISTORY_TOKENS
    heldout_percent: int = HELDOUT_PERCENT
    threshold: float = 0.66
    dialogue_share: float = 0.4
    utterance_repeats: int = 2
    frozen_layers: int = 1


@dataclasses.dataclass(frozen=True, slots=True)
class TrainResult:
    """What a training run produced (also written to ``metrics.json``).

    ``dialogues`` holds step metrics per dialogue split (``heldout``,
    ``unseen_domain``), each played with the model's own earlier decisions,
    plus the always-no baseline of each (``*_always_no``).
    """

    heldout: BinaryMetrics
    heldout_noisy_history: BinaryMetrics
    train_examples: int
    heldout_examples: int
    seconds: float
    epoch_losses: tuple[float, ...]
    dialogues: Mapping[str, BinaryMetrics] = dataclasses.field(default_factory=dict)


def evaluate(model: HFToolModel, examples: Sequence[Example], threshold: float) -> BinaryMetrics:
    """Return accuracy, precision, recall and F1 of ``model`` on ``examples``.

    An example's history is played first, as a session would be: its turns
    are classified in order and the model's own decisions become the
    looked-at markers of the final, labelled utterance.
    """
    model.eval_mode()
    dialogues = [Dialogue(str(i), "", (*(Step(turn, 0) for turn in e.history), Step(e.text, e.label)))
                 for i, e in enumerate(examples)]
    results = run_dialogues(dialogues, model.score, threshold)
    return binary_metrics([e.label for e in examples], [steps[-1].decided for steps in results])


def load_base(base_dir: Path, recipe: TrainRecipe) -> tuple[Any, Any, HFToolModel]:
    """Load tokenizer and a fresh two-label head on the base encoder (fp32, CPU)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    hub_offline()
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(base_dir),
        local_files_only=True,
        num_labels=2,
        id2label=dict(LABELS),
        label2id={v: k for k, v in LABELS.items()},
    )
    # The vocabulary embeddings stay frozen: half the parameters, less
    # overfitting to the dataset's words, and a much cheaper optimizer step.
    model.get_input_embeddings().weight.requires_grad_(False)
    freeze_lower_layers(model, recipe.frozen_layers)
    config = ToolConfig(
        model=str(base_dir),
        max_length=recipe.max_length,
        history_tokens=recipe.history_tokens,
        threshold=recipe.threshold,
        device="cpu",
    )
    return tokenizer, model, HFToolModel(tokenizer, model, config)


def _epoch(
    wrapper: HFToolModel,
    optimizer: Any,
    scheduler: Any,
    batches: list[list[Example]],
    progress: Progress,
    label: str,
    negative_weight: float,
) -> float:
    import torch

    wrapper.train_mode()
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor([negative_weight, 1.0]))
    total = 0.0
    for step, batch in enumerate(batches, start=1):
        tensors = collate(
            [wrapper.fit(ToolInput(e.history, e.text, e.looked)) for e in batch],
            wrapper.pad_id,
            token_types=wrapper.uses_token_types,
            device=wrapper.device,
        )
        labels = torch.tensor([e.label for e in batch], dtype=torch.long)
        loss = loss_fn(wrapper.model(**tensors).logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(wrapper.model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        total += loss.item()
        if step % 10 == 0 or step == len(batches):
            progress(f"{label} step {step}/{len(batches)} loss {total / step:.4f}")
    return total / max(1, len(batches))


def dialogue_metrics(model: HFToolModel, splits: Mapping[str, Sequence[Dialogue]],
                     threshold: float) -> dict[str, BinaryMetrics]:
    """Step metrics of each held-out dialogue split, and its always-no baseline."""
    model.eval_mode()
    out: dict[str, BinaryMetrics] = {}
    for name, dialogues in splits.items():
        if dialogues:
            out[name] = step_metrics(run_dialogues(dialogues, model.score, threshold))
            out[f"{name}_always_no"] = always_no(dialogues)
    return out


def train(
    base_dir: Path,
    examples: Sequence[Example],
    out_dir: Path,
    recipe: TrainRecipe,
    progress: Progress = print,
    dialogues: Sequence[Dialogue] = (),
) -> TrainResult:
    """Fine-tune ``base_dir`` on the train splits (utterances and dialogue
    steps), evaluate the held-out splits, save.

    ``out_dir`` must not exist yet (callers write to a temporary folder and
    rename it, see :mod:`cadence.tools.default_model`).

    Raises:
        OSError: the base model cannot be read or the output cannot be written.
        ValueError: a split is empty.
    """
    import torch

    started = time.perf_counter()
    random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    train_set, heldout = split(examples, recipe.heldout_percent)
    if not train_set or not heldout:
        raise ValueError("the dataset needs both a train and a held-out split")
    by_split = split_dialogues(dialogues)
    held_dialogues = {"heldout": by_split["heldout"], "unseen_domain": by_split["unseen_domain"]}
    steps = all_steps(by_split["train"])
    tokenizer, model, wrapper = load_base(base_dir, recipe)
    per_epoch = len(train_set) * recipe.utterance_repeats + round(len(steps) * recipe.dialogue_share)
    optimizer, scheduler = _optimizer(model, recipe, per_epoch)
    progress(f"training on {len(train_set)} utterances and {len(steps)} dialogue steps "
             f"({len(by_split['train'])} dialogues); held out {len(heldout)} utterances, "
             f"{len(by_split['heldout'])} + {len(by_split['unseen_domain'])} dialogues")
    rng, pool = random.Random(recipe.seed), train_set
    losses: list[float] = []
    for epoch in range(1, recipe.epochs + 1):
        epoch_set = [example for _ in range(recipe.utterance_repeats)
                     for example in with_borrowed_history(train_set, pool, recipe.history_augment, rng)]
        epoch_set += sample_share(steps, recipe.dialogue_share, rng)
        batches = length_batches(epoch_set, recipe.batch_size, rng, wrapper)
        label = f"epoch {epoch}/{recipe.epochs}"
        losses.append(_epoch(wrapper, optimizer, scheduler, batches, progress, label, recipe.negative_weight))
        f1 = evaluate(wrapper, heldout, recipe.threshold).f1
        progress(f"{label} done: loss {losses[-1]:.4f}, held-out utterance F1 {f1:.3f} "
                 f"({time.perf_counter() - started:.0f} s)")
    noisy = with_borrowed_history(heldout, pool, 1.0, random.Random(recipe.seed + 1))
    result = TrainResult(
        heldout=evaluate(wrapper, heldout, recipe.threshold),
        heldout_noisy_history=evaluate(wrapper, noisy, recipe.threshold),
        train_examples=len(train_set) + len(steps),
        heldout_examples=len(heldout),
        seconds=time.perf_counter() - started,
        epoch_losses=tuple(losses),
        dialogues=dialogue_metrics(wrapper, held_dialogues, recipe.threshold),
    )
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    return result


def _optimizer(model: Any, recipe: TrainRecipe, train_size: int) -> tuple[Any, Any]:
    import torch

    trainable = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in trainable if p.ndim >= 2]
    no_decay = [p for p in trainable if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": recipe.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=recipe.learning_rate,
    )
    steps = recipe.epochs * -(-train_size // recipe.batch_size)
    warmup = max(1, int(steps * recipe.warmup_ratio))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (steps - step) / max(1, steps - warmup))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)


__all__ = [
    "LABELS",
    "Progress",
    "TrainRecipe",
    "TrainResult",
    "dialogue_metrics",
    "evaluate",
    "load_base",
    "train",
    "with_borrowed_history",
]
