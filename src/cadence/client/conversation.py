"""A client-side conversation as Cadence can hold it, read from chat messages.

Frameworks such as Pipecat keep the whole conversation on the client as
OpenAI-style messages (``{"role": ..., "content": ...}``) and send all of it
every turn. Cadence keeps a session instead: a system prompt (``chat_prompt``),
user and assistant messages, and screen descriptions that answered a
``take_screenshot`` call. :func:`read_messages` projects the first onto the
second; :mod:`cadence.client.context_sync` then decides what to send.

Pure: no I/O, no framework import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

import orjson

#: The function name a ``toolcall`` with status ``yes`` becomes on the client.
SCREENSHOT_FUNCTION = "take_screenshot"

#: Tool-message contents that are placeholders, not a screen description.
PENDING_RESULTS = frozenset({"IN_PROGRESS", "CANCELLED", "COMPLETED"})

ItemRole = Literal["user", "assistant", "screen"]


class Item(NamedTuple):
    """One step of a conversation.

    ``screen`` items carry a screen description (the result of a
    ``take_screenshot`` call) and the call's id; Cadence receives them as
    ``followup`` turns, or as user messages with the server's followup
    prefix when history is sent again.
    """

    role: ItemRole
    text: str
    call_id: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Conversation:
    """What a client-side context holds, in Cadence's terms.

    ``chat_prompt`` joins the system (and ``developer``) messages with blank
    lines, wherever they stand; ``None`` when there are none.
    """

    chat_prompt: str | None
    items: tuple[Item, ...]


def content_text(content: Any) -> str:
    """The text of a message's ``content``: a string, or the ``text`` parts
    of a list of content parts joined by newlines (images and audio are
    dropped: Cadence's models read text)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, Mapping) and p.get("type") == "text"]
        return "\n".join(p for p in parts if isinstance(p, str))
    return ""


def result_text(content: str) -> str:
    """A function result as prose: a JSON string is decoded, other JSON is
    kept compact, anything else is taken as it is."""
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        return content
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _screenshot_calls(messages: Iterable[Mapping[str, Any]]) -> set[str]:
    calls: set[str] = set()
    for message in messages:
        for call in message.get("tool_calls") or ():
            function = call.get("function") if isinstance(call, Mapping) else None
            if isinstance(function, Mapping) and function.get("name") == SCREENSHOT_FUNCTION:
                calls.add(str(call.get("id", "")))
    return calls


def read_messages(messages: Iterable[Any], system_instruction: str | None = None) -> Conversation:
    """Project OpenAI-style messages onto a :class:`Conversation`.

    - ``system``/``developer`` messages form ``chat_prompt``, after
      ``system_instruction`` when one is given;
    - ``user`` and ``assistant`` messages with text become items (an
      assistant message that only calls tools has none);
    - a ``tool`` message answering a ``take_screenshot`` call becomes a
      ``screen`` item once it holds a result (not a placeholder such as
      ``IN_PROGRESS``); other tools' messages are not Cadence's and are left out.

    Entries that are not mappings (framework-specific messages) are skipped.
    """
    dicts = [m for m in messages if isinstance(m, Mapping)]
    screenshot_calls = _screenshot_calls(dicts)
    prompts = [system_instruction] if system_instruction and system_instruction.strip() else []
    items: list[Item] = []
    for message in dicts:
        role = message.get("role")
        text = content_text(message.get("content"))
        if role in ("system", "developer"):
            if text.strip():
                prompts.append(text)
        elif role in ("user", "assistant"):
            if text.strip():
                items.append(Item(role, text))
        elif role == "tool":
            call_id = str(message.get("tool_call_id", ""))
            if call_id in screenshot_calls and text.strip() and text not in PENDING_RESULTS:
                items.append(Item("screen", result_text(text), call_id))
    return Conversation("\n\n".join(prompts) if prompts else None, tuple(items))


__all__ = [
    "PENDING_RESULTS",
    "SCREENSHOT_FUNCTION",
    "Conversation",
    "Item",
    "ItemRole",
    "content_text",
    "read_messages",
    "result_text",
]
