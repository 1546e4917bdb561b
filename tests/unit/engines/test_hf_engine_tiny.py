"""The hf engine end to end on a tiny random model saved to a temp folder.

No download: a 2-layer random Llama and a byte-level tokenizer built in
memory exercise loading, batching, abort, queueing and close quickly. The
text is gibberish; the real model is covered by tests/integration/hf.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from cadence.engines.base import (
    ChatMessage,
    Delta,
    EngineError,
    GenerationRequest,
    InvalidRequestError,
    SamplingParams,
    Usage,
)
from cadence.engines.hf import HFEngine
from cadence.engines.hf_config import HFEngineConfig
from cadence.engines.hf_loader import load_model
from cadence.engines.hf_prefill import PrefillQueue
from cadence.engines.hf_prefix import PrefixCache
from cadence.engines.hf_request import Job

TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
GREEDY = SamplingParams(temperature=0.0, max_tokens=6)


def save_tiny_model(folder: Path, *, always_eos: bool = False) -> None:
    """A random 2-layer Llama; ``always_eos`` zeroes its head so greedy picks id 0, EOS."""
    vocab = {"<|im_end|>": 0, "<|im_start|>": 1}
    for char in sorted(pre_tokenizers.ByteLevel.alphabet()):
        vocab[char] = len(vocab)
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    tokenizer: Any = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=backend,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        chat_template=TEMPLATE,
    )
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        eos_token_id=vocab["<|im_end|>"],
    )
    model: Any = LlamaForCausalLM(config)  # type: ignore[no-untyped-call]
    if always_eos:
        with torch.no_grad():
            model.lm_head.weight.zero_()
    model.save_pretrained(folder)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-llama")
    save_tiny_model(folder)
    return folder


@pytest_asyncio.fixture
async def engine(tiny_dir: Path) -> AsyncIterator[HFEngine]:
    hf = HFEngine(HFEngineConfig(model=str(tiny_dir), device="cpu", max_batch_size=2, cpu_threads=1))
    await hf.start()
    yield hf
    await hf.aclose()


def request(engine: HFEngine, request_id: str, text: str = "hello", **kw: Any) -> GenerationRequest:
    params = GREEDY._replace(**kw)
    return GenerationRequest(request_id, engine.tokenizer.render([ChatMessage("user", text)]), params)


async def collect(engine: HFEngine, req: GenerationRequest) -> list[Delta]:
    return [delta async for delta in engine.generate(req)]


async def test_generates_with_usage(engine: HFEngine) -> None:
    req = request(engine, "a", max_tokens=5)
    deltas = await collect(engine, req)
    usage = deltas[-1].usage
    assert usage is not None
    assert usage.prompt_tokens == engine.tokenizer.count_rendered(req.prompt)
    assert 1 <= usage.completion_tokens <= 5
    assert engine.running_requests() == 0


async def test_more_requests_than_rows_queue_and_all_finish(engine: HFEngine) -> None:
    requests = [request(engine, f"r{i}", f"prompt number {i}") for i in range(5)]
    results = await asyncio.gather(*(collect(engine, req) for req in requests))
    for deltas in results:
        assert deltas[-1].finish_reason in ("stop", "length")


async def test_batching_does_not_change_greedy_text(engine: HFEngine) -> None:
    alone = [await collect(engine, request(engine, f"s{i}", f"text {i}!")) for i in range(3)]
    together = await asyncio.gather(
        *(collect(engine, request(engine, f"t{i}", f"text {i}!")) for i in range(3))
    )
    for solo, batched in zip(alone, together, strict=True):
        assert "".join(d.text for d in solo) == "".join(d.text for d in batched)


async def test_abort_ends_stream_and_frees_the_row(engine: HFEngine) -> None:
    stream = engine.generate(request(engine, "long", max_tokens=200))
    await anext(stream)
    await engine.abort("long")
    assert engine.running_requests() == 0
    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    assert (await collect(engine, request(engine, "after")))[-1].usage is not None


async def test_aclose_fails_running_streams(tiny_dir: Path) -> None:
    hf = HFEngine(HFEngineConfig(model=str(tiny_dir), device="cpu", warmup=False))
    await hf.start()
    stream = hf.generate(request(hf, "x", max_tokens=200))
    await anext(stream)
    await hf.aclose()
    with pytest.raises(EngineError, match="closed"):
        await anext(stream)
    assert hf.running_requests() == 0
    with pytest.raises(EngineError):
        await collect(hf, request(hf, "y"))


async def test_stop_token_ends_with_stop(tmp_path: Path) -> None:
    save_tiny_model(tmp_path, always_eos=True)
    hf = HFEngine(HFEngineConfig(model=str(tmp_path), device="cpu", warmup=False))
    await hf.start()
    try:
        deltas = await collect(hf, request(hf, "z", max_tokens=50))
    finally:
        await hf.aclose()
    usage = deltas[-1].usage
    assert usage is not None
    assert deltas == [Delta("", "stop", Usage(usage.prompt_tokens, 1))]


async def test_invalid_requests(engine: HFEngine) -> None:
    with pytest.raises(InvalidRequestError):
        await collect(engine, GenerationRequest("e", " ", GREEDY))
    with pytest.raises(InvalidRequestError, match="context"):
        await collect(engine, request(engine, "big", "x" * 400))


async def test_a_warmed_prompt_is_reused_and_not_counted_as_running(engine: HFEngine) -> None:
    persona = engine.tokenizer.render([ChatMessage("system", "a persona " * 12)])
    before = engine.stats().prefix_cache.entries
    engine.warm(persona)
    assert engine.running_requests() == 0
    for _ in range(400):
        if engine.stats().prefix_cache.entries > before:
            break
        await asyncio.sleep(0.01)
    prompt = engine.tokenizer.render([ChatMessage("system", "a persona " * 12), ChatMessage("user", "hi")])
    deltas = await collect(engine, GenerationRequest("after-warm", prompt, GREEDY))
    usage = deltas[-1].usage
    assert usage is not None and usage.cached_prompt_tokens >= engine.tokenizer.count_rendered(persona) - 12


def test_real_prompts_are_prefilled_before_warm_ups(tiny_dir: Path) -> None:
    loaded = load_model(HFEngineConfig(model=str(tiny_dir), device="cpu", warmup=False))
    queue = PrefillQueue(chunk_tokens=8)
    emitted: list[object] = []
    warm = Job(GenerationRequest("w", loaded.tokenizer.render([ChatMessage("user", "x" * 40)]), GREEDY),
               emitted.append, warm=True)
    real = Job(GenerationRequest("r", loaded.tokenizer.render([ChatMessage("user", "y")]), GREEDY),
               emitted.append)
    queue.extend([warm, real])
    with torch.inference_mode():
        done = [queue.step(loaded) for _ in range(3)]
        finished = [item.job for item in done if item is not None]
        assert finished[:1] == [real]  # the real prompt first, though it came second
        while len(queue):
            item = queue.step(loaded)
            finished += [item.job] if item is not None else []
    assert finished == [real, warm] and emitted == []


def test_a_real_prompt_preempts_a_started_warm_up_and_reuses_its_work(tiny_dir: Path) -> None:
    loaded = load_model(HFEngineConfig(model=str(tiny_dir), device="cpu", warmup=False))
    prefix = PrefixCache(64 * 1024 * 1024)
    queue = PrefillQueue(chunk_tokens=8, prefix=prefix)
    persona = [ChatMessage("system", "z" * 40)]
    warm = Job(GenerationRequest("w", loaded.tokenizer.render(persona), GREEDY), lambda item: True, warm=True)
    real_prompt = loaded.tokenizer.render([*persona, ChatMessage("user", "hi")])
    replies: list[object] = []
    real = Job(GenerationRequest("r", real_prompt, GREEDY), replies.append)
    queue.extend([warm])
    with torch.inference_mode():
        assert queue.step(loaded) is None  # the warm-up has begun (8 tokens)
        queue.extend([real])
        done = None
        while done is None:
            done = queue.step(loaded)
    assert done.job is real and len(queue) == 0  # the warm-up left the queue
    assert done.reply.cached_tokens == 8  # ...and the real prompt reused what it processed
