"""A Pipecat bot with Cadence as its LLM, in a text console.

The pipeline is the one a voice bot runs between speech-to-text and
text-to-speech (see docs/CLIENTS.md, "Using Cadence from Pipecat", for the
voice version): the user context aggregator, ``CadenceLLMService``, the
console printer standing in for text-to-speech, and the assistant context
aggregator. No audio stack and no network beyond the Cadence server.

Type a line and press Enter: it is the user's turn. Type while the bot is
answering: the reply is interrupted at once (as when a caller speaks over
the bot) and your new line is answered. ``/quit`` or end of input ends the
call (the server session is ended too).

Usage (from the repository root, with a server running)::

    TEXT_API_KEY=<key> .venv/bin/python scripts/pipecat_bot.py \\
        [--server ws://127.0.0.1:8000/ws] [--personality wholesome] [--gender female]

Needs pipecat-ai: ``.venv/bin/pip install -r requirements-pipecat.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from loguru import logger
from pipecat.frames.frames import (
    EndFrame,
    ErrorFrame,
    Frame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMMessagesAppendFrame,
    LLMTextFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import LLMContextAggregatorPair
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.workers.runner import WorkerRunner

from cadence.client.pipecat import CadenceLLMService

PROMPT = ("You are a {personality} voice assistant talking with the user. "
          "Answer in one or two short spoken sentences.")


class ConsolePrinter(FrameProcessor):
    """Prints each reply as it streams (where a voice bot has its TTS)."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self._out = out
        self.answering = False
        self.interrupting = False

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, LLMFullResponseStartFrame):
            self.answering = True
            self._write("bot> ")
        elif isinstance(frame, LLMTextFrame):
            self._write(frame.text)
        elif isinstance(frame, LLMFullResponseEndFrame):
            self._write(" [interrupted]\n" if self.interrupting else "\n")
            self.answering = self.interrupting = False
        elif isinstance(frame, ErrorFrame):
            self._write(f"[error] {frame.error}\n")
        await self.push_frame(frame, direction)

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()


async def read_lines(worker: PipelineWorker, printer: ConsolePrinter) -> None:
    """Turn each typed line into a user turn; a line typed mid-reply interrupts it."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode():
        text = line.strip()
        if text == "/quit":
            break
        if not text:
            continue
        if printer.answering:
            printer.interrupting = True
            await worker.queue_frame(InterruptionFrame())
        await worker.queue_frame(LLMMessagesAppendFrame(messages=[{"role": "user", "content": text}],
                                                        run_llm=True))
    await worker.queue_frame(EndFrame())


async def run(args: argparse.Namespace) -> int:
    llm = CadenceLLMService(args.server, args.api_key, personality=args.personality, gender=args.gender)
    context = LLMContext(messages=[{"role": "system", "content": args.prompt}])
    pair = LLMContextAggregatorPair(context)
    printer = ConsolePrinter(sys.stdout)
    worker = PipelineWorker(Pipeline([pair.user(), llm, printer, pair.assistant()]),
                            params=PipelineParams(enable_metrics=True), cancel_on_idle_timeout=False)
    runner = WorkerRunner(handle_sigint=True)
    await runner.add_workers(worker)
    print("Type a line and press Enter; type while the bot answers to interrupt it; /quit ends.")
    typing = asyncio.create_task(read_lines(worker, printer), name="console-input")
    try:
        await runner.run()
    finally:
        typing.cancel()
        await asyncio.gather(typing, return_exceptions=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("SERVER_WS_URL", "ws://127.0.0.1:8000/ws"))
    parser.add_argument("--api-key", default=os.environ.get("TEXT_API_KEY", ""))
    parser.add_argument("--personality", default=os.environ.get("PERSONALITY", "wholesome"))
    parser.add_argument("--gender", default=os.environ.get("GENDER", "female"), choices=["female", "male"])
    parser.add_argument("--prompt", default=PROMPT, help="the system prompt ({personality}, {gender} allowed)")
    parser.add_argument("--log-level", default="WARNING", help="Pipecat's log level (loguru)")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("set TEXT_API_KEY or pass --api-key")
    logger.remove()
    logger.add(sys.stderr, level=args.log_level)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
