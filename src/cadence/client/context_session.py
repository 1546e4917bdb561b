"""A Cadence session driven by whole conversations (as Pipecat sends them).

:class:`ContextSession` turns "here is the whole conversation, answer it"
into the smallest protocol traffic that keeps the server's session equal to
it (:func:`~cadence.client.context_sync.plan_turn`), and keeps track of
what the server holds: the plan's view once its frames are sent, plus the
reply as far as it streamed. A frame the server rejected changes nothing;
a ``no_session`` answer (server restarted, session expired) forgets the
view, so the next :meth:`ContextSession.send` sends ``start`` again.
"""

from __future__ import annotations

import collections

from cadence.client.context_sync import Plan, ServerView, SessionSetup, plan_turn
from cadence.client.conversation import Conversation
from cadence.client.result import Outcome, TurnResult
from cadence.client.session import CadenceClient
from cadence.client.turn import Turn

#: The server's default ``FOLLOWUP_PREFIX``.
DEFAULT_FOLLOWUP_PREFIX = "ON THE SCREEN NOW: "


def rejected(result: TurnResult | None) -> bool:
    """Whether the server refused the turn's frame (an error that did not
    end a running turn: nothing about the session changed)."""
    return result is not None and result.outcome is Outcome.ERROR and result.error is not None \
        and not result.error.ends_turn


def session_lost(result: TurnResult | None) -> bool:
    """Whether the turn failed because the server does not hold the session."""
    return result is not None and result.error_code == "no_session"


class ContextSession:
    """Sends conversations over one :class:`CadenceClient`.

    One turn at a time: call :meth:`send` again only after the previous turn
    ended or was abandoned (its reply then counts as far as it streamed).
    """

    def __init__(self, client: CadenceClient, followup_prefix: str = DEFAULT_FOLLOWUP_PREFIX) -> None:
        self.client = client
        self.followup_prefix = followup_prefix
        self._view: ServerView | None = None
        self._sent: tuple[ServerView, Turn] | None = None
        self.last_plan: Plan | None = None
        #: The last turn sent (its ``peek()`` gives the client's timings once it ended).
        self.last_turn: Turn | None = None
        #: Turn-starting frames sent, by type (``start``, ``message``, ``followup``).
        self.sent: collections.Counter[str] = collections.Counter()
        #: Whether the server is tool-only (learnt from its ``mode_unsupported``):
        #: then no ``chat_prompt``, persona, sampling or ``followup`` is sent.
        self.tool_only = False

    def view(self) -> ServerView | None:
        """What the server holds as far as this client knows (``None``: nothing known)."""
        if self._sent is not None:
            after, turn = self._sent
            result = turn.peek()
            if session_lost(result):
                self._view, self._sent = None, None
            elif not rejected(result):
                self._view = after.with_reply(turn.text)
                if result is not None:
                    self._sent = None
            else:
                self._sent = None
        return self._view

    def forget(self) -> None:
        """Assume the server holds nothing (the next turn sends ``start``)."""
        self._view, self._sent = None, None

    def plan(self, conversation: Conversation, setup: SessionSetup) -> Plan:
        """The plan for ``conversation`` against the current view (sends nothing)."""
        if self.tool_only:
            setup = SessionSetup(None)
        return plan_turn(self.view(), conversation, setup, self.followup_prefix, not self.tool_only)

    def refused_by_mode(self, result: TurnResult | None) -> bool:
        """Whether ``result`` is a tool-only server refusing what a chat
        server takes (``chat_prompt``, persona, sampling, ``followup``). The
        first time, the session learns it and returns ``True``: plan again."""
        if self.tool_only or result is None or result.error_code != "mode_unsupported":
            return False
        self.tool_only = True
        return True

    async def send(self, plan: Plan) -> Turn | None:
        """Send ``plan``'s frames; the turn that answers, or ``None`` when
        the plan answers nothing. A ``start`` without an utterance waits for
        its ``ack``; when it is refused, its turn is returned (not the followup).

        Raises:
            ClientError | OSError: as the client's calls (connection, handshake).
        """
        self.last_plan = plan
        client, setup = self.client, plan.view.setup
        turn: Turn | None
        if plan.history is not None:
            ack_only = plan.utterance is None
            self.sent["start"] += 1
            turn = await client.start(setup.chat_prompt, personality=setup.personality,
                                      gender=setup.gender, history=plan.history,
                                      user_utterance=plan.utterance, sampling=setup.sampling_dict)
            if ack_only:
                self._sent = (plan.view, turn)
                if not (await turn.result()).ok:
                    return turn  # the refusal, for the caller to report
                turn = await self._followup(plan.analysis_text) if plan.analysis_text else None
        elif plan.utterance is not None:
            self.sent["message"] += 1
            turn = await client.message(plan.utterance)
        elif plan.analysis_text is not None:
            turn = await self._followup(plan.analysis_text)
        else:
            return None
        if turn is not None:
            self._sent = (plan.view, turn)
            self.last_turn = turn
        return turn

    async def _followup(self, analysis_text: str) -> Turn:
        self.sent["followup"] += 1
        return await self.client.followup(analysis_text)


__all__ = ["DEFAULT_FOLLOWUP_PREFIX", "ContextSession", "rejected", "session_lost"]
