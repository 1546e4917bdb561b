"""Decode weight copies: used only while the switch is on, weights stay shared."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers import LlamaConfig, LlamaForCausalLM

from cadence.engines.hf_decode_weights import DECODE_MAX_ROWS, DecodeLinear, add_decode_weights


def tiny_model() -> Any:
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True)
    return LlamaForCausalLM(config).eval()  # type: ignore[no-untyped-call]


def test_every_linear_gets_a_copy_and_tied_weights_stay_tied() -> None:
    model = tiny_model()
    reference = tiny_model()
    switch = add_decode_weights(model, torch.bfloat16)
    linears = [m for m in model.modules() if isinstance(m, DecodeLinear)]
    assert linears and not any(type(m) is nn.Linear for m in model.modules())
    assert model.lm_head.weight is model.model.embed_tokens.weight
    assert switch.nbytes == sum(m.decode_weight.numel() * 2 for m in linears)
    ids = torch.tensor([[1, 2, 3, 4]])
    with torch.inference_mode():  # switch off: exactly the original model
        assert torch.equal(model(input_ids=ids).logits, reference(input_ids=ids).logits)


def test_the_switch_routes_decode_steps_through_the_copy() -> None:
    linear = nn.Linear(8, 4, bias=True)
    wrapper = nn.Sequential(linear)
    switch = add_decode_weights(wrapper, torch.bfloat16)
    swapped = wrapper[0]
    assert isinstance(swapped, DecodeLinear) and swapped.weight is linear.weight
    inputs = torch.randn(1, 1, 8)
    exact = nn.functional.linear(inputs, linear.weight, linear.bias)
    with switch.decoding(rows=1):
        assert switch.active
        near = swapped(inputs)
    assert not switch.active
    assert near.dtype == torch.float32 and not torch.equal(near, exact)
    assert torch.allclose(near, exact, atol=0.05)
    with switch.decoding(rows=DECODE_MAX_ROWS + 1):  # a wide batch: the original weights pay
        assert not switch.active


def test_no_copy_when_the_weights_already_have_the_dtype() -> None:
    model = tiny_model()
    switch = add_decode_weights(model, torch.float32)
    assert switch.nbytes == 0 and not any(isinstance(m, DecodeLinear) for m in model.modules())
    with switch.decoding(rows=1):
        assert not switch.active


def test_sibling_projections_share_one_copy_and_give_their_own_outputs() -> None:
    model = tiny_model()
    switch = add_decode_weights(model, torch.bfloat16)
    attention, mlp = model.model.layers[0].self_attn, model.model.layers[0].mlp
    inputs = torch.randn(1, 1, 32)
    with torch.inference_mode(), switch.decoding(rows=1):
        for owner, names in ((attention, ("q_proj", "k_proj", "v_proj")), (mlp, ("gate_proj", "up_proj"))):
            for name in reversed(names):  # any call order
                projection = getattr(owner, name)
                alone = nn.functional.linear(inputs.to(torch.bfloat16), projection.decode_weight).float()
                assert torch.equal(projection(inputs), alone)
    assert attention.q_proj.decode_weight.untyped_storage().data_ptr() == \
        attention.v_proj.decode_weight.untyped_storage().data_ptr()  # one copy, not three
    assert switch.nbytes == sum(m.weight.numel() * 2 for m in model.modules() if isinstance(m, DecodeLinear))
