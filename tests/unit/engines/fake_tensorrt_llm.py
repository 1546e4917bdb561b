"""A small fake of the TensorRT-LLM LLM API surface the ``trt`` engine uses.

Written from TensorRT-LLM 1.x's documentation and sources
(``tensorrt_llm/llmapi/llm.py``, ``llm_args.py``, ``sampling_params.py``,
``executor/result.py``, ``examples/llm-api/llm_inference_async_streaming.py``):

- ``LLM(model, tokenizer=None, ..., **kwargs)``; ``tensorrt_llm.LLM`` is the
  PyTorch backend, ``tensorrt_llm._tensorrt_engine.LLM`` the TensorRT one;
- ``LLM.generate_async(inputs, sampling_params, streaming=True)`` returns a
  ``RequestOutput`` that is its own async iterator: every step updates it in
  place (cumulative ``outputs[0].text`` and ``token_ids``) and yields it
  again; ``finished`` turns true with the last step;
- ``RequestOutput.abort()`` cancels the request: the runtime then sends a
  last step with ``finish_reason == "cancelled"``; merely leaving the
  iteration aborts nothing;
- a stop string is cut from the text, the result aborts itself and finishes
  with ``"stop"``;
- ``SamplingParams`` is a keyword-only dataclass validating temperature,
  top_p and top_k; ``KvCacheConfig`` a model of keyword fields;
- ``RequestOutput.cached_tokens``: prompt tokens reused from the KV cache.

The fake records constructor arguments, submitted requests, aborts and
shutdowns. :func:`install` puts fresh modules into ``sys.modules``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.machinery
import itertools
import sys
import types
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar


@dataclasses.dataclass(kw_only=True)
class SamplingParams:
    """The documented fields the adapter may set (None: runtime default)."""

    end_id: int | None = None
    max_tokens: int = 32
    stop: str | list[str] | None = None
    stop_token_ids: list[int] | None = None
    include_stop_str_in_output: bool = False
    n: int = 1
    top_k: int | None = None
    top_p: float | None = None
    seed: int | None = None
    temperature: float | None = None
    repetition_penalty: float | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    min_p: float | None = None
    detokenize: bool = True
    add_special_tokens: bool = True
    skip_special_tokens: bool = True

    def __post_init__(self) -> None:
        if self.top_p is not None and not 0 <= self.top_p <= 1:
            raise ValueError(f"require 0 <= top_p <= 1, got top_p={self.top_p}")
        if self.top_k is not None and self.top_k < 0:
            raise ValueError(f"require top_k >= 0, got top_k={self.top_k}")
        if self.temperature is not None and self.temperature < 0:
            raise ValueError(f"require temperature >= 0, got temperature={self.temperature}")


@dataclasses.dataclass(kw_only=True)
class KvCacheConfig:
    enable_block_reuse: bool = True
    max_tokens: int | None = None
    free_gpu_memory_fraction: float | None = 0.9
    dtype: str = "auto"


@dataclasses.dataclass
class CompletionOutput:
    index: int
    text: str = ""
    token_ids: list[int] = dataclasses.field(default_factory=list)
    finish_reason: str | None = None
    stop_reason: int | str | None = None
    _last_text_len: int = 0

    @property
    def text_diff(self) -> str:
        return self.text[self._last_text_len:]


@dataclasses.dataclass
class Plan:
    """What one request streams: a text piece per step (one token each).

    ``error`` is raised at step ``error_at``; ``manual`` makes each step
    wait for :meth:`RequestOutput.release`.
    """

    pieces: list[str] = dataclasses.field(default_factory=lambda: ["tok "] * 4)
    finish_reason: str = "length"
    cached_tokens: int = 0
    error: BaseException | None = None
    error_at: int = 0
    manual: bool = False


class RequestOutput:
    """A streaming generation result (``tensorrt_llm.llmapi.RequestOutput``)."""

    def __init__(self, llm: LLM, request_id: int, prompt_token_ids: list[int],
                 sampling_params: SamplingParams, plan: Plan, streaming: bool) -> None:
        self.llm = llm
        self.request_id = request_id
        self.prompt_token_ids = prompt_token_ids
        self.sampling_params = sampling_params
        self.streaming = streaming
        self.plan = plan
        self.outputs = [CompletionOutput(0)]
        self.cached_tokens = 0
        self._step = 0
        self._done = False
        self._aborted = False
        self._gate: asyncio.Queue[None] = asyncio.Queue()

    @property
    def finished(self) -> bool:
        return self._done

    def aborted(self) -> bool:
        return self._aborted

    def abort(self) -> None:
        self.llm.aborted.append(self.request_id)
        self._aborted = True
        self._gate.put_nowait(None)

    def release(self, steps: int = 1) -> None:
        """Let ``steps`` more steps through (``manual`` plans)."""
        for _ in range(steps):
            self._gate.put_nowait(None)

    def __aiter__(self) -> RequestOutput:
        return self

    async def __anext__(self) -> RequestOutput:
        if self._done:
            raise StopAsyncIteration
        if self.plan.manual and not self._aborted:
            await self._gate.get()
        else:
            await asyncio.sleep(0)
        output = self.outputs[0]
        output._last_text_len = len(output.text)
        if self._aborted:
            output.finish_reason, self._done = "cancelled", True
            return self
        if self.plan.error is not None and self._step == self.plan.error_at:
            raise self.plan.error
        self._advance(output)
        return self

    def _advance(self, output: CompletionOutput) -> None:
        pieces = self.plan.pieces
        output.text += pieces[self._step]
        output.token_ids.append(100 + self._step)
        self._step += 1
        self.cached_tokens = self.plan.cached_tokens
        stops = self.sampling_params.stop or []
        for stop in [stops] if isinstance(stops, str) else stops:
            if stop in output.text:
                output.text = output.text[: output.text.index(stop)]
                output.finish_reason, output.stop_reason = "stop", stop
                self.abort()  # the LLM API aborts a request its stop string ended
                self._done = True
                return
        if self._step == len(pieces):
            output.finish_reason, self._done = self.plan.finish_reason, True


class LLM:
    """The PyTorch-backend ``LLM`` (``tensorrt_llm.LLM``)."""

    backend: ClassVar[str] = "pytorch"

    def __init__(self, model: Any, tokenizer: Any = None, **kwargs: Any) -> None:
        registry = _REGISTRY[-1]
        if registry.fail_with is not None:
            raise registry.fail_with
        self.model = model
        self.tokenizer = tokenizer
        self.kwargs = kwargs
        self.requests: list[RequestOutput] = []
        self.aborted: list[int] = []
        self.plans: deque[Plan] = deque()
        self.submit_error: BaseException | None = None
        self.shutdown_error: BaseException | None = None
        self.shutdown_calls = 0
        self._ids = itertools.count(1)
        registry.instances.append(self)

    def generate_async(self, inputs: Any, sampling_params: SamplingParams | None = None,
                       streaming: bool = False, **kwargs: Any) -> RequestOutput:
        if self.submit_error is not None:
            raise self.submit_error
        ids = list(inputs["prompt_token_ids"] if isinstance(inputs, dict) else inputs)
        params = sampling_params or SamplingParams()
        plan = self.plans.popleft() if self.plans else Plan()
        result = RequestOutput(self, next(self._ids), ids, params, plan, streaming)
        self.requests.append(result)
        return result

    def shutdown(self) -> None:
        self.shutdown_calls += 1
        if self.shutdown_error is not None:
            raise self.shutdown_error


class TrtLLM(LLM):
    """The TensorRT-backend ``LLM`` (``tensorrt_llm._tensorrt_engine.LLM``)."""

    backend: ClassVar[str] = "tensorrt"


_COMMON_ARGS = ("model", "tokenizer", "dtype", "trust_remote_code", "max_batch_size", "max_input_len",
                "max_seq_len", "max_num_tokens", "kv_cache_config", "backend")


class TorchLlmArgs:
    model_fields: ClassVar[dict[str, object]] = dict.fromkeys((*_COMMON_ARGS, "sampler_type"))


class TrtLlmArgs:
    model_fields: ClassVar[dict[str, object]] = dict.fromkeys((*_COMMON_ARGS, "build_config"))


@dataclasses.dataclass
class Registry:
    """What a test inspects: every LLM created, and a constructor failure to inject."""

    instances: list[LLM] = dataclasses.field(default_factory=list)
    fail_with: BaseException | None = None

    @property
    def llm(self) -> LLM:
        return self.instances[-1]


_REGISTRY: list[Registry] = [Registry()]


def _module(name: str, **attributes: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    module.__dict__.update(attributes)
    return module


def modules(sampling_cls: type = SamplingParams) -> dict[str, types.ModuleType]:
    """Fresh ``tensorrt_llm`` modules (``sampling_cls`` replaces SamplingParams)."""
    llm_args = _module("tensorrt_llm.llmapi.llm_args", TorchLlmArgs=TorchLlmArgs, TrtLlmArgs=TrtLlmArgs)
    llmapi = _module("tensorrt_llm.llmapi", LLM=LLM, SamplingParams=sampling_cls,
                     KvCacheConfig=KvCacheConfig, llm_args=llm_args)
    engine = _module("tensorrt_llm._tensorrt_engine", LLM=TrtLLM)
    root = _module("tensorrt_llm", LLM=LLM, SamplingParams=sampling_cls, llmapi=llmapi,
                   _tensorrt_engine=engine, __version__="1.2.0-fake")
    root.__path__ = []  # a package, so submodule imports resolve through sys.modules
    return {module.__name__: module for module in (root, llmapi, llm_args, engine)}


def install(setitem: Callable[[str, types.ModuleType], None] = sys.modules.__setitem__,
            sampling_cls: type = SamplingParams) -> Registry:
    """Put fresh fake modules into ``sys.modules`` through ``setitem``; the new
    :class:`Registry`. Pass ``lambda n, m: monkeypatch.setitem(sys.modules, n, m)``
    so the test restores ``sys.modules``.
    """
    registry = Registry()
    _REGISTRY.append(registry)
    for name, module in modules(sampling_cls).items():
        setitem(name, module)
    return registry


__all__ = [
    "LLM",
    "CompletionOutput",
    "KvCacheConfig",
    "Plan",
    "Registry",
    "RequestOutput",
    "SamplingParams",
    "TorchLlmArgs",
    "TrtLLM",
    "TrtLlmArgs",
    "install",
    "modules",
]
