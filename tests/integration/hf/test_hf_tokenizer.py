"""HFPromptTokenizer and the incremental detokenizer on SmolLM2's tokenizer."""

from __future__ import annotations

import pytest

from cadence.engines.base import ChatMessage, PromptTokenizer
from cadence.engines.hf import HFEngine
from cadence.engines.hf_text import IncrementalDetokenizer

pytestmark = [pytest.mark.hf, pytest.mark.slow]

TEXT = "Hello there! café naïve 日本語 🙂 — done."


def test_is_a_prompt_tokenizer(engine: HFEngine) -> None:
    assert isinstance(engine.tokenizer, PromptTokenizer)


def test_incremental_detokenizer_rebuilds_non_ascii_text(engine: HFEngine) -> None:
    tokenizer = engine.tokenizer
    ids = tokenizer.encode(TEXT)
    assert len(ids) > len(TEXT.split())  # multi-byte characters span tokens
    detokenizer = IncrementalDetokenizer(tokenizer.decode)
    pieces = [detokenizer.push(token) for token in ids] + [detokenizer.flush()]
    assert "".join(pieces) == TEXT
    assert not any("\ufffd" in piece for piece in pieces)


def test_count_and_tail(engine: HFEngine) -> None:
    tokenizer = engine.tokenizer
    total = tokenizer.count(TEXT)
    assert tokenizer.tail(TEXT, total) == TEXT
    assert tokenizer.tail(TEXT, 0) == ""
    for budget in (1, 3, 7):
        tail = tokenizer.tail(TEXT, budget)
        assert TEXT.endswith(tail)
        assert 0 < tokenizer.count(tail) <= budget


def test_render_uses_the_chat_template(engine: HFEngine) -> None:
    tokenizer = engine.tokenizer
    prompt = tokenizer.render([ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")])
    assert prompt.startswith("<|im_start|>system\nBe brief.<|im_end|>")
    assert prompt.endswith("<|im_start|>assistant\n")
    assert tokenizer.count_rendered(prompt) == len(tokenizer.encode(prompt))
