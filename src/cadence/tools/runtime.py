"""The real tool model: any ``AutoModelForSequenceClassification`` folder or id.

:func:`load_tool_model` runs in the batcher's worker thread. It never reaches
a model hub unless ``HF_HUB_OFFLINE`` is explicitly ``0``: it sets
``HF_HUB_OFFLINE=1`` when unset and passes ``local_files_only``. fp16 on
CUDA, fp32 elsewhere. The tokenizer's special-token layout is probed once and
handed to the pure fitter (:mod:`cadence.tools.fitting`).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cadence.tools.config import ToolConfig, default_batch_limits, resolve_batch_limits
from cadence.tools.fitting import (
    Encode,
    FitBudget,
    FitLayout,
    FittedInput,
    clamp_max_length,
    fit_input,
)
from cadence.tools.types import (
    BatchLimits,
    ToolInput,
    ToolModelLoadError,
    positive_index,
)

if TYPE_CHECKING:
    import torch

#: Model types whose position ids start after the padding index (RoBERTa style).
_OFFSET_POSITIONS = frozenset(
    {
        "roberta",
        "xlm-roberta",
        "xlm-roberta-xl",
        "longformer",
        "camembert",
        "data2vec-text",
    }
)
_PROBE_A, _PROBE_B = "hello world", "good morning"


def hub_offline() -> bool:
    """Set ``HF_HUB_OFFLINE=1`` unless the environment already decides; return its value."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return os.environ["HF_HUB_OFFLINE"].strip().lower() not in {
        "0",
        "false",
        "no",
        "off",
    }


def probe_layout(tokenizer: Any, *, global_first: bool) -> FitLayout:
    """Find the special tokens the tokenizer puts around one and two sequences.

    Raises:
        ToolModelLoadError: the tokenizer's output does not contain the probe
            texts as contiguous runs (an unsupported tokenizer).
    """
    a = list(tokenizer(_PROBE_A, add_special_tokens=False)["input_ids"])
    b = list(tokenizer(_PROBE_B, add_special_tokens=False)["input_ids"])
    one = tokenizer(_PROBE_A)
    two = tokenizer(_PROBE_A, _PROBE_B, return_token_type_ids=True)
    ids1, ids2 = list(one["input_ids"]), list(two["input_ids"])
    types2 = list(two.get("token_type_ids") or [0] * len(ids2))
    start1, start_a = _find(ids1, a, 0), _find(ids2, a, 0)
    start_b = _find(ids2, b, start_a + len(a))
    if min(start1, start_a, start_b) < 0:
        raise ToolModelLoadError("cannot find the special-token layout of this tokenizer")
    end_a, end_b = start_a + len(a), start_b + len(b)
    sep = getattr(tokenizer, "sep_token_id", None)
    return FitLayout(
        single_prefix=tuple(ids1[:start1]),
        single_suffix=tuple(ids1[start1 + len(a) :]),
        pair_prefix=tuple(ids2[:start_a]),
        pair_middle=tuple(ids2[end_a:start_b]),
        pair_suffix=tuple(ids2[end_b:]),
        pair_prefix_types=tuple(types2[:start_a]),
        pair_middle_types=tuple(types2[end_a:start_b]),
        pair_suffix_types=tuple(types2[end_b:]),
        type_a=types2[start_a],
        type_b=types2[start_b],
        turn_separator=(int(sep),) if isinstance(sep, int) else (),
        global_first=global_first,
    )


def _find(haystack: Sequence[int], needle: Sequence[int], start: int) -> int:
    for i in range(start, len(haystack) - len(needle) + 1):
        if list(haystack[i : i + len(needle)]) == list(needle):
            return i
    return -1


def make_encoder(tokenizer: Any) -> Encode:
    """Return text -> ids without special tokens and without length warnings."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None:
        # tokenizer.json may carry truncation (from the right!) and fixed padding
        # (all-MiniLM-L6-v2 does: 128 tokens); the fitter owns both.
        backend.no_truncation()
        backend.no_padding()
        return lambda text: backend.encode(text, add_special_tokens=False).ids
    return lambda text: tokenizer.encode(text, add_special_tokens=False)


def model_positions(config: Any) -> int | None:
    """Return how many positions the model can embed, or ``None`` if unknown."""
    limit = getattr(config, "max_position_embeddings", None)
    if not isinstance(limit, int) or limit <= 0:
        return None
    if getattr(config, "model_type", "") in _OFFSET_POSITIONS:
        limit -= int(getattr(config, "pad_token_id", 1) or 0) + 1
    return limit


def collate(
    fitted: Sequence[FittedInput],
    pad_id: int,
    *,
    token_types: bool,
    device: torch.device,
) -> dict[str, torch.Tensor]:
    """Right-pad fitted inputs into one batch of tensors on ``device``."""
    import torch

    width = max(len(f.input_ids) for f in fitted)

    def pad(rows: Sequence[Sequence[int]], value: int) -> torch.Tensor:
        data = [list(r) + [value] * (width - len(r)) for r in rows]
        return torch.tensor(data, dtype=torch.long, device=device)

    batch = {
        "input_ids": pad([f.input_ids for f in fitted], pad_id),
        "attention_mask": pad([[1] * len(f.input_ids) for f in fitted], 0),
    }
    if token_types:
        batch["token_type_ids"] = pad([f.token_type_ids for f in fitted], 0)
    if fitted[0].global_attention_mask is not None:
        batch["global_attention_mask"] = pad([f.global_attention_mask or () for f in fitted], 0)
    return batch


class HFToolModel:
    """A loaded classifier: fits, pads and scores batches. Use from one thread."""

    def __init__(self, tokenizer: Any, model: Any, config: ToolConfig) -> None:
        self.model = model
        self.device: torch.device = next(model.parameters()).device
        hf = model.config
        self.layout = probe_layout(tokenizer, global_first=hf.model_type == "longformer")
        max_length = clamp_max_length(
            config.max_length,
            model_positions(hf),
            getattr(tokenizer, "model_max_length", None),
        )
        room = max_length - self.layout.pair_overhead - 1
        self.budget = FitBudget(max_length, max(0, min(config.history_tokens, room)))
        self._encode = make_encoder(tokenizer)
        pad = tokenizer.pad_token_id
        self.pad_id = int(pad) if pad is not None else 0
        accepts = inspect.signature(model.forward).parameters
        self.uses_token_types = "token_type_ids" in accepts and getattr(hf, "type_vocab_size", 1) > 1
        self._positive = positive_index(dict(hf.id2label or {}), int(hf.num_labels))
        self._one_logit = int(hf.num_labels) == 1
        params = sum(p.numel() for p in model.parameters())
        self.limits: BatchLimits = resolve_batch_limits(
            config, default_batch_limits(params, self.device.type)
        )

    def eval_mode(self) -> None:
        """Switch the model to inference behaviour (no dropout); the default."""
        self.model.eval()

    def train_mode(self) -> None:
        """Switch the model to training behaviour (dropout on), for fine-tuning."""
        self.model.train()

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` without special tokens."""
        return list(self._encode(text))

    def fit(self, item: ToolInput) -> FittedInput:
        """Fit one request into this model's budget (pure, see :func:`fit_input`)."""
        return fit_input(item.user_turns, item.utterance, self._encode, self.layout, self.budget, item.looked)

    def score(self, items: Sequence[ToolInput]) -> list[float]:
        """Return the positive-class probability of each item (one forward pass)."""
        import torch

        batch = collate(
            [self.fit(i) for i in items],
            self.pad_id,
            token_types=self.uses_token_types,
            device=self.device,
        )
        with torch.inference_mode():
            logits = self.model(**batch).logits.float()
        if self._one_logit:
            probs = torch.sigmoid(logits[:, 0])
        else:
            probs = torch.softmax(logits, dim=-1)[:, self._positive]
        return [float(p) for p in probs.cpu()]


def _device(name: str) -> torch.device:
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def load_tool_model(config: ToolConfig) -> HFToolModel:
    """Load tokenizer and model, move to the device, warm up with one forward pass.

    Raises:
        ToolModelLoadError: the model or tokenizer is missing or unusable, or
            the device is unavailable.
    """
    local_only = hub_offline() or os.path.isdir(config.model)
    try:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        device = _device(config.device)
        dtype = torch.float16 if device.type == "cuda" else torch.float32
        tokenizer = AutoTokenizer.from_pretrained(config.model, local_files_only=local_only)
        model = AutoModelForSequenceClassification.from_pretrained(
            config.model, local_files_only=local_only, dtype=dtype
        )
        model.to(device).eval()
        loaded = HFToolModel(tokenizer, model, config)
        loaded.score([ToolInput(("warm up",), "warm up the classifier")])
    except ToolModelLoadError:
        raise
    except (OSError, ValueError, RuntimeError, KeyError, TypeError) as exc:
        raise ToolModelLoadError(f"cannot load tool model {config.model!r}: {exc}") from exc
    return loaded


__all__ = [
    "HFToolModel",
    "collate",
    "hub_offline",
    "load_tool_model",
    "make_encoder",
    "model_positions",
    "probe_layout",
]
