"""One ``trt`` request on the event loop: its mailbox, its pump and its deltas.

``LLM.generate_async(..., streaming=True)`` returns a ``RequestOutput`` that
is its own async iterator: each step updates it in place (cumulative
``outputs[0].text`` and ``token_ids``) and yields it again, ``finished``
turns true with the last step, and ``abort()`` cancels it in the runtime.
Leaving the iteration does *not* abort it, so :class:`RequestEntry` aborts on
every exit path.

A pump task copies each step into the request's mailbox as an immutable
:class:`Step`, so an abort or an engine close can end the consumer's wait
at once (TensorRT-LLM's own final "cancelled" step may come later). The
mailbox has no backpressure: it holds at most one step per token of
``max_tokens``, and the consumer merges what it has not read yet.

Python 3.10 compatible.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Iterator
from typing import Any, NamedTuple

from cadence.engines.base import Delta, EngineError, InvalidRequestError, Usage
from cadence.engines.checks import summary
from cadence.engines.trt_params import finish_reason

log = logging.getLogger("cadence.engines.trt")

#: Incomplete UTF-8 at the end of a step's text, held until the next step.
REPLACEMENT = "\ufffd"


class Step(NamedTuple):
    """A copy of one streamed ``RequestOutput`` (its fields change in place)."""

    text: str
    token_count: int
    finished: bool
    finish_reason: str | None
    cached_tokens: int


#: What a mailbox holds: a step, an error to raise, or ``None`` (aborted: end silently).
Mail = Step | BaseException | None



@contextlib.contextmanager
def translated(action: str) -> Iterator[None]:
    """Turn TensorRT-LLM's exceptions raised inside into Cadence's error types."""
    try:
        yield
    except EngineError:
        raise
    except ValueError as exc:  # the LLM API's argument checks raise ValueError
        raise InvalidRequestError(f"TensorRT-LLM rejected the request: {summary(exc)}") from exc
    except Exception as exc:
        raise EngineError(f"TensorRT-LLM failed to {action}: {summary(exc)}") from exc


async def finish_within(awaitable: Awaitable[object], timeout_s: float, what: str) -> bool:
    """Await ``awaitable`` for up to ``timeout_s``; False (logged) on a timeout.

    Catches ``asyncio.TimeoutError`` as well as ``TimeoutError``: they are
    one class from Python 3.11, but two on 3.10 (TensorRT-LLM's images),
    where ``asyncio.wait_for`` raises the former only.
    """
    try:
        await asyncio.wait_for(awaitable, timeout_s)
    except (TimeoutError, asyncio.TimeoutError):  # noqa: UP041 - distinct classes on Python 3.10
        log.warning("%s did not finish within %.0fs", what, timeout_s)
        return False
    return True


def snapshot(output: Any) -> Step:
    """The :class:`Step` of a ``RequestOutput`` as it is now."""
    completion = output.outputs[0] if output.outputs else None
    return Step(
        text=str(completion.text) if completion is not None else "",
        token_count=len(completion.token_ids or ()) if completion is not None else 0,
        finished=bool(output.finished),
        finish_reason=completion.finish_reason if completion is not None else None,
        cached_tokens=int(getattr(output, "cached_tokens", 0) or 0),
    )


def holdback(text: str, stops: tuple[str, ...]) -> int:
    """How many characters at the end of ``text`` to withhold for now.

    The end of ``text`` that could begin a stop string (TensorRT-LLM cuts a
    stop string from ``text`` once it is complete, which would take back
    text already streamed), or trailing replacement characters (a character
    whose bytes are not all decoded yet).
    """
    keep = len(text) - len(text.rstrip(REPLACEMENT))
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), keep, -1):
            if text.endswith(stop[:size]):
                keep = size
                break
    return keep


async def pump(handle: Any, mailbox: asyncio.Queue[Mail]) -> None:
    """Copy ``handle``'s steps into ``mailbox`` until the final one.

    A backend exception is mailed as :class:`EngineError`; so is a stream
    that ends without a final step. Cancelling the pump stops the copying
    only (the owner aborts the request).
    """
    try:
        async for output in handle:
            step = snapshot(output)
            mailbox.put_nowait(step)
            if step.finished:
                return
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        error = EngineError(f"TensorRT-LLM failed the request: {summary(exc)}")
        error.__cause__ = exc
        mailbox.put_nowait(error)
        return
    mailbox.put_nowait(EngineError("TensorRT-LLM ended the stream without a final output"))


class RequestEntry:
    """Bookkeeping of one running request (event-loop only).

    Every request ends in exactly one of: a final delta, silence after
    :meth:`stop` with ``error=None`` (our abort), or an :class:`EngineError`.
    """

    __slots__ = ("_emitted", "_pump", "_stops", "finished", "handle", "mailbox", "prompt_tokens",
                 "stopped")

    def __init__(self, prompt_tokens: int, stops: tuple[str, ...]) -> None:
        self.prompt_tokens = prompt_tokens
        self._stops = stops
        self._emitted = ""
        self.mailbox: asyncio.Queue[Mail] = asyncio.Queue()
        self.handle: Any = None
        self._pump: asyncio.Task[None] | None = None
        self.finished = False
        self.stopped = False

    def attach(self, handle: Any) -> None:
        """Start pumping ``handle`` (the ``generate_async`` result) into the mailbox."""
        self.handle = handle
        self._pump = asyncio.ensure_future(pump(handle, self.mailbox))

    def stop(self, error: BaseException | None) -> None:
        """End the request: abort it in TensorRT-LLM and wake the consumer.

        ``error`` ``None`` ends the stream silently (our abort); an error is
        raised to the consumer (the engine closed). Idempotent.
        """
        if self.stopped:
            return
        self.stopped = True
        self.abort_backend()
        while not self.mailbox.empty():  # what was not read yet is dropped
            self.mailbox.get_nowait()
        self.mailbox.put_nowait(error)

    def abort_backend(self) -> None:
        """Abort the TensorRT-LLM request unless it finished; never raises.

        Synchronous (``RequestOutput.abort()`` only queues the cancellation),
        so it is safe in any ``finally``, even at generator finalization.
        """
        if self._pump is not None:
            self._pump.cancel()
        handle, self.handle = self.handle, None
        if handle is None or self.finished or getattr(handle, "finished", False):
            return
        try:
            handle.abort()
        except Exception as exc:
            log.warning("TensorRT-LLM abort of a request failed: %s", summary(exc))

    async def receive(self) -> Step | None:
        """The newest step (steps not read yet are merged), or ``None`` once stopped.

        Raises:
            EngineError: the backend failed or the engine closed.
        """
        mail = await self.mailbox.get()
        while isinstance(mail, Step) and not mail.finished and not self.mailbox.empty():
            mail = self.mailbox.get_nowait()
        if isinstance(mail, BaseException):
            raise mail
        if mail is None or self.stopped:
            return None
        return mail

    def translate(self, step: Step) -> Delta | None:
        """The delta for ``step`` (``None``: nothing to send yet).

        Raises:
            EngineError: the request ended without a protocol finish (the
                backend cancelled it, or timed it out).
        """
        if not step.finished:
            new = self._advance(step.text, final=False)
            return Delta(new) if new else None
        self.finished = True
        mapped = finish_reason(step.finish_reason)
        if mapped is None:
            raise EngineError(f"TensorRT-LLM ended the request with finish reason {step.finish_reason!r}")
        usage = Usage(
            prompt_tokens=self.prompt_tokens,
            completion_tokens=step.token_count,
            cached_prompt_tokens=max(0, min(step.cached_tokens, self.prompt_tokens)),
        )
        return Delta(self._advance(step.text, final=True), mapped, usage)

    def _advance(self, text: str, *, final: bool) -> str:
        emitted = self._emitted
        if not text.startswith(emitted):
            log.warning("TensorRT-LLM changed text it had already streamed; continuing after it")
        end = len(text) if final else len(text) - holdback(text, self._stops)
        if end <= len(emitted):
            return ""
        new = text[len(emitted):end]
        self._emitted = emitted + new
        return new


__all__ = [
    "REPLACEMENT",
    "Mail",
    "RequestEntry",
    "Step",
    "finish_within",
    "holdback",
    "pump",
    "snapshot",
    "translated",
]
