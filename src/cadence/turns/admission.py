"""Checking a turn-starting or session frame before it has any effect.

Each ``plan_*`` function validates everything that can reject the frame
(mode, prompt budgets, session existence) and returns a plan; applying the
plan cannot fail. A rejected frame therefore changes nothing. Plans are
named tuples: immutable, and cheap to build once per turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from cadence.protocol import encode
from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.protocol.frames import (
    ClientFrame,
    FollowupPayload,
    MessagePayload,
    Sampling,
    StartPayload,
)
from cadence.session.history import trim_history
from cadence.session.prompt import (
    BuiltPrompt,
    PromptBuilder,
    UserContent,
    render_system_prompt,
)
from cadence.session.state import HistoryEntry, Persona, Session
from cadence.session.store import SessionStore
from cadence.turns.config import CoreConfig

_CHAT_ONLY_START_FIELDS = ("chat_prompt", "personality", "gender", "sampling")
_NO_SAMPLING = Sampling()


class TurnPlan(NamedTuple):
    """A validated request to run a turn on a session."""

    user: UserContent
    prompt: BuiltPrompt | None
    sampling: Sampling
    wants_toolcall: bool
    screen_prompt: str | None = None
    looked: bool = False


class StartPlan(NamedTuple):
    """A validated ``start``: the new session state and maybe a turn, or
    else maybe the prompt to warm (:attr:`CoreConfig.warm_prompts`)."""

    persona: Persona
    history: list[HistoryEntry]
    sampling: Sampling
    turn: TurnPlan | None
    warm_prompt: str | None = None


def _words(text: str) -> int:
    return len(text.split())


def _error(frame: ClientFrame, code: ErrorCode, message: str, field: str | None = None) -> ProtocolError:
    return ProtocolError(
        code, message, field=field, session_id=frame.session_id, request_id=frame.request_id
    )


class Admission:
    """Validates frames against the mode, the budgets and the store."""

    def __init__(self, config: CoreConfig, store: SessionStore, prompts: PromptBuilder | None) -> None:
        self._config = config
        self._store = store
        self._prompts = prompts
        self._counter: Callable[[str], int] = prompts.counter if prompts is not None else _words
        #: The last user content planned; its text object comes back to
        #: :meth:`count` when the turn is recorded in history.
        self._counted: UserContent | None = None

    def count(self, text: str) -> int:
        """Token count with the chat tokenizer (words without one).

        The user content of the last planned turn is not tokenized again.
        """
        counted = self._counted
        if counted is not None and text is counted.text:
            return counted.tokens
        return self._counter(text)

    def _user(self, text: str) -> UserContent:
        if self._prompts is None:
            user = UserContent(text, len(text.split()), False)
        else:
            user = self._prompts.user_content(text)
        self._counted = user
        return user

    def _with_ids(self, frame: ClientFrame, exc: ProtocolError) -> ProtocolError:
        exc.session_id, exc.request_id = frame.session_id, frame.request_id
        return exc

    def _turn(self, frame: ClientFrame, persona: Persona, history: list[HistoryEntry],
              text: str, sampling: Sampling, prefix: str | None = None) -> TurnPlan:
        user = self._user(text)
        if prefix:  # followup: the prefix is part of the user content (and history)
            user = UserContent(prefix + user.text, user.tokens + self.count(prefix), user.truncated)
        prompt = None
        if self._prompts is not None and self._config.mode != "tool":
            try:
                prompt = self._prompts.build(persona, history, user)
            except ProtocolError as exc:
                raise self._with_ids(frame, exc) from None
        wants_toolcall = self._config.mode != "chat" and prefix is None
        screen = None
        if wants_toolcall and prompt is not None and self._prompts is not None:
            marker = self._config.sessions.check_screen_prefix
            screen = self._prompts.render_variant(persona, history, f"{marker} {user.text}", prompt)
        return TurnPlan(user, prompt, sampling, wants_toolcall, screen)

    def plan_start(self, frame: ClientFrame, payload: StartPayload) -> StartPlan:
        """Validate a ``start``.

        Raises:
            ProtocolError: ``mode_unsupported``, ``invalid_message`` (missing
            ``chat_prompt``) or ``prompt_too_long``.
        """
        mode = self._config.mode
        if mode == "tool":
            for name in _CHAT_ONLY_START_FIELDS:
                value = getattr(payload, name)
                if value is not None and value != _NO_SAMPLING:
                    raise _error(frame, ErrorCode.MODE_UNSUPPORTED,
                                 f"{name} needs a chat model; this server runs tool-only", name)
        elif payload.chat_prompt is None:
            raise _error(frame, ErrorCode.INVALID_MESSAGE, "chat_prompt is required", "chat_prompt")
        system = None
        if payload.chat_prompt is not None and self._prompts is not None:
            system = render_system_prompt(payload.chat_prompt, payload.personality, payload.gender)
            try:
                self._prompts.check_system_prompt(system)
            except ProtocolError as exc:
                raise self._with_ids(frame, exc) from None
        persona = Persona(system, payload.personality, payload.gender)
        history = self._start_history(payload) if payload.history else []
        if payload.user_utterance:
            turn = self._turn(frame, persona, history, payload.user_utterance, _NO_SAMPLING)
            return StartPlan(persona, history, payload.sampling, turn)
        warm = None
        if self._config.warm_prompts and self._prompts is not None and mode != "tool":
            warm = self._prompts.render_context(persona, history)
        return StartPlan(persona, history, payload.sampling, None, warm)

    def _start_history(self, payload: StartPayload) -> list[HistoryEntry]:
        """The client's history, counted and trimmed to the budget."""
        sessions = self._config.sessions
        count = self._counter
        entries = [HistoryEntry(m.role, m.content, count(m.content)) for m in payload.history]
        return trim_history(entries, sessions.history_max_tokens, sessions.history_retention_pct)

    def existing(self, frame: ClientFrame, now: float) -> Session:
        """Return the session of a ``message`` or ``followup``, checking the
        deploy mode first (PROTOCOL.md section 3: step 4 before step 5).

        Raises:
            ProtocolError: ``mode_unsupported`` (a ``followup`` without a
            chat model), then ``no_session``.
        """
        if isinstance(frame.payload, FollowupPayload) and self._config.mode == "tool":
            raise _error(frame, ErrorCode.MODE_UNSUPPORTED,
                         "followup needs a chat model; this server runs tool-only")
        session = self._store.get(frame.session_id, now)
        if session is None:
            raise _error(frame, ErrorCode.NO_SESSION,
                         "no such session; send start first", "session_id")
        return session

    def plan_message(self, frame: ClientFrame, payload: MessagePayload, session: Session) -> TurnPlan:
        """Validate a ``message`` on ``session``.

        Raises:
            ProtocolError: ``prompt_too_long``.
        """
        return self._turn(frame, session.persona, session.history,
                          payload.user_utterance, payload.sampling)

    def plan_followup(self, frame: ClientFrame, payload: FollowupPayload, session: Session) -> TurnPlan:
        """Validate a ``followup`` on ``session`` (:meth:`existing` checked the mode).

        Raises:
            ProtocolError: ``prompt_too_long``.
        """
        prefix = self._config.sessions.followup_prefix
        plan = self._turn(frame, session.persona, session.history,
                          payload.analysis_text, _NO_SAMPLING, prefix=prefix)
        return plan._replace(looked=True)  # a screen description: the assistant looked


def ack_frame(frame: ClientFrame, plan: StartPlan, session: Session) -> bytes:
    """The ``ack`` answering a ``start`` that carries no utterance."""
    return encode.ack_frame(
        frame.session_id, frame.request_id,
        personality=plan.persona.personality, gender=plan.persona.gender,
        history_messages=len(session.history), history_tokens=session.history_tokens,
    )


__all__ = ["Admission", "StartPlan", "TurnPlan", "ack_frame"]
