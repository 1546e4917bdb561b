"""``cadence serve``: read settings, build engines, serve until a signal.

SIGTERM and SIGINT start a graceful drain (PROTOCOL.md section 6); a second
signal during the drain is ignored, the drain has its own deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from cadence.config.env import ConfigError
from cadence.config.load import ENGINES, MODES, load_settings
from cadence.config.settings import Settings
from cadence.engines.base import WarmsPrompts
from cadence.engines.factory import EngineUnavailableError, build_chat_engine
from cadence.logs import configure_logging
from cadence.sanitize import KnownWords, Sanitizer, SanitizerConfig
from cadence.server.app import CadenceServer
from cadence.tools.factory import ToolUnavailableError, build_tool_classifier
from cadence.turns.config import CoreConfig
from cadence.turns.filters import FilterFactory

log = logging.getLogger("cadence")


def _parse(argv: list[str]) -> dict[str, str]:
    parser = argparse.ArgumentParser(prog="cadence serve", description="Run the Cadence server.")
    parser.add_argument("--host", help="bind address (HOST, default 0.0.0.0)")
    parser.add_argument("--port", type=int, help="port (PORT, default 8000)")
    parser.add_argument("--engine", choices=ENGINES, help="chat engine (INFERENCE_ENGINE, default hf)")
    parser.add_argument("--mode", choices=MODES, help="deploy mode (DEPLOY_MODE, default chat)")
    args = parser.parse_args(argv)
    names = {"host": "HOST", "port": "PORT", "engine": "INFERENCE_ENGINE", "mode": "DEPLOY_MODE"}
    return {env: str(value) for key, env in names.items() if (value := getattr(args, key)) is not None}


def sanitizer_factory(settings: Settings) -> FilterFactory:
    """One sanitizer config (and memo of plain words) for the process; a
    fresh sanitizer per turn.

    The server's own prompt markers are stripped if the model echoes them.
    """
    sessions = settings.sessions
    prefixes = tuple(p.strip() for p in (sessions.check_screen_prefix, sessions.followup_prefix) if p.strip())
    config = SanitizerConfig(control_prefixes=prefixes)
    known = KnownWords()
    return lambda: Sanitizer(config, known)


def core_config(settings: Settings, *, warm_prompts: bool = False) -> CoreConfig:
    """The connection core's view of the settings; ``warm_prompts`` when the
    chat engine can prefill a persona at ``start``."""
    return CoreConfig(
        warm_prompts=warm_prompts,
        make_sanitizer=sanitizer_factory(settings),
        mode=settings.mode,
        limits=settings.limits,
        sessions=settings.sessions,
        sampling=settings.chat.sampling,
        sanitize_output=settings.chat.sanitize_output,
        chat_timeout_s=settings.chat.timeout_s,
    )


async def run(settings: Settings) -> None:
    """Serve until SIGTERM/SIGINT, then drain and stop."""
    chat = build_chat_engine(settings) if settings.has_chat else None
    tool = build_tool_classifier(settings) if settings.has_tool else None
    config = core_config(settings, warm_prompts=isinstance(chat, WarmsPrompts))
    server = CadenceServer(settings, config, chat, tool)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
        await stop.wait()
        log.info("signal received: draining for up to %.0fs", settings.server.drain_timeout_s)
        await server.drain()
    finally:
        await server.aclose()
        await server.flush_telemetry(min(10.0, settings.server.drain_timeout_s))
        log.info("stopped")


def _install_loop() -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a requirement
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main(argv: list[str]) -> int:
    """Entry point of ``cadence serve``; returns the exit status."""
    overrides = _parse(argv)
    try:
        settings = load_settings(os.environ, overrides)
    except ConfigError as exc:
        print(f"cadence: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.server.log_level)
    _install_loop()
    # Model threads (tool classifier, hf decode) and the event loop share the
    # GIL; a short switch interval stops one from convoying behind another.
    sys.setswitchinterval(0.0001)
    try:
        asyncio.run(run(settings))
    except (EngineUnavailableError, ToolUnavailableError) as exc:
        print(f"cadence: {exc}", file=sys.stderr)
        return 2
    return 0


__all__ = ["core_config", "main", "run", "sanitizer_factory"]
