"""The prefill queue of the ``hf`` engine: prompts waiting for their first token.

Scheduler thread only. Each :meth:`PrefillQueue.step` runs one chunk of the
oldest prompt into its own cache; after the last chunk it samples the first
token and hands the request over as :class:`Prefilled`.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from collections.abc import Callable, Iterable

import torch
from transformers import DynamicCache

from cadence.engines.base import EngineError, InvalidRequestError
from cadence.engines.hf_batch import prefill
from cadence.engines.hf_kv import new_cache
from cadence.engines.hf_loader import LoadedModel
from cadence.engines.hf_prefix import PrefixCache, cache_layers
from cadence.engines.hf_request import Job, ReplyState

logger = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False, slots=True)
class Prefilled:
    """A request whose prompt is in ``cache`` and whose first token is sampled."""

    job: Job
    reply: ReplyState
    cache: DynamicCache
    token: int


@dataclasses.dataclass(eq=False, slots=True)
class _Prompt:
    """A tokenized prompt being prefilled into its own cache."""

    reply: ReplyState
    ids: torch.Tensor
    cache: DynamicCache
    done: int = 0


@dataclasses.dataclass(eq=False, slots=True)
class _Waiting:
    job: Job
    prompt: _Prompt | None = None


def _tokenize(loaded: LoadedModel, job: Job, prefix: PrefixCache | None) -> _Prompt:
    """Tokenize the prompt, size the reply to the context, and start from
    the longest kept prefix (:mod:`cadence.engines.hf_prefix`).

    Raises:
        InvalidRequestError: the prompt is empty or fills the context.
    """
    request = job.request
    prompt_ids = loaded.tokenizer.encode(request.prompt)
    if not prompt_ids:
        raise InvalidRequestError("the prompt encodes to no tokens")
    room = loaded.max_model_len - len(prompt_ids)
    if room < 1:
        raise InvalidRequestError(
            f"the prompt has {len(prompt_ids)} tokens; the model's context holds {loaded.max_model_len}"
        )
    max_new = min(request.sampling.max_tokens, room)
    reply = ReplyState(prompt_ids, request, loaded.tokenizer, loaded.stop_token_ids, max_new, loaded.device)
    ids = torch.tensor([prompt_ids], dtype=torch.long, device=loaded.device)
    cache = prefix.lookup(prompt_ids) if prefix is not None else None
    if cache is None:
        return _Prompt(reply, ids, new_cache(loaded.model))
    reply.cached_tokens = cache.get_seq_length()
    return _Prompt(reply, ids, cache, reply.cached_tokens)


class PrefillQueue:
    """Jobs waiting for, or in the middle of, their prefill; oldest first."""

    def __init__(self, chunk_tokens: int, prefix: PrefixCache | None = None) -> None:
        self._chunk_tokens = chunk_tokens
        self._prefix = prefix
        self._waiting: collections.deque[_Waiting] = collections.deque()

    def __len__(self) -> int:
        return len(self._waiting)

    def extend(self, jobs: Iterable[Job]) -> None:
        """Queue ``jobs`` behind the others."""
        self._waiting.extend(_Waiting(job) for job in jobs)

    def jobs(self) -> list[Job]:
        """Every queued job, oldest first."""
        return [waiting.job for waiting in self._waiting]

    def drop_cancelled(self) -> None:
        """Forget cancelled jobs; what a half-done prefill processed is kept
        in the prefix cache."""
        self._drop(lambda waiting: waiting.job.cancelled)

    def _drop(self, leaves: Callable[[_Waiting], bool]) -> None:
        """Forget the jobs ``leaves`` picks, keeping what their prefill processed."""
        if any(leaves(waiting) for waiting in self._waiting):
            for waiting in self._waiting:
                prompt = waiting.prompt
                if leaves(waiting) and prompt is not None and prompt.done and self._prefix is not None:
                    layers = cache_layers(prompt.cache)
                    if layers is not None:
                        self._prefix.store(prompt.ids[0, : prompt.done].tolist(), layers)
            self._waiting = collections.deque(w for w in self._waiting if not leaves(w))

    def clear(self) -> None:
        """Forget every job."""
        self._waiting.clear()

    def step(self, loaded: LoadedModel) -> Prefilled | None:
        """Run one chunk of the oldest prompt (the oldest warm-up one only
        when no real prompt waits); return it once fully prefilled.

        A job that fails (bad prompt, backend error) gets an error through
        its ``emit`` and leaves the queue; backend errors are logged without
        the prompt.
        """
        if not self._waiting:
            return None
        head = next((w for w in self._waiting if not w.job.warm), self._waiting[0])
        if not head.job.warm and any(w.job.warm and w.prompt is not None for w in self._waiting):
            # A real prompt preempts started warm-ups: they leave the queue and
            # keep what they processed, which the real prompt reuses if it shares it.
            self._drop(lambda waiting: waiting.job.warm and waiting.prompt is not None)
        try:
            if head.prompt is None:
                head.prompt = _tokenize(loaded, head.job, self._prefix)
            prompt = head.prompt
            end = min(prompt.done + self._chunk_tokens, prompt.ids.shape[1])
            logits = prefill(
                loaded.model,
                prompt.cache,
                prompt.ids[:, prompt.done : end],
                prompt.done,
                keep_last_logits=loaded.keeps_last_logits,
            )
            prompt.done = end
            if end < prompt.ids.shape[1]:
                return None
            token = prompt.reply.sample(logits[0])
        except InvalidRequestError as exc:
            self._waiting.remove(head)
            head.job.emit(exc)
            return None
        except Exception as exc:
            logger.exception("hf prefill failed")
            self._waiting.remove(head)
            head.job.emit(EngineError(f"hf prefill failed: {type(exc).__name__}"))
            return None
        self._waiting.remove(head)
        return Prefilled(head.job, prompt.reply, prompt.cache, token)


__all__ = ["PrefillQueue", "Prefilled"]
