"""The lean decode step: the model's own logits, bit for bit, or no lean step at all."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from cadence.engines.hf_batch import DecodeBatch, Row, prefill
from cadence.engines.hf_decode_weights import add_decode_weights
from cadence.engines.hf_kv import new_cache
from cadence.engines.hf_lean_decode import lean_decoder


def tiny_model(**overrides: Any) -> Any:
    torch.manual_seed(0)
    settings: dict[str, Any] = {
        "vocab_size": 64, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "tie_word_embeddings": True,
        "attn_implementation": "sdpa",
    }
    config = LlamaConfig(**(settings | overrides))
    return LlamaForCausalLM(config).eval()  # type: ignore[no-untyped-call]


def batch_of(model: Any, prompts: list[list[int]]) -> DecodeBatch:
    batch = DecodeBatch(torch.device("cpu"))
    for prompt in prompts:
        cache = new_cache(model)
        logits = prefill(model, cache, torch.tensor([prompt]), 0, keep_last_logits=False)
        batch.add(Row(job=None, reply=None), cache, int(logits.argmax()))  # type: ignore[arg-type]
    return batch


@pytest.mark.parametrize("prompts", [[[1, 2, 3, 4, 5]], [[1, 2, 3, 4, 5, 6, 7], [9, 8, 7]]],
                         ids=["one row", "two rows, one left-padded"])
def test_lean_steps_give_the_models_logits_exactly(prompts: list[list[int]]) -> None:
    model = tiny_model()
    weights = add_decode_weights(model, torch.bfloat16)
    lean = lean_decoder(model)
    assert lean is not None
    with torch.inference_mode():
        generic, fast = batch_of(model, prompts), batch_of(model, prompts)
        for _ in range(6):  # the caches grow step by step in both
            expected = generic.step(model, weights)
            got = fast.step(model, weights, lean)
            assert torch.equal(got, expected)
            tokens = [int(t) for t in expected.argmax(-1)]
            generic.set_next(tokens)
            fast.set_next(tokens)


def test_wide_batches_keep_the_generic_step() -> None:
    model = tiny_model()
    weights = add_decode_weights(model, torch.bfloat16)
    lean = lean_decoder(model)
    prompts = [[1, 2], [3, 4, 5], [6], [7, 8]]  # more rows than the decode copies serve
    with torch.inference_mode():
        generic = batch_of(model, prompts)
        fast = copy.deepcopy(generic)
        assert torch.equal(fast.step(model, weights, lean), generic.step(model, weights))


@pytest.mark.parametrize("overrides", [{"attention_bias": True}, {"mlp_bias": True}, {"hidden_act": "gelu"},
                                       {"attn_implementation": "eager"}])
def test_layouts_it_does_not_reproduce_get_no_lean_step(overrides: dict[str, Any]) -> None:
    model = tiny_model(**overrides)
    add_decode_weights(model, torch.bfloat16)
    assert lean_decoder(model) is None


def test_no_lean_step_without_decode_copies() -> None:
    model = tiny_model()
    add_decode_weights(model, torch.float32)  # already float32: no copies
    assert lean_decoder(model) is None
