"""What a client that holds the whole conversation sends: start, message,
followup or nothing (cadence.client.conversation and context_sync, pure)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cadence.client.context_sync import (
    ServerView,
    SessionSetup,
    history_payload,
    plan_turn,
)
from cadence.client.conversation import Conversation, Item, read_messages

PREFIX = "ON THE SCREEN NOW: "
SETUP = SessionSetup("You are kind.")


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def conversation(*messages: dict[str, Any]) -> Conversation:
    return read_messages([{"role": "system", "content": "You are kind."}, *messages])


def held(*items: tuple[str, str]) -> ServerView:
    return ServerView(SETUP, tuple(Item(role, text) for role, text in items))  # type: ignore[arg-type]


def screenshot_call(call_id: str, result: str) -> list[dict[str, Any]]:
    return [
        {"role": "assistant", "tool_calls": [{"id": call_id, "type": "function",
                                              "function": {"name": "take_screenshot", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": call_id, "content": result},
    ]


# -- reading messages ---------------------------------------------------------


def test_system_and_developer_messages_form_the_chat_prompt_after_the_system_instruction() -> None:
    read = read_messages([{"role": "system", "content": "A"}, user("hi"),
                          {"role": "developer", "content": [{"type": "text", "text": "B"}]}], "S")
    assert read.chat_prompt == "S\n\nA\n\nB"
    assert read.items == (Item("user", "hi"),)
    assert read_messages([user("hi")]).chat_prompt is None


def test_content_parts_keep_their_text_and_drop_images() -> None:
    read = read_messages([{"role": "user", "content": [
        {"type": "text", "text": "what is"}, {"type": "image_url", "image_url": {"url": "data:"}},
        {"type": "text", "text": "this?"}]}])
    assert read.items == (Item("user", "what is\nthis?"),)


def test_a_screenshot_result_is_a_screen_item_once_it_is_final() -> None:
    pending = read_messages([user("look"), *screenshot_call("c1", "IN_PROGRESS")])
    assert pending.items == (Item("user", "look"),)
    done = read_messages([user("look"), *screenshot_call("c1", '"a red dress"')])
    assert done.items == (Item("user", "look"), Item("screen", "a red dress", "c1"))
    structured = read_messages(screenshot_call("c2", '{"app": "shop"}'))
    assert structured.items == (Item("screen", '{"app":"shop"}', "c2"),)


def test_other_tools_and_framework_objects_are_left_out() -> None:
    other = [{"role": "assistant", "tool_calls": [{"id": "w", "function": {"name": "weather"}}]},
             {"role": "tool", "tool_call_id": "w", "content": "sunny"}]
    read = read_messages([object(), user("hi"), *other, assistant("  ")])
    assert read.items == (Item("user", "hi"),)


# -- planning -------------------------------------------------------------------


def test_the_first_turn_starts_with_history_and_the_trailing_user_messages() -> None:
    plan = plan_turn(None, conversation(user("a"), assistant("b"), user("c"), user("d")), SETUP, PREFIX)
    assert plan.history == ({"role": "user", "content": "a"}, {"role": "assistant", "content": "b"})
    assert plan.utterance == "c\n\nd"
    assert plan.view.messages == (Item("user", "a"), Item("assistant", "b"), Item("user", "c"), Item("user", "d"))


def test_a_context_that_extends_the_session_by_user_messages_is_a_message() -> None:
    view = held(("user", "a"), ("assistant", "b"))
    plan = plan_turn(view, conversation(user("a"), assistant("b"), user("c")), SETUP, PREFIX)
    assert plan.history is None and plan.utterance == "c"
    assert plan.view.with_reply("d").messages[-2:] == (Item("user", "c"), Item("assistant", "d"))


def test_a_spoken_prefix_or_a_missing_reply_still_matches_what_the_server_sent() -> None:
    view = held(("user", "a"), ("assistant", "once upon a time there was"), ("user", "b"), ("assistant", "x"))
    spoken = conversation(user("a"), assistant("once  upon a"), user("b"), user("c"))
    plan = plan_turn(view, spoken, SETUP, PREFIX)
    assert plan.history is None and plan.utterance == "c"


def test_an_interrupted_reply_recorded_after_the_user_message_that_interrupted_it_still_matches() -> None:
    # Pipecat's user aggregator can add the new user message before the
    # assistant aggregator records the interrupted reply.
    view = held(("user", "a"), ("assistant", "once upon a time"))
    racing = conversation(user("a"), user("stop"), assistant("once upon"))
    plan = plan_turn(view, racing, SETUP, PREFIX)
    assert plan.history is None and plan.utterance == "stop"
    later = conversation(user("a"), user("stop"), assistant("once upon"), assistant("ok"), user("next"))
    plan = plan_turn(plan.view.with_reply("ok"), later, SETUP, PREFIX)
    assert plan.history is None and plan.utterance == "next"


def test_an_edited_trimmed_or_rewritten_context_is_sent_again() -> None:
    view = held(("user", "a"), ("assistant", "b"), ("user", "c"), ("assistant", "d"))
    for changed in (conversation(user("c"), assistant("d"), user("e")),            # trimmed
                    conversation(user("A"), assistant("b"), user("c"), assistant("d"), user("e")),  # edited
                    conversation(user("a"), assistant("zzz"), user("c"), assistant("d"), user("e"))):
        plan = plan_turn(view, changed, SETUP, PREFIX)
        assert plan.history is not None and plan.utterance == "e", plan.reason


def test_an_assistant_message_appended_by_the_app_is_sent_again() -> None:
    view = held(("user", "a"), ("assistant", "b"))
    plan = plan_turn(view, conversation(user("a"), assistant("b"), assistant("by the way"), user("c")),
                     SETUP, PREFIX)
    assert plan.reason == "context edited" and plan.history is not None
    assert plan.history[-1] == {"role": "assistant", "content": "by the way"}


def test_a_new_system_prompt_persona_or_sampling_is_a_new_start() -> None:
    view = held(("user", "a"), ("assistant", "b"))
    later = conversation(user("a"), assistant("b"), user("c"))
    for setup in (SessionSetup("Be brief."), SETUP._replace(personality="calm"),
                  SETUP._replace(sampling=(("temperature", 0.2),))):
        plan = plan_turn(view, later, setup, PREFIX)
        assert plan.reason == "setup changed" and plan.view.setup == setup


def test_a_new_screen_result_is_a_followup_then_it_is_accounted_for() -> None:
    view = held(("user", "what is this"), ("assistant", "let me look"))
    context = conversation(user("what is this"), *screenshot_call("c1", '"a cat"'), assistant("let me look"))
    plan = plan_turn(view, context, SETUP, PREFIX)
    assert plan.analysis_text == "a cat" and plan.utterance is None and plan.history is None
    after = plan.view.with_reply("a cute cat")
    context = conversation(user("what is this"), *screenshot_call("c1", '"a cat"'), assistant("let me look"),
                           assistant("a cute cat"), user("thanks"))
    plan = plan_turn(after, context, SETUP, PREFIX)
    assert plan.history is None and plan.utterance == "thanks"


def test_screens_are_sent_again_as_prefixed_user_messages_and_a_trailing_one_is_followed_up() -> None:
    context = conversation(user("look"), *screenshot_call("c1", '"a chart"'), user("and?"),
                           *screenshot_call("c2", '"a table"'))
    plan = plan_turn(None, context, SETUP, PREFIX)
    assert plan.history == ({"role": "user", "content": "look"},
                            {"role": "user", "content": PREFIX + "a chart"},
                            {"role": "user", "content": "and?"})
    assert plan.utterance is None and plan.analysis_text == "a table"
    assert plan.view.screens_sent == {"c1", "c2"}


def test_nothing_new_sends_nothing() -> None:
    view = held(("user", "a"), ("assistant", "b"))
    assert not plan_turn(view, conversation(user("a"), assistant("b")), SETUP, PREFIX).answers
    cancelled_early = held(("user", "a"))
    assert not plan_turn(cancelled_early, conversation(user("a")), SETUP, PREFIX).answers


def test_a_tool_only_server_gets_no_screens() -> None:
    context = conversation(user("look"), *screenshot_call("c1", '"a chart"'))
    plan = plan_turn(held(("user", "look")), context, SETUP, PREFIX, answer_screens=False)
    assert not plan.answers


def test_history_keeps_the_newest_messages_that_fit() -> None:
    items = [Item("user", f"m{i} " + "x" * 100) for i in range(300)]
    by_count = history_payload(items, PREFIX, max_messages=256, max_bytes=10**9)
    assert len(by_count) == 256 and by_count[-1]["content"].startswith("m299")
    by_size = history_payload(items, PREFIX, max_bytes=2_000)
    assert 0 < len(by_size) < 20 and by_size[-1]["content"].startswith("m299")


words = st.text(alphabet="abc ", min_size=1, max_size=8).filter(str.strip)


@given(st.lists(st.tuples(words, words), min_size=1, max_size=6), words)
def test_a_conversation_that_only_grows_is_one_start_then_messages(exchanges: list[tuple[str, str]],
                                                                   last: str) -> None:
    messages: list[dict[str, Any]] = []
    view: ServerView | None = None
    starts = 0
    for question, answer in [*exchanges, (last, "")]:
        messages.append(user(question))
        plan = plan_turn(view, conversation(*messages), SETUP, PREFIX)
        starts += plan.history is not None
        assert plan.utterance == question
        view = plan.view.with_reply(answer)
        if answer.strip():
            messages.append(assistant(answer))
    assert starts == 1


def test_a_start_stays_under_the_frame_limit_whatever_the_prompt_and_history() -> None:
    import orjson

    from cadence.client.context_sync import MAX_START_BYTES

    messages = [m for i in range(200) for m in (user(f"question {i} " + "é" * 150),
                                                 assistant(f"answer {i} " + "x" * 150))]
    big_prompt = SessionSetup("You are kind. " * 1500)  # about 21 kB
    plan = plan_turn(None, conversation(*messages, user("and now?")), big_prompt, PREFIX)
    assert plan.history is not None and 0 < len(plan.history) < 400
    frame = {"type": "start", "session_id": "s" * 128, "request_id": "r" * 128,
             "payload": {"chat_prompt": big_prompt.chat_prompt, "history": list(plan.history),
                         "user_utterance": plan.utterance}}
    assert len(orjson.dumps(frame)) <= MAX_START_BYTES
    assert plan.history[-1]["content"].startswith("answer 199")
