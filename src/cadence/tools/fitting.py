"""Fit recent user turns and the current utterance into the model's context.

Pure: no tokenizer objects, no I/O. Text becomes token ids through an
``encode`` callable (the tokenizer without special tokens); the special-token
layout of the model (``[CLS] A [SEP] B [SEP]`` for BERT, ``<s> A </s></s> B
</s>`` for RoBERTa, ...) comes in as a :class:`FitLayout`, probed once from
the real tokenizer by :mod:`cadence.tools.runtime`.

Rules, in order:

1. The utterance always wins. If it does not fit even alone, it is cut to
   its last tokens (the end of speech matters most) and no history is used.
2. Earlier turns go in segment A, newest first, while they fit in
   ``min(history_tokens, room left by the utterance)``; the first turn that
   does not fit is dropped with every older one. Turns are joined with
   ``FitLayout.turn_separator``.
3. With no turn kept, the single-sequence layout is used.

A turn the assistant looked at the screen for ends with :data:`LOOK_MARKER`,
so the model can tell a reaction to what it just saw from a new request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

Encode = Callable[[str], Sequence[int]]

#: Appended to an earlier turn the assistant looked at the screen for.
LOOK_MARKER = " [looked]"


def marked_turns(turns: Sequence[str], looked: Sequence[bool]) -> list[str]:
    """``turns`` with :data:`LOOK_MARKER` after each one ``looked`` flags
    (``looked`` may be shorter than ``turns``: the rest are not looked at)."""
    return [turn + LOOK_MARKER if i < len(looked) and looked[i] else turn for i, turn in enumerate(turns)]


@dataclasses.dataclass(frozen=True, slots=True)
class FitLayout:
    """Special tokens and segment ids around the content, for one tokenizer.

    ``single_*`` wrap a lone utterance; ``pair_*`` wrap history (segment A)
    and utterance (segment B). ``*_types`` give the token type id of each
    special token; ``type_a``/``type_b`` that of the content tokens.
    ``global_first`` asks for global attention on token 0 (Longformer).
    """

    single_prefix: tuple[int, ...]
    single_suffix: tuple[int, ...]
    pair_prefix: tuple[int, ...]
    pair_middle: tuple[int, ...]
    pair_suffix: tuple[int, ...]
    pair_prefix_types: tuple[int, ...] = ()
    pair_middle_types: tuple[int, ...] = ()
    pair_suffix_types: tuple[int, ...] = ()
    type_a: int = 0
    type_b: int = 0
    turn_separator: tuple[int, ...] = ()
    global_first: bool = False

    @property
    def single_overhead(self) -> int:
        """Special tokens added around a lone utterance."""
        return len(self.single_prefix) + len(self.single_suffix)

    @property
    def pair_overhead(self) -> int:
        """Special tokens added around a history + utterance pair."""
        return len(self.pair_prefix) + len(self.pair_middle) + len(self.pair_suffix)


@dataclasses.dataclass(frozen=True, slots=True)
class FitBudget:
    """Token budget: ``max_length`` in all (special tokens included), of which
    at most ``history_tokens`` for earlier turns (separators included)."""

    max_length: int
    history_tokens: int


@dataclasses.dataclass(frozen=True, slots=True)
class FittedInput:
    """Model input for one request, before padding.

    ``turns_used`` counts the earlier turns kept (the newest ones);
    ``truncated`` is true when the utterance itself was cut.
    """

    input_ids: tuple[int, ...]
    token_type_ids: tuple[int, ...]
    global_attention_mask: tuple[int, ...] | None
    turns_used: int
    truncated: bool


def keep_end(ids: Sequence[int], limit: int) -> tuple[tuple[int, ...], bool]:
    """Return the last ``limit`` ids (all of them if they fit) and whether any were cut."""
    if limit <= 0:
        return (), len(ids) > 0
    if len(ids) <= limit:
        return tuple(ids), False
    return tuple(ids[len(ids) - limit :]), True


def select_turns(
    turns: Sequence[str], encode: Encode, room: int, separator: Sequence[int]
) -> list[tuple[int, ...]]:
    """Encode turns newest first while they fit in ``room`` tokens.

    Blank turns are skipped. Returns the kept turns oldest first. Stops at the
    first turn that does not fit, so an older turn never survives a newer one.
    """
    kept: list[tuple[int, ...]] = []
    used = 0
    for turn in reversed(turns):
        if not turn.strip():
            continue
        ids = tuple(encode(turn))
        cost = len(ids) + (len(separator) if kept else 0)
        if not ids or used + cost > room:
            break
        kept.append(ids)
        used += cost
    kept.reverse()
    return kept


def fit_input(
    turns: Sequence[str],
    utterance: str,
    encode: Encode,
    layout: FitLayout,
    budget: FitBudget,
    looked: Sequence[bool] = (),
) -> FittedInput:
    """Fit earlier user ``turns`` (oldest first) and ``utterance`` into ``budget``.

    ``looked`` flags the turns the assistant looked at the screen for (see
    :func:`marked_turns`). The result never exceeds ``budget.max_length``
    tokens as long as that is larger than the layout's special tokens. Turns
    are encoded lazily, newest first, so a long history costs only what fits.
    """
    if any(looked):
        turns = marked_turns(turns, looked)
    utterance_ids = tuple(encode(utterance))
    room_single = budget.max_length - layout.single_overhead
    room_pair = budget.max_length - layout.pair_overhead
    history_room = min(budget.history_tokens, room_pair - len(utterance_ids))
    kept = select_turns(turns, encode, history_room, layout.turn_separator) if history_room > 0 else []
    if not kept:
        body, truncated = keep_end(utterance_ids, room_single)
        return _single(body, layout, truncated)
    history: list[int] = []
    for ids in kept:
        if history:
            history.extend(layout.turn_separator)
        history.extend(ids)
    return _pair(tuple(history), utterance_ids, layout, len(kept))


def _single(body: tuple[int, ...], layout: FitLayout, truncated: bool) -> FittedInput:
    ids = layout.single_prefix + body + layout.single_suffix
    return FittedInput(ids, (0,) * len(ids), _global(len(ids), layout), 0, truncated)


def _pair(history: tuple[int, ...], body: tuple[int, ...], layout: FitLayout, turns_used: int) -> FittedInput:
    ids = layout.pair_prefix + history + layout.pair_middle + body + layout.pair_suffix
    types = (
        _types(layout.pair_prefix_types, len(layout.pair_prefix))
        + (layout.type_a,) * len(history)
        + _types(layout.pair_middle_types, len(layout.pair_middle))
        + (layout.type_b,) * len(body)
        + _types(layout.pair_suffix_types, len(layout.pair_suffix))
    )
    return FittedInput(ids, types, _global(len(ids), layout), turns_used, False)


def _types(given: tuple[int, ...], length: int) -> tuple[int, ...]:
    return given if len(given) == length else (0,) * length


def _global(length: int, layout: FitLayout) -> tuple[int, ...] | None:
    if not layout.global_first:
        return None
    return (1,) + (0,) * (length - 1) if length else ()


def clamp_max_length(requested: int, model_positions: int | None, tokenizer_limit: int | None) -> int:
    """Clamp ``requested`` to the smallest limit the model and tokenizer state.

    ``model_positions`` is the number of usable position embeddings (already
    minus the RoBERTa-style padding offset); ``tokenizer_limit`` is the
    tokenizer's ``model_max_length``, ignored when absurdly large (the
    "no limit" sentinel of transformers).
    """
    limits = [requested]
    if model_positions is not None and model_positions > 0:
        limits.append(model_positions)
    if tokenizer_limit is not None and 0 < tokenizer_limit < 1_000_000:
        limits.append(tokenizer_limit)
    return min(limits)


__all__ = [
    "LOOK_MARKER",
    "Encode",
    "FitBudget",
    "FitLayout",
    "FittedInput",
    "clamp_max_length",
    "fit_input",
    "keep_end",
    "marked_turns",
    "select_turns",
]
