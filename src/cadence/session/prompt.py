"""Rendering a turn's prompt within the token budgets.

Token counts of stored messages are cached in the history, so fitting a
prompt costs one tokenizer pass over the rendered prompt in the common case,
and a second only when the context limit forces dropping history.
:class:`UserContent` and :class:`BuiltPrompt`, built once per turn, are
named tuples (immutable, far cheaper to build than frozen dataclasses).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import NamedTuple

from cadence.generation import ChatMessage, InvalidRequestError, PromptTokenizer
from cadence.protocol.codes import ErrorCode
from cadence.protocol.errors import ProtocolError
from cadence.session.history import drop_oldest_exchanges
from cadence.session.state import HistoryEntry, Persona

#: Rough per-message cost of chat-template markup, used only for estimates.
TEMPLATE_TOKENS_PER_MESSAGE = 8


@dataclasses.dataclass(frozen=True, slots=True)
class PromptBudgets:
    """Token budgets of PROTOCOL.md section 3, plus the engine's context.

    ``max_prompt_tokens`` is the model length minus the room kept for the
    reply; ``None`` means unlimited (the echo engine).
    """

    chat_prompt_max_tokens: int = 1500
    user_utt_max_tokens: int = 500
    max_prompt_tokens: int | None = None


class UserContent(NamedTuple):
    """The user content of a turn after truncation."""

    text: str
    tokens: int
    truncated: bool


class BuiltPrompt(NamedTuple):
    """A rendered prompt and its exact token count."""

    text: str
    tokens: int
    history_used: int


def render_system_prompt(chat_prompt: str, personality: str | None, gender: str | None) -> str:
    """Substitute the ``{personality}`` and ``{gender}`` markers.

    The validator has already rejected markers whose value is missing.
    """
    text = chat_prompt
    if personality is not None:
        text = text.replace("{personality}", personality)
    if gender is not None:
        text = text.replace("{gender}", gender)
    return text


def as_messages(entries: Sequence[HistoryEntry]) -> list[ChatMessage]:
    """History entries as prompt messages, one each: runs of one role stay
    apart, and the tokenizer joins them if its template needs to."""
    return [ChatMessage(entry.role, entry.content) for entry in entries]


class PromptBuilder:
    """Counts, truncates and renders with the chat engine's tokenizer."""

    def __init__(self, tokenizer: PromptTokenizer, budgets: PromptBudgets) -> None:
        self._tokenizer = tokenizer
        self._budgets = budgets
        #: The last system prompt counted and its count: sessions mostly share one.
        self._system: tuple[str, int] | None = None

    def count(self, text: str) -> int:
        """Token count of a message body."""
        return self._tokenizer.count(text)

    @property
    def counter(self) -> Callable[[str], int]:
        """:meth:`count` as the tokenizer's own function (one call less)."""
        return self._tokenizer.count

    def check_system_prompt(self, system_prompt: str, field: str = "chat_prompt") -> int:
        """Return the token count of a rendered system prompt (counted once
        for a run of equal ones).

        Raises:
            ProtocolError: ``prompt_too_long`` when over its budget.
        """
        last = self._system
        if last is not None and last[0] == system_prompt:
            tokens = last[1]
        else:
            tokens = self._tokenizer.count(system_prompt)
            self._system = (system_prompt, tokens)
        limit = self._budgets.chat_prompt_max_tokens
        if tokens > limit:
            raise ProtocolError(
                ErrorCode.PROMPT_TOO_LONG,
                f"chat_prompt is {tokens} tokens; the limit is {limit}",
                field=field,
                details={"tokens": tokens, "limit": limit},
            )
        return tokens

    def user_content(self, text: str) -> UserContent:
        """Cut ``text`` to its last ``user_utt_max_tokens`` tokens if longer."""
        limit = self._budgets.user_utt_max_tokens
        tokens = self._tokenizer.count(text)
        if tokens <= limit:
            return UserContent(text, tokens, truncated=False)
        tail = self._tokenizer.tail(text, limit)
        return UserContent(tail, self._tokenizer.count(tail), truncated=True)

    def build(
        self, persona: Persona, history: Sequence[HistoryEntry], user: UserContent
    ) -> BuiltPrompt:
        """Render system prompt, history and the user content.

        History is dropped oldest exchange first only if the whole prompt
        would not fit the engine's context.

        Raises:
            ProtocolError: ``prompt_too_long`` when the prompt cannot fit even
            with no history.
        """
        prompt = self._render(persona, history, user)
        limit = self._budgets.max_prompt_tokens
        if limit is None or prompt.tokens <= limit:
            return prompt
        overshoot = prompt.tokens - limit
        kept_tokens = sum(entry.tokens for entry in history) - overshoot
        kept = drop_oldest_exchanges(history, max(0, kept_tokens - TEMPLATE_TOKENS_PER_MESSAGE))
        prompt = self._render(persona, kept, user)
        if prompt.tokens <= limit:
            return prompt
        if kept:
            prompt = self._render(persona, (), user)
        if prompt.tokens <= limit:
            return prompt
        raise ProtocolError(
            ErrorCode.PROMPT_TOO_LONG,
            f"the prompt needs {prompt.tokens} tokens even without history; the model allows {limit}",
            details={"tokens": prompt.tokens, "limit": limit},
        )

    def render_variant(
        self,
        persona: Persona,
        history: Sequence[HistoryEntry],
        user_text: str,
        built: BuiltPrompt,
    ) -> str:
        """Render ``built``'s prompt again with other user content (same
        history cut), without counting tokens: for the screenshot variant."""
        kept = history[len(history) - built.history_used :] if built.history_used else ()
        return self._messages_text(persona, kept, user_text)

    def render_context(self, persona: Persona, history: Sequence[HistoryEntry]) -> str | None:
        """The system prompt and history as the next turn's prompt starts
        (a generation prompt ends it), or ``None`` if there is no system
        prompt or the template refuses messages without a user turn."""
        if persona.system_prompt is None:
            return None
        messages = [ChatMessage("system", persona.system_prompt), *as_messages(history)]
        try:
            return self._tokenizer.render(messages)
        except InvalidRequestError:
            return None

    def _messages_text(self, persona: Persona, history: Sequence[HistoryEntry], user_text: str) -> str:
        """Render system prompt, history and ``user_text`` (the last message)."""
        system = persona.system_prompt
        messages = [ChatMessage("system", system)] if system is not None else []
        messages.extend(as_messages(history))
        messages.append(ChatMessage("user", user_text))
        return self._tokenizer.render(messages)

    def _render(
        self, persona: Persona, history: Sequence[HistoryEntry], user: UserContent
    ) -> BuiltPrompt:
        text = self._messages_text(persona, history, user.text)
        return BuiltPrompt(text, self._tokenizer.count_rendered(text), len(history))


__all__ = [
    "BuiltPrompt",
    "PromptBudgets",
    "PromptBuilder",
    "UserContent",
    "as_messages",
    "render_system_prompt",
]
