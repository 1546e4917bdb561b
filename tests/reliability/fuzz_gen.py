"""Frame generators over :mod:`fuzz_vocab`: structured frames whose every
part may be valid or broken, raw non-frames, binary bodies; JSON written by
hand so duplicate keys, huge numbers and deep nesting survive."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from fuzz_vocab import (
    BAD_GENDERS,
    BAD_HISTORIES,
    BAD_IDS,
    BAD_PERSONALITIES,
    BAD_PROMPTS,
    BAD_ROLES,
    BAD_TYPES,
    BLANKS,
    EXTRA_KEYS,
    EXTRA_VALUES,
    FRAME_TYPES,
    GENDERS,
    JSON_TOKENS,
    LEADERS,
    NOT_OBJECTS,
    NOT_STRINGS,
    ODD_CHARS,
    ODD_VALID_IDS,
    PERSONALITIES,
    PROMPTS,
    RAW_TEXTS,
    REQUEST_IDS,
    ROLES,
    SAMPLING_FIELDS,
    SIDS,
    TRAILERS,
    V_VALUES,
    WORDS,
    Chooser,
    Pairs,
    Raw,
    odd,
)

# -- JSON writing ---------------------------------------------------------------------


def write_json(value: object, ascii_only: bool) -> str:
    """JSON text of ``value``; :class:`Raw` verbatim, :class:`Pairs` as an object."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Pairs | dict):
        items = value.items if isinstance(value, Pairs) else tuple(value.items())
        body = ",".join(f"{json.dumps(k, ensure_ascii=ascii_only)}:{write_json(v, ascii_only)}"
                        for k, v in items)
        return "{" + body + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(write_json(item, ascii_only) for item in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def sendable(text: str) -> bool:
    """Whether a WebSocket text frame can carry ``text`` (no lone surrogates)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _serialize(ch: Chooser, value: object) -> str:
    """``value`` as frame text, sometimes escaped, truncated or padded; always sendable."""
    ascii_only = ch.chance(30)
    text = write_json(value, ascii_only)
    if not ascii_only and not sendable(text):
        text = write_json(value, True)  # lone surrogates travel escaped
    if not odd(ch, 3):
        return text
    kind = ch.pick(("truncate", "trail", "lead"))
    if kind == "truncate":
        return text[: ch.number(0, max(0, len(text) - 1))]
    return text + ch.pick(TRAILERS) if kind == "trail" else ch.pick(LEADERS) + text


# -- frame generators -------------------------------------------------------------------


def text_value(ch: Chooser) -> str:
    """Text for an utterance, prompt or reason: words, blanks, unicode edge cases, long runs."""
    kind = ch.pick(("words", "words", "words", "words", "blank", "odd", "mixed", "long", "huge"))
    if kind == "words":
        return " ".join(ch.pick(WORDS) for _ in range(ch.number(1, 6)))
    if kind == "blank":
        return ch.pick(BLANKS)
    if kind == "odd":
        return "".join(ch.pick(ODD_CHARS) for _ in range(ch.number(1, 12)))
    if kind == "mixed":
        return " ".join(ch.pick(WORDS + ODD_CHARS) for _ in range(ch.number(1, 8)))
    if kind == "long":
        return (ch.pick(WORDS) + " ") * ch.number(50, 3000)
    unit = ch.pick(WORDS + ODD_CHARS)
    return unit * (ch.number(20_000, 70_000) // len(unit)) if ch.chance(10) else unit * ch.number(1, 500)


def _value(ch: Chooser, good: Callable[[Chooser], object], bad: Sequence[object]) -> object:
    """Usually ``good(ch)``, sometimes a value of the wrong type or range."""
    return ch.pick(bad) if odd(ch) else good(ch)


def _history(ch: Chooser) -> object:
    """A ``history`` value: messages, sometimes broken, sometimes too many."""
    if odd(ch):
        return ch.pick(BAD_HISTORIES)
    count = ch.pick((1, 2, 0, 3, 5, 257))
    if count == 257:  # one over HISTORY_MAX_MESSAGES
        return [{"role": "user", "content": "x"}] * count
    items: list[object] = []
    for _ in range(count):
        pairs = [("role", ch.pick(BAD_ROLES) if odd(ch, 2) else ch.pick(ROLES)),
                 ("content", _value(ch, text_value, NOT_STRINGS))]
        if odd(ch, 3):
            pairs.pop(ch.number(0, 1))
        if odd(ch, 3):
            pairs.append((ch.pick(EXTRA_KEYS), 1))
        items.append(ch.pick(NOT_OBJECTS) if odd(ch, 4) else Pairs(tuple(pairs)))
    return items


def _sampling(ch: Chooser) -> object:
    """A ``sampling`` object: a few fields, each valid or not, duplicates possible."""
    if odd(ch, 2):
        return ch.pick(NOT_OBJECTS)
    pairs: list[tuple[str, object]] = []
    for _ in range(ch.number(0, 3)):
        name, good, bad = ch.pick(SAMPLING_FIELDS)
        pairs.append((name, ch.pick(bad) if odd(ch) else ch.pick(good)))
    if odd(ch, 2):
        pairs.append((ch.pick(EXTRA_KEYS), 1))
    return Pairs(tuple(pairs))


def _prompt(ch: Chooser) -> str:
    return text_value(ch) if ch.chance(15) else ch.pick(PROMPTS)


def _start_fields(ch: Chooser) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    if not odd(ch, 2):
        pairs.append(("chat_prompt", _value(ch, _prompt, BAD_PROMPTS)))
    if ch.chance(40):
        pairs.append(("personality", _value(ch, lambda c: c.pick(PERSONALITIES), BAD_PERSONALITIES)))
    if ch.chance(30):
        pairs.append(("gender", _value(ch, lambda c: c.pick(GENDERS), BAD_GENDERS)))
    if ch.chance(30):
        pairs.append(("history", _history(ch)))
    if ch.chance(60):
        pairs.append(("user_utterance", _value(ch, text_value, NOT_STRINGS)))
    if ch.chance(25):
        pairs.append(("sampling", _sampling(ch)))
    return pairs


def _payload(ch: Chooser, kind: object) -> object | None:
    """The ``payload`` of a ``kind`` frame (``None``: leave the key out)."""
    if odd(ch, 3):
        return None if ch.chance(50) else ch.pick(NOT_OBJECTS)
    if not isinstance(kind, str) or kind not in FRAME_TYPES:
        kind = ch.pick(FRAME_TYPES)  # an unknown type still carries something
    pairs: list[tuple[str, object]] = []
    if kind == "start":
        pairs = _start_fields(ch)
    elif kind == "message":
        if not odd(ch, 3):
            pairs.append(("user_utterance", _value(ch, text_value, NOT_STRINGS)))
        if ch.chance(25):
            pairs.append(("sampling", _sampling(ch)))
    elif kind == "followup" and not odd(ch, 3):
        pairs.append(("analysis_text", _value(ch, text_value, NOT_STRINGS)))
    elif kind == "cancel" and ch.chance(40):
        pairs.append(("reason", _value(ch, text_value, NOT_STRINGS)))
    if odd(ch, 2):
        pairs.append((ch.pick(EXTRA_KEYS), ch.pick(EXTRA_VALUES)))
    if pairs and odd(ch, 3):
        pairs.append(ch.pick(pairs))  # a duplicate key
    return Pairs(tuple(pairs))


def _session_id(ch: Chooser, home: str) -> object:
    if not odd(ch, 2):
        return home
    return ch.pick(SIDS + ODD_VALID_IDS) if ch.chance(50) else ch.pick(BAD_IDS)


def _request_id(ch: Chooser, request_ids: Sequence[str], odd_ids: Sequence[str]) -> object:
    if not odd(ch, 2):
        return ch.pick(request_ids)
    return ch.pick(odd_ids) if ch.chance(40) else ch.pick(BAD_IDS)


def structured_frame(ch: Chooser, home: str, request_ids: Sequence[str] = REQUEST_IDS,
                     odd_ids: Sequence[str] = ODD_VALID_IDS) -> str:
    """A frame of PROTOCOL.md's shape whose every part may be valid, wrong,
    missing, duplicated, reordered or extra. ``home`` is the usual session
    id; request ids come from ``request_ids``, sometimes ``odd_ids`` (valid
    but unusual) or invalid ones."""
    kind = ch.pick(BAD_TYPES) if odd(ch, 2) else ch.pick(FRAME_TYPES)
    pairs: list[tuple[str, object]] = []
    if not odd(ch, 8):
        pairs.append(("type", kind))
    if not odd(ch, 8):
        pairs.append(("session_id", _session_id(ch, home)))
    if not odd(ch, 8):
        pairs.append(("request_id", _request_id(ch, request_ids, odd_ids)))
    if ch.chance(5):
        pairs.append(("v", ch.pick(V_VALUES)))
    payload = _payload(ch, kind)
    if payload is not None:
        pairs.append(("payload", payload))
    if odd(ch, 4):
        pairs.append((ch.pick(EXTRA_KEYS), ch.pick(EXTRA_VALUES)))
    if pairs and odd(ch, 4):
        pairs.append(ch.pick(pairs))
    if ch.chance(10):
        pairs.reverse()
    return _serialize(ch, Pairs(tuple(pairs)))


def raw_text(ch: Chooser) -> str:
    """Text that is not a frame: broken or non-object JSON, decoded noise, deep nesting."""
    kind = ch.pick(("sample", "sample", "bytes", "soup", "deep"))
    if kind == "sample":
        return ch.pick(RAW_TEXTS)
    if kind == "bytes":
        return ch.blob(200).decode(ch.pick(("utf-8", "latin-1")), errors="replace")
    if kind == "soup":
        return "".join(ch.pick(JSON_TOKENS) for _ in range(ch.number(1, 30)))
    opener = ch.pick(("[", '{"a":', '[{"b":'))
    depth = ch.number(1, 3000)
    return opener * depth if ch.chance(50) else opener * depth + "1" + "]" * depth


def frame_text(ch: Chooser, home: str, request_ids: Sequence[str] = REQUEST_IDS,
               odd_ids: Sequence[str] = ODD_VALID_IDS) -> str:
    """One text frame: mostly :func:`structured_frame`, sometimes :func:`raw_text`."""
    return raw_text(ch) if odd(ch, 2) else structured_frame(ch, home, request_ids, odd_ids)


def binary_frame(ch: Chooser) -> bytes:
    """The body of a binary frame (the core never reads it; a socket does)."""
    kind = ch.pick(("frame", "noise", "empty", "invalid"))
    if kind == "frame":
        return b'{"type":"ping","session_id":"s1","request_id":"r1"}'
    if kind == "noise":
        return ch.blob(64)
    return b"" if kind == "empty" else b"\xff\xfe\xfd"


__all__ = ["binary_frame", "frame_text", "raw_text", "sendable", "structured_frame", "text_value",
           "write_json"]
