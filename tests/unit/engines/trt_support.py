"""Helpers of the ``trt`` engine tests: a word tokenizer, requests, collection."""

from __future__ import annotations

from cadence.engines.base import Delta, GenerationRequest, SamplingParams
from cadence.engines.hf_tokenizer import HFPromptTokenizer
from cadence.engines.trt import TRTEngine
from cadence.engines.trt_config import TRTEngineConfig

PROMPT = "<|im_start|>user hello there friend <|im_end|> <|im_start|>assistant"


class WordTokenizer:
    """A whitespace tokenizer with the calls ``HFPromptTokenizer`` makes."""

    chat_template = "{% for m in messages %}<|im_start|>{{ m['content'] }}<|im_end|>{% endfor %}"
    eos_token_id = 2

    def __init__(self) -> None:
        self.vocab = {"<|im_end|>": 5}

    def _id(self, word: str) -> int:
        return self.vocab.setdefault(word, len(self.vocab) + 10)

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        return [self._id(word) for word in text.split()]

    def convert_tokens_to_ids(self, token: str) -> int:
        return self._id(token)

    def convert_ids_to_tokens(self, token_id: int) -> str | None:
        return {v: k for k, v in self.vocab.items()}.get(token_id)


def load_words(config: TRTEngineConfig, source: str) -> HFPromptTokenizer:
    return HFPromptTokenizer(WordTokenizer())  # type: ignore[arg-type]


async def started(config: TRTEngineConfig) -> TRTEngine:
    engine = TRTEngine(config, tokenizer_loader=load_words)
    await engine.start()
    return engine


def request(rid: str = "r1", prompt: str = PROMPT, **sampling: object) -> GenerationRequest:
    return GenerationRequest(rid, prompt, SamplingParams(**{"max_tokens": 16, **sampling}))  # type: ignore[arg-type]


async def collect(engine: TRTEngine, req: GenerationRequest) -> list[Delta]:
    return [delta async for delta in engine.generate(req)]


def text_of(deltas: list[Delta]) -> str:
    return "".join(delta.text for delta in deltas)


__all__ = ["PROMPT", "WordTokenizer", "collect", "load_words", "request", "started", "text_of"]
