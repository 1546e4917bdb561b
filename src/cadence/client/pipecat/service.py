"""``CadenceLLMService``: Cadence as the LLM of a Pipecat pipeline.

Per ``LLMContextFrame`` it pushes ``LLMFullResponseStartFrame``, the reply
as ``LLMTextFrame``s, then ``LLMFullResponseEndFrame``, with TTFB,
processing and usage metrics. What goes on the wire is decided by
:class:`~cadence.client.context_session.ContextSession`: a ``message`` with
only the new user text while the server's session matches the context, a
``start`` with the whole context otherwise.

Interruptions: Pipecat cancels the task that streams the reply; the turn is
then abandoned (its remaining frames are never read, they are told apart by
``request_id``) and a ``cancel`` is sent without waiting for the answer. The
server aborts the engine request at once; the next context starts its turn
at once, with no drain.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from loguru import logger
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    Frame,
    FunctionCallFromLLM,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    StartFrame,
)
from pipecat.metrics.metrics import LLMTokenUsage
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.llm_service import LLMService
from pipecat.utils.errors import ErrorCategory

from cadence.client.backoff import ReconnectPolicy
from cadence.client.context_session import DEFAULT_FOLLOWUP_PREFIX, ContextSession, session_lost
from cadence.client.context_sync import SessionSetup
from cadence.client.conversation import SCREENSHOT_FUNCTION, Conversation, read_messages
from cadence.client.errors import AuthenticationError, ClientError, SessionClosed
from cadence.client.frames import TokenFrame, ToolcallFrame
from cadence.client.pipecat.failures import category_of, describe
from cadence.client.pipecat.settings import CadenceLLMSettings, given_str, sampling_items, store_settings
from cadence.client.result import Outcome, TurnResult
from cadence.client.session import CadenceClient
from cadence.client.turn import Turn

#: How long ``stop``/``cancel`` wait for the server's ``session_end``.
END_TIMEOUT_S = 2.0


class CadenceLLMService(LLMService):
    """Cadence as a Pipecat LLM service.

    ``CadenceLLMService(url, api_key, *, session_id=None, personality=None,
    gender=None, sampling=None, **kwargs)``: ``url`` is the server
    (``ws://host:8000/ws``; ``http(s)://`` and a missing ``/ws`` work too).
    The system prompt is the context's system message(s), sent as
    ``chat_prompt``. ``sampling`` takes the keys of PROTOCOL.md
    (``temperature``, ``top_p``, ``top_k``, ``min_p``, ``repetition_penalty``,
    ``presence_penalty``, ``frequency_penalty``, ``max_tokens``,
    ``sanitize_output``). Keyword-only extras: ``settings`` (a
    :class:`CadenceLLMSettings` delta), ``followup_prefix`` (the server's
    ``FOLLOWUP_PREFIX``), ``reconnect`` (:class:`ReconnectPolicy`),
    ``recv_timeout`` and ``open_timeout`` (seconds); the rest goes to
    ``LLMService``.

    Event handlers: ``on_toolcall(service, frame)`` for every tool decision
    (a :class:`~cadence.client.frames.ToolcallFrame`). A ``yes`` becomes a
    call of the function registered as ``take_screenshot``; its result is
    answered by a ``followup`` turn.

    Raises:
        ValueError: ``sampling`` has a key Cadence does not know.
    """

    Settings = CadenceLLMSettings
    _settings: CadenceLLMSettings

    def __init__(self, url: str, api_key: str, *, session_id: str | None = None,
                 personality: str | None = None, gender: str | None = None,
                 sampling: Mapping[str, Any] | None = None, settings: CadenceLLMSettings | None = None,
                 followup_prefix: str = DEFAULT_FOLLOWUP_PREFIX, reconnect: ReconnectPolicy | None = None,
                 recv_timeout: float | None = 60.0, open_timeout: float = 10.0, **kwargs: Any) -> None:
        store = store_settings(personality, gender, sampling)
        if settings is not None:
            store.apply_update(settings)
        super().__init__(settings=store, **kwargs)
        client = CadenceClient(url, api_key=api_key, session_id=session_id, recv_timeout=recv_timeout,
                               open_timeout=open_timeout, reconnect=reconnect)
        self._session = ContextSession(client, followup_prefix)
        self._auth_error: AuthenticationError | None = None
        self._warned_seed: int | None = None
        self._register_event_handler("on_toolcall")

    @property
    def client(self) -> CadenceClient:
        """The underlying client (its ``session_id``, ``stats``, ``reconnects``)."""
        return self._session.client

    @property
    def session(self) -> ContextSession:
        """What this service believes the server holds (``view()``, ``last_plan``)."""
        return self._session

    def can_generate_metrics(self) -> bool:
        """Cadence reports TTFB, processing time and token usage."""
        return True

    # -- lifecycle -----------------------------------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Connect at pipeline start, so the first turn pays no handshake.
        A refused key is fatal; an unreachable server is retried at the first turn."""
        await super().start(frame)
        try:
            await self.client.connect()
        except AuthenticationError as exc:
            await self._authentication_failed(exc)
        except (ClientError, OSError) as exc:
            logger.warning(f"{self}: could not connect to Cadence yet ({describe(exc)}); "
                           "the first turn tries again")

    async def stop(self, frame: EndFrame) -> None:
        """End the server session (the call is over) and close the connection."""
        await super().stop(frame)
        await self._end_session()

    async def cancel(self, frame: CancelFrame) -> None:
        """As :meth:`stop`: the running turn is cancelled by the server's ``end``."""
        await super().cancel(frame)
        await self._end_session()

    async def _end_session(self) -> None:
        client = self.client
        if client.connected:
            with contextlib.suppress(ClientError, OSError, TimeoutError):
                async with asyncio.timeout(END_TIMEOUT_S):
                    await client.end()
        with contextlib.suppress(ClientError, OSError):
            await client.close()

    # -- frames --------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer ``LLMContextFrame``s; pass every other frame on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, LLMContextFrame):
            await self._respond(frame.context)
        else:
            await self.push_frame(frame, direction)

    def _session_setup(self, chat_prompt: str | None) -> SessionSetup:
        s = self._settings
        if isinstance(s.seed, int) and s.seed != self._warned_seed:
            self._warned_seed = s.seed
            logger.warning(f"{self}: Cadence has no seed; ignoring seed={s.seed}")
        return SessionSetup(chat_prompt, given_str(s.personality), given_str(s.gender), sampling_items(s))

    async def _respond(self, context: LLMContext) -> None:
        """One response: start frame, the turn's text, end frame, metrics."""
        await self.push_frame(LLMFullResponseStartFrame())
        await self.start_processing_metrics()
        await self.start_ttfb_metrics()
        try:
            if self._auth_error is not None:
                await self.push_error(f"Cadence refused the API key earlier: {describe(self._auth_error)}",
                                      category=ErrorCategory.AUTHENTICATION)
                return
            await self._run_turn(context)
        except AuthenticationError as exc:
            await self._authentication_failed(exc)
        except SessionClosed as exc:
            await self.push_error(f"Cadence session closed: {exc}", exception=exc,
                                  category=ErrorCategory.SERVER, force_treat_as_permanent=True)
        except (ClientError, OSError) as exc:
            await self.push_error(f"Cadence turn failed: {describe(exc)}; the next turn reconnects",
                                  exception=exc, category=category_of(exc))
        finally:
            await self.stop_processing_metrics()
            await self.push_frame(LLMFullResponseEndFrame())

    async def _run_turn(self, context: LLMContext) -> None:
        conversation = read_messages(context.get_messages(), given_str(self._settings.system_instruction))
        setup = self._session_setup(conversation.chat_prompt)
        result = await self._attempt(conversation, setup, context)
        if session_lost(result):
            self._session.forget()  # the server restarted or expired it: send everything again
        if session_lost(result) or self._session.refused_by_mode(result):
            result = await self._attempt(conversation, setup, context)
        if result is not None:
            await self._report(result)

    async def _attempt(self, conversation: Conversation, setup: SessionSetup,
                       context: LLMContext) -> TurnResult | None:
        plan = self._session.plan(conversation, setup)
        logger.debug(f"{self}: {plan.reason}")
        turn = await self._session.send(plan)
        if turn is None:
            await self._drop_ttfb()
            return None
        return await self._stream(turn, context)

    async def _stream(self, turn: Turn, context: LLMContext) -> TurnResult:
        """Push the turn's text; abandon and cancel it if this task is cancelled."""
        first = True
        try:
            async with contextlib.aclosing(turn.__aiter__()) as frames:
                async for frame in frames:
                    if isinstance(frame, TokenFrame):
                        if first:
                            first = False
                            await self.stop_ttfb_metrics()
                        await self._push_llm_text(frame.text)
                    elif isinstance(frame, ToolcallFrame):
                        await self._toolcall(frame, turn, context)
            return await turn.result()
        finally:
            if not turn.finished:
                await self.client.send_cancel("interrupted")

    async def _toolcall(self, frame: ToolcallFrame, turn: Turn, context: LLMContext) -> None:
        await self._call_event_handler("on_toolcall", frame)
        if frame.status == "yes" and self.has_function(SCREENSHOT_FUNCTION):
            call = FunctionCallFromLLM(function_name=SCREENSHOT_FUNCTION, arguments={}, context=context,
                                       tool_call_id=f"screenshot-{turn.request_id}")
            await self.run_function_calls([call])

    async def _report(self, result: TurnResult) -> None:
        """Usage metrics of a finished turn, or the error that ended it."""
        if result.outcome is Outcome.DONE and result.usage is not None:
            if not result.text:
                await self.stop_ttfb_metrics()
            u = result.usage
            await self.start_llm_usage_metrics(LLMTokenUsage(
                prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens,
                total_tokens=u.total_tokens, cache_read_input_tokens=u.cached_prompt_tokens))
        elif result.outcome is Outcome.ERROR and result.error is not None:
            await self._drop_ttfb()
            error = result.error
            await self.push_error(f"Cadence error {error.code}: {error.message}",
                                  category=category_of(error))
        elif result.outcome is Outcome.DISCONNECTED:
            await self._drop_ttfb()
            code, reason = result.close or (1006, "")
            await self.push_error(f"connection to Cadence lost ({code} {reason}".rstrip() +
                                  "); the next turn reconnects and resumes the session",
                                  category=ErrorCategory.CONNECTIVITY)

    async def _drop_ttfb(self) -> None:
        """A turn without text has no time to first byte: forget its start."""
        await self.cancel_ttfb_metrics()  # type: ignore[no-untyped-call]

    async def _authentication_failed(self, exc: AuthenticationError) -> None:
        """A refused key: fatal for this service, never retried."""
        self._auth_error = exc
        await self.push_error(f"Cadence refused the API key: {describe(exc)}", exception=exc,
                              category=ErrorCategory.AUTHENTICATION, force_treat_as_permanent=True)


__all__ = ["END_TIMEOUT_S", "CadenceLLMService"]
