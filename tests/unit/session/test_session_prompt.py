"""PromptBuilder: markers, user truncation, context fitting (counted renders)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.engines.base import ChatMessage, PromptTokenizer, join_same_role
from cadence.protocol.errors import ProtocolError
from cadence.session.prompt import (
    PromptBudgets,
    PromptBuilder,
    UserContent,
    as_messages,
    render_system_prompt,
)
from cadence.session.state import HistoryEntry, Persona

PERSONA = Persona("sys tem", None, None)


class CountingTokenizer:
    """Words are tokens; each rendered message costs ``overhead`` more."""

    def __init__(self, overhead: int = 3, odd_penalty: int = 0) -> None:
        self.overhead = overhead
        self.odd_penalty = odd_penalty
        self.renders = 0
        self.counted = 0

    def count(self, text: str) -> int:
        return len(text.split())

    def tail(self, text: str, max_tokens: int) -> str:
        return " ".join(text.split()[-max_tokens:])

    def render(self, messages: Sequence[ChatMessage]) -> str:
        self.renders += 1
        return orjson.dumps([[m.role, m.content] for m in messages]).decode()

    def count_rendered(self, prompt: str) -> int:
        self.counted += 1
        messages = orjson.loads(prompt)
        words = sum(len(content.split()) for _, content in messages)
        penalty = self.odd_penalty if len(messages) == 4 else 0  # not additive on purpose
        return words + self.overhead * len(messages) + penalty


def _history(exchanges: int, words: int = 5) -> list[HistoryEntry]:
    out = []
    for i in range(exchanges):
        out.append(HistoryEntry("user", " ".join([f"u{i}"] * words), words))
        out.append(HistoryEntry("assistant", " ".join([f"a{i}"] * words), words))
    return out


def test_the_fake_is_a_prompt_tokenizer() -> None:
    assert isinstance(CountingTokenizer(), PromptTokenizer)


def test_marker_substitution() -> None:
    assert render_system_prompt("Be {personality}, a {gender} voice.", "calm", "male") == \
        "Be calm, a male voice."
    assert render_system_prompt("{personality} {personality}", "x", None) == "x x"
    assert render_system_prompt("plain {gender}", None, None) == "plain {gender}"


def test_system_prompt_budget_counts_the_rendered_text() -> None:
    builder = PromptBuilder(CountingTokenizer(), PromptBudgets(chat_prompt_max_tokens=3))
    assert builder.check_system_prompt(render_system_prompt("be {personality}", "very", None)) == 2
    with pytest.raises(ProtocolError) as info:
        builder.check_system_prompt("one two three four")
    assert info.value.code == "prompt_too_long" and info.value.field == "chat_prompt"
    assert info.value.details["tokens"] == 4 and info.value.details["limit"] == 3


def test_truncation_keeps_the_end() -> None:
    builder = PromptBuilder(CountingTokenizer(), PromptBudgets(user_utt_max_tokens=3))
    assert builder.user_content("a b c") == UserContent("a b c", 3, truncated=False)
    assert builder.user_content("a b c d e") == UserContent("c d e", 3, truncated=True)


def test_join_same_role_joins_runs_with_a_blank_line() -> None:
    messages = [ChatMessage("user", "a"), ChatMessage("user", "b"), ChatMessage("assistant", "c"),
                ChatMessage("user", "d")]
    assert join_same_role(messages) == [ChatMessage("user", "a\n\nb"), ChatMessage("assistant", "c"),
                                        ChatMessage("user", "d")]


def test_fitting_renders_once_when_it_fits() -> None:
    tokenizer = CountingTokenizer()
    builder = PromptBuilder(tokenizer, PromptBudgets(max_prompt_tokens=None))
    prompt = builder.build(PERSONA, _history(50), UserContent("hi", 1, False))
    assert (tokenizer.renders, tokenizer.counted) == (1, 1)
    assert prompt.history_used == 100


@given(st.integers(0, 30), st.integers(1, 9), st.integers(10, 200), st.integers(0, 6))
def test_fitting_renders_at_most_twice(exchanges: int, words: int, limit: int, overhead: int) -> None:
    tokenizer = CountingTokenizer(overhead)
    builder = PromptBuilder(tokenizer, PromptBudgets(max_prompt_tokens=limit))
    history = _history(exchanges, words)
    user = UserContent("hello there", 2, False)
    if 2 + 2 + 2 * overhead > limit:  # even the bare prompt does not fit
        with pytest.raises(ProtocolError, match="even without history"):
            builder.build(PERSONA, history, user)
    else:
        prompt = builder.build(PERSONA, history, user)
        assert prompt.tokens <= limit and prompt.tokens == tokenizer.count_rendered(prompt.text)
        kept = history[len(history) - prompt.history_used:] if prompt.history_used else []
        assert prompt.history_used % 2 == 0  # whole exchanges
        messages = orjson.loads(prompt.text)
        assert [c for _, c in messages[1:-1]] == [e.content for e in kept]
    assert tokenizer.renders <= 2


def test_a_wrong_estimate_falls_back_to_no_history() -> None:
    tokenizer = CountingTokenizer(overhead=0, odd_penalty=50)
    builder = PromptBuilder(tokenizer, PromptBudgets(max_prompt_tokens=30))
    prompt = builder.build(PERSONA, _history(4), UserContent("hi", 1, False))
    # 43 tokens > 30: keep one exchange by the estimate, which the penalty
    # makes 63; the third render (no history) is the safety net.
    assert prompt.history_used == 0 and tokenizer.renders == 3


def test_prompt_too_long_without_history() -> None:
    builder = PromptBuilder(CountingTokenizer(0), PromptBudgets(max_prompt_tokens=3))
    with pytest.raises(ProtocolError) as info:
        builder.build(PERSONA, [], UserContent("a b c", 3, False))
    assert info.value.code == "prompt_too_long" and info.value.details == {"tokens": 5, "limit": 3}


@given(st.lists(st.tuples(st.sampled_from(["user", "assistant"]), st.text("ab ", max_size=5)), max_size=6),
       st.sampled_from([None, "sys"]))
def test_render_passes_every_message_and_the_user_content_last(
    turns: list[tuple[str, str]], system: str | None
) -> None:
    tokenizer = CountingTokenizer()
    history = [HistoryEntry("user" if role == "user" else "assistant", text, 0) for role, text in turns]
    prompt = PromptBuilder(tokenizer, PromptBudgets()).build(Persona(system), history, UserContent("hi", 1, False))
    expected = ([ChatMessage("system", system)] if system is not None else []) + as_messages(
        [*history, HistoryEntry("user", "hi", 1)]
    )
    assert prompt.text == tokenizer.render(expected)


def test_an_equal_system_prompt_is_counted_once() -> None:
    calls: list[str] = []

    class Recording(CountingTokenizer):
        def count(self, text: str) -> int:
            calls.append(text)
            return len(text.split())

    builder = PromptBuilder(Recording(), PromptBudgets(chat_prompt_max_tokens=3))
    assert [builder.check_system_prompt(p) for p in ("a b", "a b", "c", "a b")] == [2, 2, 1, 2]
    assert calls == ["a b", "c", "a b"]
    for _ in range(2):  # over the budget, remembered or not
        with pytest.raises(ProtocolError, match="4 tokens"):
            builder.check_system_prompt("a b c d")
