"""Training data per epoch: borrowed history, dialogue sampling, length batches."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from typing import Any

from cadence.tools.dataset import Example
from cadence.tools.runtime import HFToolModel
from cadence.tools.types import ToolInput


def with_borrowed_history(
    examples: Sequence[Example], pool: Sequence[Example], rate: float, rng: random.Random
) -> list[Example]:
    """Give a ``rate`` share of history-less examples 1-3 earlier turns from ``pool``.

    The label is unchanged: the utterance decides. Half of the borrowed turns
    come from the opposite label, so that a screenshot request in the
    history does not make a later "thanks, got it" one (and vice versa).
    """
    by_label = {label: [e.text for e in pool if e.label == label] for label in (0, 1)}
    anything = [e.text for e in pool]
    out: list[Example] = []
    for example in examples:
        if example.history or not anything or rng.random() >= rate:
            out.append(example)
            continue
        turns = []
        for _ in range(rng.randint(1, 3)):
            source = by_label[1 - example.label] if rng.random() < 0.5 else anything
            turns.append(rng.choice(source or anything))
        out.append(dataclasses.replace(example, history=tuple(turns)))
    return out


def length_batches(
    examples: Sequence[Example], size: int, rng: random.Random, wrapper: HFToolModel
) -> list[list[Example]]:
    """Shuffle, group similar lengths into batches (less padding), shuffle batches."""
    pool = list(examples)
    rng.shuffle(pool)
    batches: list[list[Example]] = []
    window = size * 8
    for start in range(0, len(pool), window):
        chunk = sorted(
            pool[start : start + window],
            key=lambda e: len(wrapper.fit(ToolInput(e.history, e.text, e.looked)).input_ids),
        )
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def sample_share(examples: Sequence[Example], share: float, rng: random.Random) -> list[Example]:
    """A random ``share`` of ``examples`` (all of them at 1.0), drawn anew per call."""
    if share >= 1.0:
        return list(examples)
    return rng.sample(list(examples), round(len(examples) * share))


def freeze_lower_layers(model: Any, count: int) -> None:
    """Stop training the first ``count`` encoder layers (cheaper backward
    passes; the lower layers hold general language the dataset cannot improve)."""
    encoder = getattr(getattr(model, "base_model", None), "encoder", None)
    layers = getattr(encoder, "layer", ())
    for layer in list(layers)[:max(0, count)]:
        for parameter in layer.parameters():
            parameter.requires_grad_(False)


__all__ = ["freeze_lower_layers", "length_batches", "sample_share", "with_borrowed_history"]
