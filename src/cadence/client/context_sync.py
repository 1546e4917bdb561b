"""Deciding what to send so a Cadence session holds what the client holds.

A framework such as Pipecat sends its whole conversation every turn; the
server keeps the session's history itself. :func:`plan_turn` compares the
conversation with a :class:`ServerView` (what this client has sent, and
received, on the session) and returns a :class:`Plan`:

- the conversation extends the view by user messages only: a ``message``
  with just the new text (joined by blank lines when there are several);
- it extends the view by screen descriptions only: a ``followup``;
- nothing new (the server already answered the last user message, as when
  Pipecat runs the LLM again after a function result or an empty user
  turn): nothing is sent;
- anything else (first turn, session lost, system prompt or persona
  changed, context edited, trimmed or appended to by the application): a
  ``start`` that sends the system prompt and history again.

User messages are compared exactly; assistant messages leniently: the
server keeps the text it *sent* (all of it, or up to the cancel of an
interrupted reply), a voice pipeline keeps the text that was *spoken*,
which may be shorter, missing, or recorded after the user message that
interrupted it. A context reply that is a prefix of a sent one (whitespace
aside) still matches; any other difference is an edit and re-sends history
(see :func:`new_user_messages`).

Pure: no I/O, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson

from cadence.client.conversation import Conversation, Item

#: Protocol limit on ``start.history`` (the server's ``HISTORY_MAX_MESSAGES`` default).
MAX_HISTORY_MESSAGES = 256
#: Bytes of a whole ``start`` frame this client sends; the server's frame
#: limit (``WS_MAX_MESSAGE_BYTES``) is 65536 by default.
MAX_START_BYTES = 60_000
#: Room kept in a ``start`` for the envelope and the other payload fields.
_ENVELOPE_BYTES = 1_024
#: Bytes of ``start.history`` allowed when nothing else is large.
MAX_HISTORY_BYTES = 48_000


class SessionSetup(NamedTuple):
    """Session-level values a ``start`` sets; a change needs a new ``start``.

    ``sampling`` is a tuple of sorted ``(key, value)`` pairs so setups compare by value.
    """

    chat_prompt: str | None
    personality: str | None = None
    gender: str | None = None
    sampling: tuple[tuple[str, Any], ...] = ()

    @property
    def sampling_dict(self) -> dict[str, Any]:
        """The sampling as the payload's object."""
        return dict(self.sampling)


@dataclasses.dataclass(frozen=True, slots=True)
class ServerView:
    """What the session holds as far as this client knows: the setup it sent,
    the user and assistant messages in the client's own shape (the server
    joins consecutive user messages into one prompt turn and trims old ones;
    neither matters here), and the screen results already followed up."""

    setup: SessionSetup
    messages: tuple[Item, ...] = ()
    screens_sent: frozenset[str] = frozenset()

    def with_reply(self, text: str) -> ServerView:
        """The view once the turn's reply ``text`` was sent (nothing for an empty reply)."""
        if not text.strip():
            return self
        return dataclasses.replace(self, messages=(*self.messages, Item("assistant", text)))


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """The frames for one turn, in order.

    - ``history`` not ``None``: send ``start`` with ``setup`` and this history,
      with ``utterance`` in it when there is one;
    - otherwise ``utterance``: a ``message``;
    - ``analysis_text``: a ``followup`` (after the ``start`` if there is one);
    - neither: nothing to answer (the conversation ends with a reply).

    ``view`` is what the server holds once these frames are accepted, before
    the reply; ``reason`` says why, for logs.
    """

    view: ServerView
    reason: str
    history: tuple[dict[str, str], ...] | None = None
    utterance: str | None = None
    analysis_text: str | None = None

    @property
    def answers(self) -> bool:
        """Whether the plan starts a turn that gets a reply."""
        return self.utterance is not None or self.analysis_text is not None


def normalize(text: str) -> str:
    """Text with runs of whitespace collapsed, for comparisons."""
    return " ".join(text.split())


def new_user_messages(held: Sequence[Item], said: Sequence[Item]) -> list[Item] | None:
    """The context's user messages the server does not hold yet, or ``None``
    when the context contradicts what it holds.

    User messages must match in order, exactly (whitespace aside): they are
    the conversation's source of truth. Each context reply must be a prefix
    of a held reply, in order; held replies may be missing from the context
    (nothing of them was spoken). Where replies stand between user messages
    is not compared: Pipecat's assistant aggregator records an interrupted
    reply when the interruption reaches it, which can be after the user
    message that interrupted it.
    """
    held_users = [normalize(m.text) for m in held if m.role == "user"]
    said_users = [m for m in said if m.role == "user"]
    if len(said_users) < len(held_users) or any(
        normalize(m.text) != text for m, text in zip(said_users, held_users, strict=False)
    ):
        return None
    replies = iter([normalize(m.text) for m in held if m.role == "assistant"])
    for item in said:
        if item.role == "assistant":
            spoken = normalize(item.text)
            if not any(reply.startswith(spoken) for reply in replies):
                return None
    return said_users[len(held_users):]


def _joined(items: Sequence[Item]) -> str:
    return "\n\n".join(item.text for item in items)


def history_payload(items: Sequence[Item], followup_prefix: str, max_messages: int = MAX_HISTORY_MESSAGES,
                    max_bytes: int = MAX_HISTORY_BYTES) -> tuple[dict[str, str], ...]:
    """``start.history`` for ``items``: screens become user messages behind
    ``followup_prefix`` (as the server stores a ``followup``); the newest
    messages that fit ``max_messages`` and ``max_bytes`` of JSON are kept."""
    history = [
        {"role": "user" if item.role == "screen" else item.role,
         "content": followup_prefix + item.text if item.role == "screen" else item.text}
        for item in items
    ]
    history = history[-max_messages:] if max_messages > 0 else []
    size = sum(len(orjson.dumps(m)) + 1 for m in history)
    while history and size > max_bytes:
        size -= len(orjson.dumps(history.pop(0))) + 1
    return tuple(history)


def _start(setup: SessionSetup, items: tuple[Item, ...], reason: str, followup_prefix: str) -> Plan:
    """A ``start`` re-sending everything: the trailing user run is the
    utterance; trailing screens after it are answered by a ``followup``."""
    end = len(items)
    while end and items[end - 1].role == "screen":
        end -= 1
    tail_screens = items[end:]
    start = end
    while start and items[start - 1].role == "user" and not tail_screens:
        start -= 1
    history_items, users = items[:start], items[start:end]
    sent = frozenset(item.call_id for item in items if item.role == "screen")
    view = ServerView(setup, tuple(i for i in items if i.role != "screen"), sent)
    utterance = _joined(users) if users else ""
    others = len((setup.chat_prompt or "").encode()) + len(utterance.encode()) * 2 + _ENVELOPE_BYTES
    room = min(MAX_HISTORY_BYTES, MAX_START_BYTES - others)
    return Plan(view, reason, history_payload(history_items, followup_prefix, max_bytes=room),
                utterance=utterance or None,
                analysis_text=_joined(tail_screens) if tail_screens else None)


def plan_turn(view: ServerView | None, conversation: Conversation, setup: SessionSetup,
              followup_prefix: str, answer_screens: bool = True) -> Plan:
    """What to send for ``conversation`` given what the server holds (``view``;
    ``None`` when nothing is known: first turn, session lost).

    ``setup`` carries the session-level values (``conversation.chat_prompt``
    is expected in it). ``followup_prefix`` is the server's
    ``FOLLOWUP_PREFIX``, used when screens are sent again as history.
    ``answer_screens`` false (a tool-only server, which refuses ``followup``)
    leaves screen items out entirely.
    """
    items = conversation.items
    if not answer_screens:
        items = tuple(item for item in items if item.role != "screen")
    if view is None:
        return _start(setup, items, "first turn", followup_prefix)
    if setup != view.setup:
        return _start(setup, items, "setup changed", followup_prefix)
    said = [item for item in items if item.role != "screen"]
    rest = new_user_messages(view.messages, said)
    if rest is None:
        return _start(setup, items, "context edited", followup_prefix)
    new_screens = [item for item in items if item.role == "screen" and item.call_id not in view.screens_sent]
    if rest and not new_screens:
        return Plan(dataclasses.replace(view, messages=(*view.messages, *rest)), "new user turn",
                    utterance=_joined(rest))
    if new_screens and not rest:
        sent = view.screens_sent | {item.call_id for item in new_screens}
        return Plan(dataclasses.replace(view, screens_sent=sent), "screen result",
                    analysis_text=_joined(new_screens))
    if rest:
        return _start(setup, items, "user spoke during a screenshot", followup_prefix)
    return Plan(view, "nothing new to answer")


__all__ = [
    "MAX_HISTORY_BYTES",
    "MAX_HISTORY_MESSAGES",
    "MAX_START_BYTES",
    "Plan",
    "ServerView",
    "SessionSetup",
    "history_payload",
    "new_user_messages",
    "normalize",
    "plan_turn",
]
