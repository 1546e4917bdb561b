"""SmolLM2 decodes through the lean step, with the model's own logits."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from cadence.engines.hf_batch import DecodeBatch, Row, prefill
from cadence.engines.hf_config import HFEngineConfig
from cadence.engines.hf_kv import new_cache
from cadence.engines.hf_loader import load_model

pytestmark = [pytest.mark.hf, pytest.mark.slow]


def test_smollm2_lean_steps_equal_the_generic_forward(smollm2_dir: Path) -> None:
    loaded = load_model(HFEngineConfig(model=str(smollm2_dir), device="cpu"))
    assert loaded.lean_decoder is not None  # the default model takes the lean step
    model, prompt = loaded.model, loaded.tokenizer.encode("Tell me about the weather on Mars, please.")
    batches = []
    with torch.inference_mode():
        for _ in range(2):
            cache = new_cache(model)
            logits = prefill(model, cache, torch.tensor([prompt]), 0, keep_last_logits=True)
            batch = DecodeBatch(loaded.device)
            batch.add(Row(job=None, reply=None), cache, int(logits.argmax()))  # type: ignore[arg-type]
            batches.append(batch)
        generic, lean = batches
        for _ in range(20):
            expected = generic.step(model, loaded.decode_weights)
            assert torch.equal(lean.step(model, loaded.decode_weights, loaded.lean_decoder), expected)
            token = [int(expected.argmax())]
            generic.set_next(token)
            lean.set_next(token)
