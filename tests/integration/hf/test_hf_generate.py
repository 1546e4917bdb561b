"""What the hf engine generates on SmolLM2: text, sampling, stops, usage."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import torch
from hf_helpers import request, run, text_of
from transformers import AutoModelForCausalLM, AutoTokenizer

from cadence.engines.hf import HFEngine

pytestmark = [pytest.mark.hf, pytest.mark.slow]

CAPITAL = "What is the capital of France?"
STORY = "Tell me a story."


async def test_reply_is_english_text(engine: HFEngine) -> None:
    deltas = await run(engine, request(engine, CAPITAL))
    text = text_of(deltas)
    assert re.search(r"[A-Za-z]{3,}( [A-Za-z]{2,})+", text), text
    assert "Paris" in text
    assert deltas[-1].finish_reason == "stop"  # the model's <|im_end|>
    assert "<|im_end|>" not in text
    assert all(d.finish_reason is None and d.usage is None for d in deltas[:-1])


async def test_usage_counts_prompt_and_reply_tokens(engine: HFEngine, smollm2_dir: Path) -> None:
    req = request(engine, CAPITAL, max_tokens=4)
    deltas = await run(engine, req)
    usage = deltas[-1].usage
    assert usage is not None
    reference = AutoTokenizer.from_pretrained(smollm2_dir, local_files_only=True)
    assert usage.prompt_tokens == len(reference(req.prompt)["input_ids"])
    assert usage.prompt_tokens == engine.tokenizer.count_rendered(req.prompt)
    assert usage.completion_tokens == 4
    # The chat template's system prefix is shared with the warm-up requests, so
    # part of the prompt comes from the prefix cache; the last token never does.
    assert 0 <= usage.cached_prompt_tokens < usage.prompt_tokens


async def test_max_tokens_ends_with_length(engine: HFEngine) -> None:
    deltas = await run(engine, request(engine, STORY, max_tokens=3))
    assert deltas[-1].finish_reason == "length"
    assert deltas[-1].usage is not None
    assert deltas[-1].usage.completion_tokens == 3
    assert text_of(deltas)


async def test_greedy_matches_transformers_generate(engine: HFEngine, smollm2_dir: Path) -> None:
    req = request(engine, STORY, max_tokens=10)
    first, second = text_of(await run(engine, req)), text_of(await run(engine, req))
    assert first == second
    tokenizer = AutoTokenizer.from_pretrained(smollm2_dir, local_files_only=True)
    model: Any = AutoModelForCausalLM.from_pretrained(smollm2_dir, local_files_only=True)
    inputs = tokenizer(req.prompt, add_special_tokens=False, return_tensors="pt")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the engine; 2 threads stall on a shared CPU
    try:
        with torch.inference_mode():
            output = model.generate(**inputs, max_new_tokens=10, do_sample=False)
    finally:
        torch.set_num_threads(threads)
    expected = tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
    assert first == expected


async def test_seeded_sampling_is_reproducible(engine: HFEngine) -> None:
    seeded = request(engine, STORY, temperature=1.0, seed=7, max_tokens=10)
    assert text_of(await run(engine, seeded)) == text_of(await run(engine, seeded))


async def test_top_k_one_samples_like_greedy(engine: HFEngine) -> None:
    greedy = text_of(await run(engine, request(engine, STORY, max_tokens=8)))
    top1 = request(engine, STORY, temperature=1.5, top_k=1, max_tokens=8)
    assert text_of(await run(engine, top1)) == greedy


async def test_frequency_penalty_reaches_the_sampler(engine: HFEngine) -> None:
    greedy = text_of(await run(engine, request(engine, STORY, max_tokens=16)))
    penalized = request(engine, STORY, frequency_penalty=2.0, max_tokens=16)
    assert text_of(await run(engine, penalized)) != greedy


async def test_stop_string_ends_the_reply(engine: HFEngine) -> None:
    greedy = text_of(await run(engine, request(engine, CAPITAL)))
    cut = greedy.index("France")
    deltas = await run(engine, request(engine, CAPITAL, stop=("France",)))
    assert text_of(deltas) == greedy[:cut]
    assert deltas[-1].finish_reason == "stop"


async def test_non_ascii_reply_has_no_broken_characters(engine: HFEngine) -> None:
    deltas = await run(engine, request(engine, "Repeat exactly: café naïve 日本語 🙂", max_tokens=10))
    text = text_of(deltas)
    assert "café" in text
    assert all("\ufffd" not in d.text for d in deltas)
