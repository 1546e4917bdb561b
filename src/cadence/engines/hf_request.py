"""One request inside the ``hf`` engine: its handle and its reply state."""

from __future__ import annotations

import threading
from collections.abc import Callable

import torch

from cadence.engines.base import (
    Delta,
    EngineError,
    FinishReason,
    GenerationRequest,
    Usage,
)
from cadence.engines.hf_sampling import TokenSampler
from cadence.engines.hf_text import IncrementalDetokenizer, StopStringMatcher
from cadence.engines.hf_tokenizer import HFPromptTokenizer

Emit = Callable[[Delta | EngineError], bool]


class Job:
    """A request handed from the event loop to the scheduler thread.

    ``emit`` must be thread-safe (the engine wraps
    ``loop.call_soon_threadsafe``); the scheduler calls it with each delta,
    then once with the final delta or an :class:`EngineError`. It returns
    False when nobody can receive any more (the event loop is closed). After
    :meth:`cancel`, the scheduler drops the job before its next forward pass
    and emits nothing more.
    """

    __slots__ = ("_cancelled", "emit", "request", "warm")

    def __init__(self, request: GenerationRequest, emit: Emit, *, warm: bool = False) -> None:
        self.request = request
        self.emit = emit
        #: A warm-up prefill: prompts of real requests are prefilled first.
        self.warm = warm
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Ask the scheduler to drop this job. Idempotent, any thread."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()


class ReplyState:
    """Token bookkeeping of one reply; scheduler thread only.

    Holds the prompt and reply ids (for penalties), the sampler, the
    incremental detokenizer and the stop-string matcher, and turns each new
    token into what to emit.
    """

    def __init__(
        self,
        prompt_ids: list[int],
        request: GenerationRequest,
        tokenizer: HFPromptTokenizer,
        stop_token_ids: frozenset[int],
        max_new_tokens: int,
        device: torch.device,
    ) -> None:
        """Set up the reply; ``max_new_tokens`` already fits the context."""
        self.prompt_length = len(prompt_ids)
        self.max_new_tokens = max_new_tokens
        #: Prompt tokens whose KV came from the prefix cache (set by the prefill).
        self.cached_tokens = 0
        self.generated: list[int] = []
        self.finish_reason: FinishReason | None = None
        self._ids = torch.empty((1, self.prompt_length + max_new_tokens), dtype=torch.long, device=device)
        self._ids[0, : self.prompt_length] = torch.tensor(prompt_ids, dtype=torch.long)
        self._stop_token_ids = stop_token_ids
        self._sampler = TokenSampler(request.sampling, self.prompt_length, device)
        self._detokenizer = IncrementalDetokenizer(tokenizer.decode)
        self._stops = StopStringMatcher(request.sampling.stop)

    @property
    def finished(self) -> bool:
        """Whether the reply has ended (its final delta was returned)."""
        return self.finish_reason is not None

    def fed_ids(self) -> list[int]:
        """The tokens in this request's KV cache: the prompt and every
        generated token but the last (sampled, not yet fed back)."""
        count = self.prompt_length + max(0, len(self.generated) - 1)
        return [int(i) for i in self._ids[0, :count].tolist()]

    def sample(self, logits: torch.Tensor) -> int:
        """Pick the next token from ``logits`` (``[V]`` or ``[1, V]``)."""
        length = self.prompt_length + len(self.generated)
        return self._sampler(self._ids[:, :length], logits.reshape(1, -1))

    def accept(self, token_id: int) -> Delta | None:
        """Record ``token_id``; return the delta to emit, or ``None`` if none yet.

        The returned delta is final (``finish_reason`` and ``usage`` set)
        when the token is a stop token, completes a stop string, or reaches
        ``max_new_tokens``.
        """
        self._ids[0, self.prompt_length + len(self.generated)] = token_id
        self.generated.append(token_id)
        if token_id in self._stop_token_ids:
            return self._finish("stop", "")
        text = self._stops.feed(self._detokenizer.push(token_id))
        if self._stops.stopped:
            return self._finish("stop", text)
        if len(self.generated) >= self.max_new_tokens:
            return self._finish("length", text)
        return Delta(text) if text else None

    def _stop_string_found(self) -> bool:
        """Whether a stop string was found (a call, so checkers re-read it)."""
        return self._stops.stopped

    def _finish(self, reason: FinishReason, text: str) -> Delta:
        if not self._stops.stopped:
            text += self._stops.feed(self._detokenizer.flush())
            text += self._stops.flush()
            reason = "stop" if self._stop_string_found() else reason
        self.finish_reason = reason
        usage = Usage(prompt_tokens=self.prompt_length, completion_tokens=len(self.generated),
                      cached_prompt_tokens=self.cached_tokens)
        return Delta(text, finish_reason=reason, usage=usage)


__all__ = ["Emit", "Job", "ReplyState"]
