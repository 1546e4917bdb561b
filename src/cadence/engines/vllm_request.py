"""One ``vllm`` request on the event loop: its state and its output translation.

vLLM's ``AsyncLLM.add_request`` hands back one mailbox per request (a
``RequestOutputCollector``) that merges outputs the consumer has not read
yet (``RequestOutputKind.DELTA``), so tokens that arrive together already
come out as one delta. This module turns those outputs into Cadence
:class:`~cadence.engines.base.Delta` values.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import Any

from vllm.renderers.inputs.preprocess import parse_model_prompt

from cadence.engines.base import Delta, EngineError, GenerationRequest, InvalidRequestError, Usage
from cadence.engines.checks import summary
from cadence.engines.vllm_params import finish_reason
from cadence.engines.vllm_start import translated

log = logging.getLogger("cadence.engines.vllm")


class Phase(enum.Enum):
    """Where a request is, as far as vLLM is concerned."""

    RENDERING = "rendering"  # being tokenized; vLLM does not know it
    SUBMITTED = "submitted"  # handed to AsyncLLM.add_request
    ABORTED = "aborted"  # our abort(): ends silently
    CLOSED = "closed"  # the engine closed: ends with EngineError


class RequestEntry:
    """Bookkeeping of one running request (event-loop only).

    ``settled`` is set once vLLM either holds the request (``add_request``
    returned or raised) or never will (the request ended before it was
    submitted); :meth:`VLLMEngine.abort` waits on it so that an abort during
    submission still reaches vLLM.
    """

    __slots__ = ("completion_tokens", "phase", "settled", "submitted")

    def __init__(self) -> None:
        self.phase = Phase.RENDERING
        self.submitted = False
        self.settled = asyncio.Event()
        self.completion_tokens = 0

    @property
    def stopped(self) -> bool:
        """Whether the request was aborted or the engine closed."""
        return self.phase in (Phase.ABORTED, Phase.CLOSED)

    def translate(self, output: Any) -> Delta | None:
        """The delta for one (possibly merged) vLLM ``RequestOutput``.

        Returns ``None`` when there is nothing to send (no new text yet, or
        the request was aborted by us: it ends with no final delta).

        Raises:
            EngineError: vLLM aborted or failed the request on its own, or
                the engine was closed.
        """
        completion = output.outputs[0] if output.outputs else None
        text = completion.text if completion is not None else ""
        if completion is not None:
            self.completion_tokens += len(completion.token_ids)
        if not output.finished:
            return Delta(text) if text and not self.stopped else None
        reason = completion.finish_reason if completion is not None else None
        if self.phase is Phase.ABORTED:
            return None
        if self.phase is Phase.CLOSED:
            raise EngineError("the vllm engine was closed")
        mapped = finish_reason(reason)
        if mapped is None:
            raise EngineError(f"vLLM ended the request with finish reason {reason!r}")
        usage = Usage(
            prompt_tokens=len(output.prompt_token_ids or ()),
            completion_tokens=self.completion_tokens,
            cached_prompt_tokens=int(output.num_cached_tokens or 0),
        )
        return Delta(text, mapped, usage)


async def submit(
    llm: Any, request: GenerationRequest, params: Any, entry: RequestEntry, tok_params: Any
) -> Any:
    """Tokenize ``request`` and hand it to vLLM; its output mailbox, or ``None``.

    ``None`` means the request was aborted while it was being tokenized:
    vLLM never saw it. The prompt is tokenized exactly as rendered
    (``tok_params`` adds no special tokens).

    Raises:
        InvalidRequestError: the prompt plus ``max_tokens`` exceeds the
            context, or vLLM rejected the request.
        EngineError: vLLM failed.
    """
    with translated("tokenize the prompt"):
        parsed = parse_model_prompt(llm.model_config, request.prompt)
        (engine_input,) = await llm.renderer.render_cmpl_async([parsed], tok_params)
    prompt_tokens = len(engine_input["prompt_token_ids"])
    context = int(llm.model_config.max_model_len)
    if prompt_tokens + params.max_tokens > context:
        raise InvalidRequestError(
            f"the prompt is {prompt_tokens} tokens; with max_tokens {params.max_tokens} "
            f"it exceeds the context of {context} tokens"
        )
    if entry.phase is Phase.CLOSED:
        raise EngineError("the vllm engine was closed")
    if entry.stopped:
        return None
    entry.phase = Phase.SUBMITTED
    entry.submitted = True
    try:
        with translated("add the request"):
            return await llm.add_request(request.request_id, engine_input, params)
    finally:
        entry.settled.set()


async def abort_in_vllm(llm: Any, request_id: str) -> None:
    """Abort ``request_id`` in vLLM's front end and engine core.

    Shielded, so a second cancellation of the caller cannot interrupt it
    half-way; a failure (a dead engine has nothing to free) is logged.
    """
    try:
        await asyncio.shield(llm.abort(request_id))
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning("vLLM abort of a request failed: %s", summary(exc))


__all__ = ["Phase", "RequestEntry", "abort_in_vllm", "submit"]
