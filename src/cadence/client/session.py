"""``CadenceClient``: one session over one (re)connecting WebSocket.

One reader task per connection parses frames and routes them by
``request_id`` (:mod:`cadence.client.router`): a :class:`~cadence.client.turn.Turn`
gets only its own frames, answers to ``ping``/``end``/``cancel`` go to their
waiters, and frames of older turns are dropped and counted.

Reconnects are lazy: when the connection drops (idle close 4000, a server
restart, a network error), running turns end with outcome ``disconnected``
and the next call reconnects with backoff and resumes the same
``session_id``; the server kept the session, so a ``message`` continues it
without resending persona or history. Close 4001 (taken over), ``end()`` and
``close()`` are final: later calls raise :class:`SessionClosed`.
"""

from __future__ import annotations

import asyncio
import contextlib

from cadence.client.errors import FrameError
from cadence.client.frames import CancelledFrame, ErrorFrame, SessionEndFrame
from cadence.client.link import SessionLink
from cadence.client.outbound import History, Sampling, message_payload, start_payload
from cadence.client.result import TurnResult
from cadence.client.turn import Turn


class CadenceClient(SessionLink):
    """A client for one Cadence session. Use ``async with`` or ``connect()``/``close()``.

    ``CadenceClient(url, api_key=..., auth="header"|"bearer"|"query",
    session_id=None, recv_timeout=60.0, reconnect=ReconnectPolicy())``.
    ``recv_timeout`` is the longest silence allowed while waiting for a
    turn's next frame or a control answer (``None``: wait forever).
    Not safe to share between event loops; calls from several tasks of one
    loop are fine (sends are serialized by the connection).
    """

    # -- the protocol --------------------------------------------------------

    async def start(self, chat_prompt: str | None = None, *, personality: str | None = None,
                    gender: str | None = None, history: History | None = None,
                    user_utterance: str | None = None, sampling: Sampling | None = None,
                    request_id: str | None = None) -> Turn:
        """Create or replace the session. With an utterance the turn streams a
        reply; without one it ends at the server's ``ack`` (outcome ``ack``)."""
        payload = start_payload(chat_prompt, personality, gender, history, user_utterance, sampling)
        ends_at_ack = not (user_utterance and user_utterance.strip())
        return await self._turn("start", payload, request_id, ends_at_ack)

    async def message(self, user_utterance: str, *, sampling: Sampling | None = None,
                      request_id: str | None = None) -> Turn:
        """Run a turn in the existing session (barges in on a running one)."""
        return await self._turn("message", message_payload(user_utterance, sampling), request_id)

    async def followup(self, analysis_text: str, *, request_id: str | None = None) -> Turn:
        """Run a chat-only turn on screen-analysis text."""
        return await self._turn("followup", {"analysis_text": analysis_text}, request_id)

    async def cancel(self, reason: str | None = None) -> TurnResult | CancelledFrame | ErrorFrame:
        """Cancel the running turn and return its result (``cancelled``, or
        ``done`` when the turn won the race). With no running turn, returns the
        server's answer: ``cancelled`` with ``active`` false, or an error."""
        running = self.running_turn
        waiter = await self._control("cancel", {"reason": reason} if reason else None)
        if running is not None:
            result = await running.result()
            waiter.cancel()  # answered only if the turn had already ended: not needed
            return result
        frame = await self._answer(waiter, "cancel")
        if isinstance(frame, CancelledFrame | ErrorFrame):
            return frame
        raise FrameError(f"unexpected {frame.type} answering cancel")

    async def end(self) -> SessionEndFrame | ErrorFrame:
        """End the session: the server cancels a running turn, answers
        ``session_end`` and closes with 1000. Final for this client."""
        waiter = await self._control("end")
        frame = await self._answer(waiter, "end")
        if isinstance(frame, SessionEndFrame):
            self._final = "ended"
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.recv_timeout):
                    await self.wait_closed()
            return frame
        if isinstance(frame, ErrorFrame):
            return frame
        raise FrameError(f"unexpected {frame.type} answering end")

    async def ping(self) -> float:
        """Round trip of a protocol ``ping``/``pong``, in milliseconds."""
        sent = self._clock()
        frame = await self._answer(await self._control("ping"), "ping")
        if frame.type != "pong":
            raise FrameError(f"unexpected {frame.type} answering ping")
        return (self._clock() - sent) * 1000.0


__all__ = ["CadenceClient"]
