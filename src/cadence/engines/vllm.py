"""The ``vllm`` engine: vLLM's V1 ``AsyncLLM`` behind the ``ChatEngine`` interface.

vLLM runs the model in its own processes (an engine core, and workers); this
process keeps the front end: tokenization, one output mailbox per request,
detokenization. Prefix caching is on, so a session's next turn reuses the KV
blocks of its previous prompt (``Usage.cached_prompt_tokens`` is vLLM's own
count). Every request ends in exactly one of: a final delta, silence after
:meth:`VLLMEngine.abort`, or an :class:`~cadence.engines.base.EngineError`.

Usage::

    engine = VLLMEngine(VLLMEngineConfig(model="models/smollm2-135m-instruct"))
    await engine.start()
    prompt = engine.tokenizer.render([ChatMessage("user", "Hi!")])
    async for delta in engine.generate(GenerationRequest("r1", prompt, params)):
        ...
    await engine.aclose()

Scripts and servers that start it need a ``__main__`` guard: vLLM starts its
worker processes with ``spawn``, which re-imports the main module.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import AsyncIterator
from typing import Any

from vllm.v1.engine.async_llm import AsyncLLM

from cadence.engines.base import Delta, EngineError, GenerationRequest, InvalidRequestError
from cadence.engines.checks import summary
from cadence.engines.hf_tokenizer import HFPromptTokenizer
from cadence.engines.vllm_cache import CacheResetStats, PrefixCacheJanitor
from cadence.engines.vllm_config import VLLMEngineConfig
from cadence.engines.vllm_params import engine_args, to_vllm_sampling
from cadence.engines.vllm_procs import ProcessWatch
from cadence.engines.vllm_quant import Quantization, detect_quantization
from cadence.engines.vllm_request import Phase, RequestEntry, abort_in_vllm, submit
from cadence.engines.vllm_start import create_llm, load_tokenizer, on_gpu, translated

log = logging.getLogger("cadence.engines.vllm")

#: How long :meth:`VLLMEngine.aclose` waits for vLLM's processes to exit
#: after ``AsyncLLM.shutdown()`` (which SIGKILLs them after its own 5 s).
PROCESS_EXIT_TIMEOUT_S = 10.0


class _State(enum.Enum):
    NEW = "new"
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"
    CLOSED = "closed"


class VLLMEngine:
    """A :class:`~cadence.engines.base.ChatEngine` over vLLM's ``AsyncLLM``.

    Lifecycle: :meth:`start` once, any number of concurrent :meth:`generate`
    calls from the event loop that started it, then :meth:`aclose`. The
    output queues have no backpressure: each is bounded by the request's
    ``max_tokens`` and vLLM merges what the consumer has not read yet.
    """

    name = "vllm"

    def __init__(self, config: VLLMEngineConfig) -> None:
        """Keep ``config``; nothing is loaded before :meth:`start`."""
        self.config = config
        self.quantization: Quantization | None = None
        self._llm: AsyncLLM | None = None
        self._tokenizer: HFPromptTokenizer | None = None
        self._stop_ids: frozenset[int] = frozenset()
        self._tok_params: Any = None
        self._requests: dict[str, RequestEntry] = {}
        self._state = _State.NEW
        self._procs = ProcessWatch()
        self._janitor = PrefixCacheJanitor(self.running_requests, self._reset_prefix_cache)

    @property
    def tokenizer(self) -> HFPromptTokenizer:
        """The model's tokenizer (thread-safe).

        Raises:
            EngineError: :meth:`start` has not completed.
        """
        if self._tokenizer is None:
            raise EngineError("the vllm engine is not started")
        return self._tokenizer

    @property
    def max_model_len(self) -> int:
        """The context length vLLM settled on (after KV-cache fitting).

        Raises:
            EngineError: :meth:`start` has not created the vLLM engine yet.
        """
        if self._llm is None:
            raise EngineError("the vllm engine is not started")
        return int(self._llm.model_config.max_model_len)

    @property
    def max_prompt_tokens(self) -> int:
        """``max_model_len - max_out``: the longest prompt the server may send."""
        return self.max_model_len - self.config.max_out

    @property
    def cache_resets(self) -> CacheResetStats:
        """Counters of prefix-cache resets (see :mod:`cadence.engines.vllm_cache`)."""
        return self._janitor.stats

    async def start(self) -> None:
        """Start vLLM's engine processes and load the tokenizer.

        Idempotent once it has succeeded. Engine creation runs in a worker
        thread, so the event loop keeps serving health checks meanwhile.

        Raises:
            EngineError: a bad configuration, or vLLM failed to start.
        """
        if self._state is _State.READY:
            return
        if self._state is not _State.NEW:
            raise EngineError(f"cannot start a vllm engine that is {self._state.value}")
        self._state = _State.STARTING
        try:
            await self._start()
        except BaseException as exc:
            self._state = _State.FAILED
            await self._stop_vllm()
            if isinstance(exc, EngineError) or not isinstance(exc, Exception):
                raise
            raise EngineError(f"cannot start vLLM for {self.config.model!r}: {summary(exc)}") from exc
        if self._state is _State.STARTING:
            self._state = _State.READY
        else:  # closed while starting
            await self._stop_vllm()

    async def _start(self) -> None:
        try:
            self.quantization = detect_quantization(self.config)
        except ValueError as exc:
            raise EngineError(str(exc)) from exc
        args = engine_args(self.config, self.quantization, on_gpu=on_gpu())
        log.info(
            "starting vLLM: model=%s quantization=%s (%s) dtype=%s",
            self.config.model, self.quantization.method, self.quantization.source, args.dtype,
        )
        self._tokenizer = await asyncio.to_thread(load_tokenizer, self.config)
        self._stop_ids = self._tokenizer.stop_token_ids(())
        self._procs.before()
        self._llm = await create_llm(args)
        self._procs.after()
        await self._llm.get_supported_tasks()  # cached: add_request then never waits on it
        defaults = self._llm.renderer.default_cmpl_tok_params
        self._tok_params = defaults.with_kwargs(add_special_tokens=False)
        if self.max_prompt_tokens < 1:
            raise EngineError(
                f"max_model_len {self.max_model_len} leaves no room for prompts "
                f"after CHAT_MAX_OUT={self.config.max_out}"
            )

    def _ready(self) -> AsyncLLM:
        if self._state is not _State.READY or self._llm is None:
            raise EngineError(f"the vllm engine is {self._state.value}, not ready")
        return self._llm

    async def generate(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        """Stream the reply to ``request``; see ``ChatEngine.generate``.

        The prompt is tokenized exactly as rendered (no special tokens
        added), so ``usage.prompt_tokens`` equals the tokenizer's
        ``count_rendered``. Closing or cancelling the iterator aborts the
        vLLM request.

        Raises:
            InvalidRequestError: empty prompt, bad sampling settings, a
                request id already running, or a prompt that leaves less
                than ``max_tokens`` of the context.
            EngineError: the engine is not running or vLLM failed.
        """
        llm = self._ready()
        if not request.prompt.strip():
            raise InvalidRequestError("the prompt is empty")
        params = to_vllm_sampling(request.sampling, self._stop_ids)
        request_id = request.request_id
        if request_id in self._requests:
            raise InvalidRequestError("a request with this id is already running")
        entry = self._requests[request_id] = RequestEntry()
        finished = False
        try:
            queue = await submit(llm, request, params, entry, self._tok_params)
            while queue is not None:
                with translated("generate"):
                    output = queue.get_nowait() or await queue.get()
                delta = entry.translate(output)
                finished = bool(output.finished)
                if delta is not None:
                    yield delta
                if finished or entry.stopped:
                    return
        finally:
            entry.settled.set()
            if self._requests.get(request_id) is entry:
                del self._requests[request_id]
            if entry.submitted and not finished and self._llm is not None:
                await abort_in_vllm(self._llm, request_id)

    async def abort(self, request_id: str) -> None:
        """Stop ``request_id``; its stream ends with no final delta.

        Idempotent; a no-op for unknown or finished ids. A request still
        being tokenized is never submitted; one being submitted is aborted
        as soon as vLLM holds it. On return vLLM no longer counts it, so
        :meth:`running_requests` does not either.
        """
        entry = self._requests.pop(request_id, None)
        if entry is None:
            return
        entry.phase = Phase.ABORTED
        await entry.settled.wait()
        if entry.submitted and self._llm is not None:
            await abort_in_vllm(self._llm, request_id)

    def running_requests(self) -> int:
        """Requests vLLM has not finished, plus those still being tokenized.

        The first term is vLLM's own count (its output processor's
        unfinished requests), so an abort that did not reach vLLM shows.
        """
        llm = self._llm
        in_vllm = llm.get_num_unfinished_requests() if llm is not None else 0
        rendering = sum(1 for e in self._requests.values() if e.phase is Phase.RENDERING)
        return int(in_vllm) + rendering

    def vllm_unfinished_requests(self) -> int:
        """vLLM's own count of unfinished requests (0 when not running)."""
        llm = self._llm
        return int(llm.get_num_unfinished_requests()) if llm is not None else 0

    async def _reset_prefix_cache(self) -> bool:
        return bool(await self._ready().reset_prefix_cache())

    async def reset_prefix_cache_if_idle(self) -> bool:
        """Reset the prefix cache if nothing runs; True if vLLM confirmed it (counted)."""
        return await self._janitor.reset_if_idle()

    async def reset_prefix_cache_when_idle(self, interval_s: float) -> None:
        """Every ``interval_s`` (``CACHE_RESET_INTERVAL_SECONDS``), reset if idle.

        Runs until cancelled: run it as a task owned by the server, and
        cancel and await it before :meth:`aclose`.

        Raises:
            ValueError: ``interval_s`` is not positive.
        """
        await self._janitor.run(interval_s)

    async def aclose(self) -> None:
        """Fail running requests with ``EngineError`` and shut vLLM down.

        Idempotent. vLLM's engine processes are terminated (killed after
        vLLM's own grace period) before this returns.
        """
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        entries = list(self._requests.items())
        self._requests.clear()
        for _, entry in entries:
            entry.phase = Phase.CLOSED
        llm = self._llm
        if llm is not None:
            submitted = [rid for rid, entry in entries if entry.submitted]
            if submitted:
                with contextlib.suppress(Exception):
                    await llm.abort(submitted)
            await asyncio.sleep(0)  # let consumers see their end
        await self._stop_vllm()

    async def _stop_vllm(self) -> None:
        """Shut vLLM down and wait for its processes to be gone.

        ``AsyncLLM.shutdown()`` runs on the event loop (it closes the loop's
        ZMQ sockets) and blocks it for up to vLLM's 5 s grace period.
        """
        llm, self._llm = self._llm, None
        if llm is not None:
            try:
                llm.shutdown()
            except Exception as exc:
                log.warning("vLLM shutdown failed: %s", summary(exc))
        await self._procs.wait_gone(PROCESS_EXIT_TIMEOUT_S)


__all__ = ["VLLMEngine", "VLLMEngineConfig"]
