"""Left-padded batched decoding equals one-by-one decoding (tiny random model)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedModel

from cadence.engines.hf_batch import DecodeBatch, Row, is_mergeable, prefill
from cadence.engines.hf_kv import new_cache
from cadence.engines.hf_request import Job, ReplyState

ATOL = 1e-4


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Tiny matrices: one thread avoids OpenMP stalls on a shared CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def model() -> Any:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
    )
    model: Any = LlamaForCausalLM(config)  # type: ignore[no-untyped-call]
    return model.eval()


def fake_row() -> Row:
    return Row(cast(Job, None), cast(ReplyState, None))


class Solo:
    """Reference: one request decoded alone with its own cache."""

    def __init__(self, model: PreTrainedModel, prompt: list[int]) -> None:
        self.model = model
        self.cache = new_cache(model)
        ids = torch.tensor([prompt])
        self.logits = prefill(model, self.cache, ids, 0, keep_last_logits=True)[0]
        self.position = len(prompt)

    def token(self) -> int:
        return int(self.logits.argmax())

    def step(self, token: int) -> None:
        out = self.model(
            input_ids=torch.tensor([[token]]),
            position_ids=torch.tensor([[self.position]]),
            past_key_values=self.cache,
            use_cache=True,
        )
        self.logits = out.logits[0, -1]
        self.position += 1


def admit(batch: DecodeBatch, solo: Solo, model: PreTrainedModel, prompt: list[int]) -> None:
    cache = new_cache(model)
    prefill(model, cache, torch.tensor([prompt]), 0, keep_last_logits=True)
    assert batch.accepts(cache)
    batch.add(fake_row(), cache, solo.token())


def step_all(batch: DecodeBatch, solos: list[Solo], model: PreTrainedModel) -> None:
    logits = batch.step(model)
    tokens = []
    for index, solo in enumerate(solos):
        token = solo.token()
        solo.step(token)
        torch.testing.assert_close(logits[index], solo.logits, atol=ATOL, rtol=0)
        tokens.append(int(logits[index].argmax()))
    batch.set_next(tokens)


@torch.inference_mode()
def test_batched_rows_match_solo_decoding(model: PreTrainedModel) -> None:
    prompts = [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10], [11]]
    solos = [Solo(model, prompt) for prompt in prompts]
    batch = DecodeBatch(torch.device("cpu"))
    admit(batch, solos[0], model, prompts[0])
    step_all(batch, solos[:1], model)
    admit(batch, solos[1], model, prompts[1])  # joins a batch already decoding
    admit(batch, solos[2], model, prompts[2])
    assert len(batch) == 3
    for _ in range(4):
        step_all(batch, solos, model)
    batch.keep([False, True, True])  # the longest-lived row leaves
    for _ in range(3):
        step_all(batch, solos[1:], model)
    batch.keep([False, True])
    step_all(batch, solos[2:], model)
    batch.keep([False])
    assert len(batch) == 0


@torch.inference_mode()
def test_llama_cache_is_mergeable(model: PreTrainedModel) -> None:
    cache = new_cache(model)
    prefill(model, cache, torch.tensor([[1, 2]]), 0, keep_last_logits=False)
    assert is_mergeable(cache)
    assert cache.get_seq_length() == 2
