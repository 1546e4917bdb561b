"""``PromptTokenizer`` over a Hugging Face tokenizer, plus stop-token discovery."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from transformers import PreTrainedTokenizerBase

from cadence.engines.base import ChatMessage, EngineError, InvalidRequestError, join_same_role

#: End-of-turn markers of common chat templates. One counts as a stop token
#: for a model when its chat template uses it and it is a single token.
END_OF_TURN_MARKERS = (
    "<|im_end|>",
    "<|eot_id|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|end_of_text|>",
    "<|return|>",
    "</s>",
)


class HFPromptTokenizer:
    """Token counting, truncation and chat rendering for one HF tokenizer.

    Thread-safe: every call into the wrapped tokenizer holds one lock (fast
    tokenizers raise "Already borrowed" when used from two threads at once).
    Calls are CPU work; the event loop should only make short ones.

    A prompt made by :meth:`render` already holds the template's special
    tokens, so it is encoded with ``add_special_tokens=False``; the engine
    encodes prompts the same way, so :meth:`count_rendered` equals the
    ``prompt_tokens`` the engine reports.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerBase, chat_template: str | None = None) -> None:
        """Wrap ``tokenizer``; ``chat_template`` overrides the model's own.

        Raises:
            EngineError: the tokenizer has no chat template and none is given.
        """
        if chat_template is None and not tokenizer.chat_template:
            raise EngineError(
                "the model's tokenizer has no chat template: use an instruct/chat "
                "model or configure a chat template"
            )
        self._tokenizer = tokenizer
        self._chat_template = chat_template
        self._lock = threading.Lock()

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` with no special tokens added."""
        with self._lock:
            ids = self._tokenizer.encode(text, add_special_tokens=False)
        return [int(i) for i in ids]

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``, special tokens skipped, spaces not cleaned up."""
        with self._lock:
            text = self._tokenizer.decode(
                list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False
            )
        return str(text)

    def count(self, text: str) -> int:
        """Return the number of tokens ``text`` encodes to (no special tokens)."""
        return len(self.encode(text))

    def tail(self, text: str, max_tokens: int) -> str:
        """Return the longest end of ``text`` that encodes to <= ``max_tokens``.

        Cuts at a token boundary of ``text``'s own encoding, then checks the
        re-encoded tail (BPE merges can differ at the cut) and moves the cut
        right until it fits.
        """
        if max_tokens <= 0:
            return ""
        with self._lock:
            encoding = self._tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        offsets: list[tuple[int, int]] = encoding["offset_mapping"]
        index = len(offsets) - max_tokens
        if index <= 0:
            return text
        while index < len(offsets):
            candidate = text[offsets[index][0] :]
            if self.count(candidate) <= max_tokens:
                return candidate
            index += 1
        return ""

    def render(self, messages: Sequence[ChatMessage]) -> str:
        """Render ``messages`` with the chat template and a generation prompt;
        runs of one role are joined with a blank line first.

        Raises:
            InvalidRequestError: the template refused the messages (for
                example roles that do not alternate); the message is the
                template's own and holds no message content.
        """
        conversation = [{"role": m.role, "content": m.content} for m in join_same_role(messages)]
        try:
            with self._lock:
                rendered = self._tokenizer.apply_chat_template(
                    conversation,
                    chat_template=self._chat_template,
                    add_generation_prompt=True,
                    tokenize=False,
                )
        except Exception as exc:  # a template's own raise_exception(), usually
            raise InvalidRequestError(
                f"the chat template rejected the messages: {type(exc).__name__}: {str(exc)[:200]}"
            ) from exc
        if not isinstance(rendered, str):  # pragma: no cover - tokenize=False
            raise EngineError("the chat template did not render to text")
        return rendered

    def count_rendered(self, prompt: str) -> int:
        """Return the token count of a prompt produced by :meth:`render`."""
        return len(self.encode(prompt))

    def stop_token_ids(self, eos_token_ids: Iterable[int]) -> frozenset[int]:
        """Token ids that end a reply.

        The union of ``eos_token_ids`` (from the generation config), the
        tokenizer's EOS and every :data:`END_OF_TURN_MARKERS` entry that the
        chat template uses and that is one token of this vocabulary.
        """
        ids = set(eos_token_ids)
        with self._lock:
            if self._tokenizer.eos_token_id is not None:
                ids.add(int(self._tokenizer.eos_token_id))
            template = self._chat_template or self._tokenizer.chat_template or ""
            for marker in END_OF_TURN_MARKERS:
                if marker not in str(template):
                    continue
                token_id = self._tokenizer.convert_tokens_to_ids(marker)
                if isinstance(token_id, int) and (self._tokenizer.convert_ids_to_tokens(token_id) == marker):
                    ids.add(token_id)
        return frozenset(ids)


__all__ = ["END_OF_TURN_MARKERS", "HFPromptTokenizer"]
