"""The ``trt`` engine: TensorRT-LLM's LLM API behind the ``ChatEngine`` interface.

By default the PyTorch backend (``tensorrt_llm.LLM``) serves a Hugging Face
or ModelOpt-quantized checkpoint (``TRT_CHECKPOINT_DIR``, else the chat
model) with no engine build; with ``TRT_ENGINE_DIR`` the TensorRT backend
(``tensorrt_llm._tensorrt_engine.LLM``) serves a prebuilt engine. KV block
reuse is on, so a session's next turn reuses its previous prompt's blocks;
``Usage.cached_prompt_tokens`` is ``RequestOutput.cached_tokens``, the
reused prompt tokens TensorRT-LLM reports (0 where a version does not).

Prompts are rendered and tokenized with the model's Hugging Face tokenizer
exactly as the ``hf`` and ``vllm`` engines do, and passed as token ids, so
``usage.prompt_tokens`` equals the tokenizer's ``count_rendered``.

Usage::

    engine = TRTEngine(trt_config_from_env(os.environ, "models/my-chat-model"))
    await engine.start()
    prompt = engine.tokenizer.render([ChatMessage("user", "Hi!")])
    async for delta in engine.generate(GenerationRequest("r1", prompt, params)):
        ...
    await engine.aclose()

TensorRT-LLM starts worker processes: scripts and servers that start it need
a ``__main__`` guard. Python 3.10 compatible (TensorRT-LLM's images).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from cadence.engines.base import Delta, EngineError, GenerationRequest, InvalidRequestError
from cadence.engines.checks import summary
from cadence.engines.hf_tokenizer import HFPromptTokenizer
from cadence.engines.trt_config import TRTEngineConfig, trt_config_from_env
from cadence.engines.trt_layout import RuntimeLimits, generation_eos_ids, resolve_limits, tokenizer_source
from cadence.engines.trt_params import llm_kwargs, to_trt_sampling
from cadence.engines.trt_request import RequestEntry, finish_within, translated
from cadence.engines.trt_start import create_llm, import_backend, load_tokenizer

log = logging.getLogger("cadence.engines.trt")

#: How long :meth:`TRTEngine.aclose` waits for ``LLM.shutdown()`` (it joins
#: TensorRT-LLM's workers) before giving up on it and returning.
SHUTDOWN_TIMEOUT_S = 60.0

TokenizerLoader = Callable[[TRTEngineConfig, str], HFPromptTokenizer]


class _State(enum.Enum):
    NEW = "new"
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"
    CLOSED = "closed"


class TRTEngine:
    """A :class:`~cadence.engines.base.ChatEngine` over TensorRT-LLM's ``LLM``.

    Lifecycle: :meth:`start` once, any number of concurrent :meth:`generate`
    calls from the event loop that started it, then :meth:`aclose`.
    """

    name = "trt"

    def __init__(self, config: TRTEngineConfig, *, tokenizer_loader: TokenizerLoader = load_tokenizer) -> None:
        """Keep ``config``; nothing is loaded before :meth:`start`."""
        self.config = config
        self._load_tokenizer = tokenizer_loader
        self._llm: Any = None
        self._sampling_cls: Any = None
        self._tokenizer: HFPromptTokenizer | None = None
        self._limits: RuntimeLimits | None = None
        self._stop_ids: frozenset[int] = frozenset()
        self._requests: dict[str, RequestEntry] = {}
        self._state = _State.NEW

    @property
    def tokenizer(self) -> HFPromptTokenizer:
        """The model's tokenizer (thread-safe).

        Raises:
            EngineError: :meth:`start` has not completed.
        """
        if self._tokenizer is None:
            raise EngineError("the trt engine is not started")
        return self._tokenizer

    @property
    def limits(self) -> RuntimeLimits:
        """The limits the engine runs with: the applied batch size, prompt and context lengths.

        Raises:
            EngineError: :meth:`start` has not resolved them yet.
        """
        if self._limits is None:
            raise EngineError("the trt engine is not started")
        return self._limits

    @property
    def max_model_len(self) -> int:
        """The context length (prompt plus reply) in tokens."""
        return self.limits.max_seq_len

    @property
    def max_prompt_tokens(self) -> int:
        """The longest prompt the server may send: ``max_input_len``, less if the
        context cannot also hold ``TRT_MAX_OUTPUT_LEN``."""
        limits = self.limits
        return min(limits.max_input_len, limits.max_seq_len - self.config.max_output_len)

    async def start(self) -> None:
        """Check the settings, load the tokenizer and create the ``LLM``.

        Idempotent once it has succeeded. The ``LLM`` is created in a worker
        thread, so the event loop keeps serving health checks meanwhile.

        Raises:
            EngineError: a bad setting or folder (every problem listed), a
                TensorRT-LLM without what the engine needs, or a failed start.
        """
        if self._state is _State.READY:
            return
        if self._state is not _State.NEW:
            raise EngineError(f"cannot start a trt engine that is {self._state.value}")
        self._state = _State.STARTING
        try:
            await self._start()
        except BaseException as exc:
            self._state = _State.FAILED
            await self._stop_llm()
            if isinstance(exc, EngineError) or not isinstance(exc, Exception):
                raise
            raise EngineError(f"cannot start TensorRT-LLM for {self.config.weights!r}: {summary(exc)}") from exc
        if self._state is _State.STARTING:
            self._state = _State.READY
        else:  # closed while starting
            await self._stop_llm()

    async def _start(self) -> None:
        limits, problems = resolve_limits(self.config)
        source = tokenizer_source(self.config)
        if problems or limits is None or source is None:
            raise EngineError("invalid TensorRT-LLM settings: " + "; ".join(problems))
        backend = import_backend(engine=self.config.backend == "tensorrt")
        tokenizer, eos = await asyncio.to_thread(self._tokenizer_and_eos, source)
        self._tokenizer, self._stop_ids = tokenizer, tokenizer.stop_token_ids(eos)
        kwargs = llm_kwargs(self.config, limits, tokenizer=source, kv_cache_cls=backend.kv_cache_cls,
                            llm_fields=backend.llm_fields)
        log.info(
            "starting TensorRT-LLM %s (%s backend): model=%s batch_size=%d/%d max_input_len=%d "
            "max_seq_len=%d dtype=%s kv_dtype=%s", backend.version, self.config.backend,
            self.config.weights, limits.batch_size, limits.max_batch_size, limits.max_input_len,
            limits.max_seq_len, self.config.dtype, self.config.kv_cache_dtype,
        )
        self._sampling_cls = backend.sampling_cls
        self._limits = limits
        self._llm = await create_llm(backend.llm_cls, kwargs)

    def _tokenizer_and_eos(self, source: str) -> tuple[HFPromptTokenizer, list[int]]:
        """The tokenizer and the generation config's EOS ids (blocking: file reads)."""
        return self._load_tokenizer(self.config, source), generation_eos_ids(source)

    def _ready(self) -> Any:
        if self._state is not _State.READY or self._llm is None:
            raise EngineError(f"the trt engine is {self._state.value}, not ready")
        return self._llm

    def _prepare(self, request: GenerationRequest) -> tuple[list[int], Any]:
        """The prompt's token ids and TensorRT-LLM sampling parameters.

        Raises:
            InvalidRequestError: bad sampling settings, or a prompt over
                ``max_input_len`` or leaving less than ``max_tokens`` of the context.
        """
        params = to_trt_sampling(request.sampling, self._stop_ids, self._sampling_cls)
        ids = self.tokenizer.encode(request.prompt)  # a few ms for the longest prompts
        limits = self.limits
        if len(ids) > limits.max_input_len:
            raise InvalidRequestError(
                f"the prompt is {len(ids)} tokens; the engine takes at most {limits.max_input_len}"
            )
        if len(ids) + request.sampling.max_tokens > limits.max_seq_len:
            raise InvalidRequestError(
                f"the prompt is {len(ids)} tokens; with max_tokens {request.sampling.max_tokens} "
                f"it exceeds the context of {limits.max_seq_len} tokens"
            )
        return ids, params

    async def generate(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        """Stream the reply to ``request``; see ``ChatEngine.generate``.

        Every exit (the final delta, an error, :meth:`abort`, the consumer
        cancelled, closing the iterator or dropping it) aborts the
        TensorRT-LLM request unless it finished: leaving TensorRT-LLM's own
        iteration would not.

        Raises:
            InvalidRequestError: empty prompt, bad sampling settings, a
                request id already running, or a prompt too long.
            EngineError: the engine is not running, was closed, or
                TensorRT-LLM failed.
        """
        llm = self._ready()
        if not request.prompt.strip():
            raise InvalidRequestError("the prompt is empty")
        request_id = request.request_id
        if request_id in self._requests:
            raise InvalidRequestError("a request with this id is already running")
        ids, params = self._prepare(request)
        entry = self._requests[request_id] = RequestEntry(len(ids), request.sampling.stop)
        try:
            with translated("submit the request"):
                entry.attach(llm.generate_async({"prompt_token_ids": ids}, sampling_params=params,
                                                streaming=True))
            while not entry.finished:
                step = await entry.receive()
                if step is None:
                    return
                delta = entry.translate(step)
                if delta is not None:
                    yield delta
        finally:
            entry.abort_backend()
            if self._requests.get(request_id) is entry:
                del self._requests[request_id]

    async def abort(self, request_id: str) -> None:
        """Stop ``request_id``; its stream ends with no final delta.

        Idempotent; a no-op for unknown or finished ids. The TensorRT-LLM
        request is aborted (``RequestOutput.abort()``) before this returns,
        and :meth:`running_requests` no longer counts it; the runtime frees
        its batch slot and KV blocks at its next iteration.
        """
        entry = self._requests.pop(request_id, None)
        if entry is not None:
            entry.stop(None)

    def running_requests(self) -> int:
        """Requests submitted and neither finished nor aborted (TensorRT-LLM's
        LLM API has no public count of its own)."""
        return len(self._requests)

    async def aclose(self) -> None:
        """Fail running requests with ``EngineError`` and shut TensorRT-LLM down.

        Idempotent. Waits up to :data:`SHUTDOWN_TIMEOUT_S` for
        ``LLM.shutdown()``; past that it returns and logs it.
        """
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        entries = list(self._requests.values())
        self._requests.clear()
        for entry in entries:
            entry.stop(EngineError("the trt engine was closed"))
        await asyncio.sleep(0)  # let consumers see their end
        await self._stop_llm()

    async def _stop_llm(self) -> None:
        llm, self._llm = self._llm, None
        if llm is None:
            return
        try:
            await finish_within(asyncio.to_thread(llm.shutdown), SHUTDOWN_TIMEOUT_S, "TensorRT-LLM shutdown")
        except Exception as exc:
            log.warning("TensorRT-LLM shutdown failed: %s", summary(exc))


__all__ = ["TRTEngine", "TRTEngineConfig", "trt_config_from_env"]
