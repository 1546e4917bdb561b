"""The screenshot decision as a Pipecat function call, against a real server
in ``both`` and ``tool`` mode (a scripted tool router that says yes when the
utterance mentions the screen, the echo engine for replies)."""

from __future__ import annotations

import asyncio

from harness import API_KEY
from pipecat.services.llm_service import FunctionCallParams
from pipecat_harness import running_bot
from scale import UNIT
from tool_harness import ScriptedTool, tool_server

from cadence.client.frames import ToolcallFrame
from cadence.client.pipecat import CadenceLLMService
from cadence.server.app import CadenceServer


def service(server: CadenceServer) -> CadenceLLMService:
    return CadenceLLMService(f"ws://127.0.0.1:{server.port}/ws", API_KEY)


def record_toolcalls(llm: CadenceLLMService) -> list[ToolcallFrame]:
    seen: list[ToolcallFrame] = []

    @llm.event_handler("on_toolcall")
    async def _toolcall(_service: CadenceLLMService, frame: ToolcallFrame) -> None:
        seen.append(frame)

    return seen


def register_screenshot(llm: CadenceLLMService, description: str) -> list[FunctionCallParams]:
    """A ``take_screenshot`` handler that answers ``description``; returns its calls."""
    calls: list[FunctionCallParams] = []

    async def take_screenshot(params: FunctionCallParams) -> None:
        calls.append(params)
        await params.result_callback(description)

    llm.register_function("take_screenshot", take_screenshot)
    return calls


async def test_a_yes_calls_the_registered_function_and_its_result_is_answered_by_a_followup() -> None:
    async with tool_server("both", ScriptedTool(), tokens_per_second=200) as server:
        llm = service(server)
        calls = register_screenshot(llm, "a cat photo on a dating profile")
        decisions = record_toolcalls(llm)
        async with running_bot(llm) as bot:
            first = await bot.reply("what do you think of my screen")
            assert first  # the turn's own reply streams while the screenshot is taken
            await bot.wait_responses(2, timeout=5 * UNIT)
            await bot.recorder.wait_for(lambda: bot.assistant_turns >= 2, 5 * UNIT)
            assert len(calls) == 1 and calls[0].function_name == "take_screenshot"
            assert [d.status for d in decisions] == ["yes"]
            assert llm.session.sent == {"start": 1, "followup": 1}
            texts = [m["content"] for m in bot.messages() if m["role"] == "assistant" and m.get("content")]
            assert "cat photo" in texts[-1]
            session = server.store.get(llm.client.session_id, asyncio.get_running_loop().time())
            assert session is not None
            users = [e.content for e in session.history if e.role == "user"]
            assert users[-1] == "ON THE SCREEN NOW: a cat photo on a dating profile"
            # The next user turn is a plain message: the followup is accounted for.
            await bot.reply("nice, thanks")
            assert llm.session.sent == {"start": 1, "followup": 1, "message": 1}
            assert bot.errors() == []


async def test_without_a_handler_the_decision_is_an_event_and_the_reply_goes_on() -> None:
    async with tool_server("both", ScriptedTool(), tokens_per_second=0) as server:
        llm = service(server)
        decisions = record_toolcalls(llm)
        async with running_bot(llm) as bot:
            reply = await bot.reply("look at my screen")
            await bot.reply("just chatting")
            await asyncio.sleep(0.1)
            assert reply
            assert [d.status for d in decisions] == ["yes", "no"]
            assert llm.session.sent == {"start": 1, "message": 1}
            assert bot.errors() == []


async def test_tool_mode_gives_decisions_and_empty_replies() -> None:
    async with tool_server("tool", ScriptedTool(), tokens_per_second=0) as server:
        llm = service(server)
        calls = register_screenshot(llm, "a spreadsheet")
        decisions = record_toolcalls(llm)
        async with running_bot(llm) as bot:
            assert await bot.reply("check my screen") == ""
            await bot.wait_responses(2, timeout=5 * UNIT)  # the function result's context
            assert await bot.reply("and now?") == ""
            assert [d.status for d in decisions] == ["yes", "no"]
            assert len(calls) == 1
            # The first start carried chat_prompt, which a tool-only server refuses: learnt once.
            assert llm.session.tool_only and llm.session.sent["followup"] == 0
            assert bot.errors() == []
