"""Per-turn CPU cost of Cadence's connection core, in process (no sockets).

Builds what ``cadence serve`` builds for the ``echo`` engine (settings from
the environment of ``scripts/bench_server.py``, :func:`cadence.serve.core_config`,
a :class:`SessionStore`, a :class:`PromptBuilder` over the echo tokenizer),
opens one session, then runs turns as the bench client does: a ``start``
frame (persona, an 11-word utterance, ``sampling.max_tokens``) in, the echo
reply's deltas fed to :meth:`ConnectionCore.engine_delta`, effects drained.

Three ways to run it::

    # instructions counted by valgrind (needs valgrind; about a minute)
    .venv/bin/python scripts/profile_turn.py instructions --turns 1000 --raw
    # where the time goes, by cProfile
    .venv/bin/python scripts/profile_turn.py profile --turns 20000 --top 40 --raw
    # just run the turns (what each valgrind run runs)
    .venv/bin/python scripts/profile_turn.py run --turns 1000

``instructions`` runs N turns, 2N turns and N turns of twice the tokens,
and prints instructions per turn, per token and per turn less its tokens
(the last is what ``scripts/bench_server_instr.py`` calls per turn).
``--raw`` turns the speech sanitizer off (``SANITIZE_OUTPUT=false``, the
``cadence-raw`` server of the benchmark); ``--tokens`` sets the reply length.
Frames are built before the measured loop, as many for each valgrind run,
so the differences hold only the turns. To measure another copy of the
sources, put its ``src`` first: ``PYTHONPATH=/tmp/base/src .venv/bin/python ...``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

from cadence.config.load import load_settings
from cadence.engines.base import Delta, Usage
from cadence.engines.echo import EchoEngine, reply_words
from cadence.serve import core_config
from cadence.session.prompt import PromptBudgets, PromptBuilder
from cadence.session.store import SessionStore
from cadence.turns.core import ConnectionCore
from cadence.turns.effects import SendFrame, TurnEnded

UTTERANCE = "please tell me about the weather in the mountains this weekend"
PERSONA = "You are a helpful voice assistant."
SESSION_ID = "bench-0123456789ab"


def make_core(raw: bool, tokens: int) -> ConnectionCore:
    """A connection core wired as the server wires it for the echo engine."""
    env = {
        "TEXT_API_KEY": "profile-key", "INFERENCE_ENGINE": "echo", "ECHO_TOKENS_PER_SECOND": "0",
        "ECHO_REPLY_TOKENS": str(tokens), "CHAT_MAX_OUT": str(max(150, tokens)),
        "WS_MAX_MESSAGES_PER_WINDOW": "0", "WS_MAX_CANCELS_PER_WINDOW": "0",
        "SANITIZE_OUTPUT": "false" if raw else "true",
    }
    settings = load_settings(env)
    sessions = settings.sessions
    engine = EchoEngine()
    budgets = PromptBudgets(sessions.chat_prompt_max_tokens, sessions.user_utt_max_tokens, None)
    prompts = PromptBuilder(engine.tokenizer, budgets)
    store = SessionStore(sessions.store_max, sessions.ttl_s)
    return ConnectionCore(core_config(settings), store, prompts, 0.0)


def start_frames(count: int, tokens: int) -> list[tuple[str, str]]:
    """``(request_id, text)`` of ``count`` bench ``start`` frames."""
    frames = []
    for index in range(count):
        request_id = f"{index:016x}"
        frame = {
            "type": "start", "session_id": SESSION_ID, "request_id": request_id,
            "payload": {"chat_prompt": PERSONA, "user_utterance": UTTERANCE,
                        "sampling": {"max_tokens": tokens}},
        }
        frames.append((request_id, orjson.dumps(frame).decode()))
    return frames


def echo_deltas(tokens: int) -> list[Delta]:
    """The deltas the echo engine streams for the bench utterance."""
    words = reply_words(UTTERANCE, tokens)
    prompt_tokens = len(PERSONA.split()) + len(UTTERANCE.split())
    last = Delta(words[-1], "stop", Usage(prompt_tokens, len(words)))
    return [*(Delta(word) for word in words[:-1]), last]


def run_turns(core: ConnectionCore, frames: list[tuple[str, str]], deltas: list[Delta]) -> float:
    """Run one turn per frame; return the fake clock at the end.

    Raises:
        RuntimeError: a turn did not end with ``done``.
    """
    now = 1.0
    for request_id, text in frames:
        core.receive_text(text, now)
        core.drain()
        for delta in deltas:
            now += 0.001
            core.engine_delta(request_id, delta, now)
            effects = core.drain()
        if not (effects and type(effects[-1]) is TurnEnded and effects[-1].outcome == "done"):
            raise RuntimeError(f"turn {request_id} did not end with done: {effects!r}")
    return now


def prepare(args: argparse.Namespace) -> tuple[ConnectionCore, list[tuple[str, str]], list[Delta]]:
    """Core with an open session, the frames to run, the reply deltas."""
    core = make_core(args.raw, args.tokens)
    opened = orjson.dumps({"type": "start", "session_id": SESSION_ID, "request_id": "open",
                           "payload": {"chat_prompt": PERSONA}}).decode()
    core.receive_text(opened, 0.5)
    effects = core.drain()
    assert effects and type(effects[0]) is SendFrame and b'"ack"' in effects[0].data, effects
    frames = start_frames(max(args.turns, args.build), args.tokens)
    deltas = echo_deltas(args.tokens)
    run_turns(core, frames[-10:], deltas)  # warm up caches and lazy imports
    return core, frames[: args.turns], deltas


def count_instructions(args: argparse.Namespace, turns: int, tokens: int) -> int:
    """User-space instructions of one ``run`` of ``turns`` turns (valgrind)."""
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        command = [
            "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
            f"--log-file={log.name}", sys.executable, __file__, "run", "--turns", str(turns),
            "--build", str(2 * args.turns), "--tokens", str(tokens), *(["--raw"] if args.raw else []),
        ]
        subprocess.run(command, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        match = re.search(r"I\s+refs:\s+([\d,]+)", Path(log.name).read_text())
    if match is None:
        raise RuntimeError("valgrind printed no instruction count")
    return int(match.group(1).replace(",", ""))


def report_instructions(args: argparse.Namespace) -> None:
    """Print instructions per turn, per token and per turn less its tokens.

    Three runs: N turns, 2N turns, and N turns of twice the tokens.
    """
    turns, tokens = args.turns, args.tokens
    base = count_instructions(args, turns, tokens)
    per_turn = (count_instructions(args, 2 * turns, tokens) - base) / turns
    per_token = (count_instructions(args, turns, 2 * tokens) - base) / (turns * tokens)
    print(f"sanitizer {'off' if args.raw else 'on'}, {tokens} tokens per turn, {turns} turns:")
    print(f"  {per_turn:,.0f} instructions per turn")
    print(f"  {per_token:,.0f} instructions per token")
    print(f"  {per_turn - tokens * per_token:,.0f} instructions per turn less its tokens")


def main(argv: list[str]) -> int:
    """Parse the command line and run the chosen mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("run", "profile", "instructions"))
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--build", type=int, default=0, help="frames to build (at least --turns)")
    parser.add_argument("--tokens", type=int, default=40, help="reply tokens per turn")
    parser.add_argument("--raw", action="store_true", help="speech sanitizer off")
    parser.add_argument("--top", type=int, default=30, help="rows of the cProfile table")
    args = parser.parse_args(argv)
    if args.mode == "instructions":
        report_instructions(args)
        return 0
    core, frames, deltas = prepare(args)
    if args.mode == "run":
        run_turns(core, frames, deltas)
        return 0
    profiler = cProfile.Profile()
    profiler.runcall(run_turns, core, frames, deltas)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    return 0


__all__ = ["main", "make_core", "run_turns"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
