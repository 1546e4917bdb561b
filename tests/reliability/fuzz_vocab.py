"""The fuzzer's vocabulary (valid and broken values for every part of a
frame, as PROTOCOL.md shapes them) and the choosers that drive generation."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

T = TypeVar("T")

# -- the generators' vocabulary (immutable: JSON arrays and objects are Raw) ----------


class Raw(NamedTuple):
    """JSON text written as is (numbers JSON allows but Python would rewrite)."""

    text: str


class Pairs(NamedTuple):
    """A JSON object as key/value pairs, in order, duplicates allowed."""

    items: tuple[tuple[str, object], ...]


SIDS = ("s1", "s2")
REQUEST_IDS = ("r1", "r2", "r3")
ODD_VALID_IDS = ("a.b:c-D_9", "x" * 128, "unknown", "0")
BAD_IDS: tuple[object, ...] = ("", "x" * 129, "bad id", "ü", "a/b", "r1\x00", "r1 ", 7, 1.5, None, True,
                               Raw('["r1"]'), Raw('{"id":"r1"}'))
FRAME_TYPES = ("message", "message", "message", "message", "message", "start", "start", "start",
               "cancel", "cancel", "followup", "followup", "ping", "pong", "end")
BAD_TYPES: tuple[object, ...] = ("", "Start", "START", "hello", "ack", "done", "error", " ping", "ping\x00",
                                 1, None, Raw('["start"]'), True)
WORDS = ("a", "bb", "hello", "world", "ok")
ODD_CHARS = ("\x00", "\u202e", "\u200f", "\u0627", "😀", "👩\u200d👩\u200d👧", "\ufeff", "\u2028", "\u0301",
             "\ud800", "\udfff", "\\", '"', "\t", "\n", "\u3000", "\x85", "\xa0", "İ", "ß", "\u212a", "{",
             "}", "\x7f", "\U0010ffff", "\ufffe", "{personality}", "{gender}", "MUST CHECK SCREEN:",
             "ON THE SCREEN NOW:")
BLANKS = ("", " ", "\t\n", "\u3000", "\x85", "\u2028", "\xa0 ")
DEEP = (Raw("[" * 100 + "]" * 100), Raw("[" * 1100 + "]" * 1100), Raw('{"a":' * 600 + "1" + "}" * 600))
HUGE_NUMBERS = (Raw("1" + "0" * 400), Raw("1e400"), Raw("-1e-400"), Raw("123456789012345678901234567890"),
                Raw("-0"), Raw("0.1e1"))
NOT_STRINGS: tuple[object, ...] = (0, 1.5, True, False, None, Raw("[]"), Raw('["x"]'), Raw('{"a":"b"}'),
                                   *HUGE_NUMBERS, DEEP[0])
NOT_OBJECTS: tuple[object, ...] = (Raw("[]"), "x", None, 1, Raw("[{}]"), True, DEEP[0])
V_VALUES: tuple[object, ...] = (1, 1, 1.0, True, 2, "1", None, 0, Raw("1.0"), Raw("1e0"))
PROMPTS = ("be kind", "be kind", "be kind", "be {personality}", "you are {gender}",
           "{personality} {gender} ok", "w w w w w w w")
BAD_PROMPTS: tuple[object, ...] = ("", *NOT_STRINGS)
PERSONALITIES = ("calm", "Calm", "a" * 32, "so_nice-ish", "\u212a", "ß", "CALM")
BAD_PERSONALITIES: tuple[object, ...] = ("", "a" * 33, "calm1", "cálm", "İ", " calm", "ǅ", *NOT_STRINGS)
GENDERS = ("female", "male")
BAD_GENDERS: tuple[object, ...] = ("Female", "", "other", "male ", 1, None, True)
ROLES = ("user", "assistant")
BAD_ROLES: tuple[object, ...] = ("system", "User", "", None, 1, "tool")
BAD_HISTORIES: tuple[object, ...] = ("x", Raw("{}"), None, Raw("[1]"), Raw("[[]]"), Raw("[null]"), DEEP[1], 3)
EXTRA_KEYS = ("extra", "", "Type", "payload ", "ü", "\u202e", "a" * 100, "user_utterance", "type", "seed")
EXTRA_VALUES: tuple[object, ...] = (1, "x", None, Raw("[]"), Raw("{}"), *DEEP)
#: (field, valid values, invalid values) of ``sampling`` (World: CHAT_MAX_OUT 20).
SAMPLING_FIELDS: tuple[tuple[str, tuple[object, ...], tuple[object, ...]], ...] = (
    ("temperature", (0, 0.7, 2, Raw("-0.0"), 1e-300), (-0.001, 2.0001, "1", True, None, 1e308, Raw("1e400"))),
    ("top_p", (1, 0.5, 1e-9), (0, 0.0, -0.5, 1.0000001, "0.5", None, False)),
    ("top_k", (0, 1, 50, 2**63 - 1), (-1, 1.0, 5.0, True, "3", 2**64, Raw("1e2"))),
    ("min_p", (0, 0.5, 1), (-0.1, 1.1, None)),
    ("repetition_penalty", (1, 0.5, 2), (0, -1, 2.5, None)),
    ("presence_penalty", (-2, 0, 2), (-2.01, 3, "0", None)),
    ("frequency_penalty", (-2, 0, 2), (-2.01, 3, Raw("[]"), None)),
    ("max_tokens", (1, 5, 20), (0, 21, 10**6, -1, 1.0, True, None, Raw("1" + "0" * 30))),
    ("sanitize_output", (True, False), (0, 1, "true", None)),
)
RAW_TEXTS = ("", " ", "{", "}", "[]", "[1, 2]", "null", "true", "0", '"ping"', "{nope", '{"type":',
             "{'type': 'ping'}", '{"type":"ping",}', "{}", "{}{}", "\ufeff{}", "NaN", "Infinity", "-",
             "1e999", '{"a":1e999}', "\x00", '{"\\ud800":1}', '{"type":"\\u0070ing","session_id":"s1",'
             '"request_id":"r1"}', '{"type":"ping","session_id":"s1","request_id":"r1"} x',
             '{"type":"ping","session_id":"s1","request_id":"r1","payload":{},"payload":[]}')
JSON_TOKENS = ("{", "}", "[", "]", ":", ",", '"', '"type"', '"ping"', '"session_id"', '"s1"', "1", "-",
               "e", ".", "true", "null", " ", "\\", "\\u", "\\ud800", "\n", "😀")
TRAILERS = (" x", "{}", ",", "]", "\x00", " ")
LEADERS = ("\ufeff", " \n\t", "[", "x")
ENGINE_EVENTS = ("delta", "delta", "delta", "stream", "stream", "finish_stop", "finish_length",
                 "engine_error", "generation_timeout", "internal_error", "tool_yes", "tool_no", "discard")
ENGINE_TEXTS = (" a", " bb", "hello", "", " 😀", "\n", " \u202e x", " ok.")
LIFE_EVENTS = ("disconnect", "disconnect", "disconnect", "idle", "drain", "shutdown", "internal")
TICKS = (0.0, 0.01, 0.5, 2.0, 11.0, 61.0, 150.0)
#: Limits over core_fakes.make_config's (messages 6 and cancels 4 per 10 s,
#: invalid 3): the defaults, roomy ones, none.
PROFILES: tuple[tuple[tuple[str, int], ...], ...] = (
    (), (("max_invalid", 20), ("max_messages", 40), ("max_cancels", 40)),
    (("max_invalid", 0), ("max_messages", 0), ("max_cancels", 0)))
#: Percentages of broken parts a case may use.
NOISE = (3, 10, 30)
MODES: tuple[tuple[str, int | None], ...] = (("chat", None), ("both", None), ("chat", 12), ("tool", None))

# -- choosers -------------------------------------------------------------------------


class Chooser(Protocol):
    """The source of every decision a generator makes.

    ``noise`` is the percentage with which a part of a frame is broken (a
    case picks it: mostly valid traffic drives turns, noisy traffic the
    error paths).
    """

    noise: int

    def pick(self, options: Sequence[T]) -> T:
        """One of ``options``; shrinks towards the first."""
        ...

    def number(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``; shrinks towards ``low``."""
        ...

    def chance(self, percent: int) -> bool:
        """True about ``percent`` % of the time; shrinks towards False."""
        ...

    def blob(self, max_size: int) -> bytes:
        """Up to ``max_size`` arbitrary bytes."""
        ...


class RandomChooser:
    """A :class:`Chooser` over :class:`random.Random` (fast; replayable by seed)."""

    def __init__(self, rng: random.Random, noise: int = 10) -> None:
        self._rng = rng
        self.noise = noise

    def pick(self, options: Sequence[T]) -> T:
        return options[self._rng.randrange(len(options))]

    def number(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self._rng.random() * 100 < percent

    def blob(self, max_size: int) -> bytes:
        return self._rng.randbytes(self._rng.randint(0, max_size))


class DrawChooser:
    """A :class:`Chooser` over hypothesis draws (``draw`` of ``st.composite``)."""

    def __init__(self, draw: Callable[[Any], Any], noise: int = 10) -> None:
        from hypothesis import strategies

        self._draw = draw
        self._st = strategies
        self.noise = noise

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self._draw(self._st.integers(0, len(options) - 1)))]

    def number(self, low: int, high: int) -> int:
        return int(self._draw(self._st.integers(low, high)))

    def chance(self, percent: int) -> bool:
        return bool(self._draw(self._st.integers(0, 99)) >= 100 - percent)

    def blob(self, max_size: int) -> bytes:
        return bytes(self._draw(self._st.binary(max_size=max_size)))


def odd(ch: Chooser, divisor: int = 1) -> bool:
    """Whether to break this part: ``ch.noise / divisor`` percent (at least 1)."""
    return ch.chance(max(1, ch.noise // divisor))


__all__ = [
    "BAD_IDS", "BAD_TYPES", "DEEP", "ENGINE_EVENTS", "ENGINE_TEXTS", "FRAME_TYPES", "LIFE_EVENTS",
    "MODES", "NOISE", "ODD_VALID_IDS", "PROFILES", "REQUEST_IDS", "SIDS", "TICKS", "WORDS",
    "Chooser", "DrawChooser", "Pairs", "RandomChooser", "Raw", "odd",
]
