"""Building :class:`~cadence.config.settings.Settings` from the environment.

Variable names follow the product brief. Every problem is collected and
reported at once by :class:`~cadence.config.env.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Mapping

from cadence.config.env import EnvReader
from cadence.config.gpu_env import load_gpu_split
from cadence.config.settings import (
    DEFAULT_TOOL_HISTORY_TOKENS,
    ChatSettings,
    DeployMode,
    EchoSettings,
    EngineName,
    LimitSettings,
    ServerSettings,
    SessionSettings,
    Settings,
    ToolSettings,
)
from cadence.config.telemetry_env import load_telemetry
from cadence.generation import SamplingParams

ENGINES: tuple[EngineName, ...] = ("hf", "vllm", "trt", "echo")
MODES: tuple[DeployMode, ...] = ("chat", "tool", "both")


def _server(env: EnvReader) -> ServerSettings:
    return ServerSettings(
        host=env.text("HOST", "0.0.0.0"),
        port=env.integer("PORT", 8000, 0, 65535),
        api_key=env.text("TEXT_API_KEY"),
        max_connections=env.integer("MAX_CONCURRENT_CONNECTIONS", 64, 1),
        max_message_bytes=env.integer("WS_MAX_MESSAGE_BYTES", 65536, 256),
        max_auth_failures=env.integer("WS_MAX_AUTH_FAILURES_PER_WINDOW", 10, 0),
        auth_window_s=env.number("WS_AUTH_WINDOW_SECONDS", 60.0, 0),
        idle_timeout_s=env.number("WS_IDLE_TIMEOUT_S", 150.0, 0),
        send_timeout_s=env.number("WS_SEND_TIMEOUT_S", 10.0, 0.1),
        ping_interval_s=env.number("WS_PING_INTERVAL_S", 20.0, 0),
        ping_timeout_s=env.number("WS_PING_TIMEOUT_S", 20.0, 0),
        drain_timeout_s=env.number("DRAIN_TIMEOUT_S", 30.0, 0),
        write_limit_bytes=env.integer("WS_WRITE_LIMIT_BYTES", 65536, 1024),
        log_level=env.choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
        log_prompts=env.flag("LOG_PROMPTS", False),
    )


def _limits(env: EnvReader) -> LimitSettings:
    return LimitSettings(
        max_messages=env.integer("WS_MAX_MESSAGES_PER_WINDOW", 20, 0),
        message_window_s=env.number("WS_MESSAGE_WINDOW_SECONDS", 60.0, 0),
        max_cancels=env.integer("WS_MAX_CANCELS_PER_WINDOW", 20, 0),
        cancel_window_s=env.number("WS_CANCEL_WINDOW_SECONDS", 60.0, 0),
        max_invalid=env.integer("WS_MAX_INVALID_PER_WINDOW", 20, 0),
    )


def _sessions(env: EnvReader) -> SessionSettings:
    return SessionSettings(
        ttl_s=env.number("SESSION_TTL_S", 600.0, 0),
        store_max=env.integer("SESSION_STORE_MAX", 10000, 1),
        chat_prompt_max_tokens=env.integer("CHAT_PROMPT_MAX_TOKENS", 1500, 1),
        history_max_tokens=env.integer("CHAT_HISTORY_MAX_TOKENS", 3000, 0),
        history_max_messages=env.integer("HISTORY_MAX_MESSAGES", 256, 0),
        history_retention_pct=env.integer("HISTORY_RETENTION_PCT", 66, 1, 100),
        user_utt_max_tokens=env.integer("USER_UTT_MAX_TOKENS", 500, 1),
        chat_max_out=env.integer("CHAT_MAX_OUT", 150, 1),
        followup_prefix=env.text("FOLLOWUP_PREFIX", "ON THE SCREEN NOW: "),
        check_screen_prefix=env.text("CHECK_SCREEN_PREFIX", "MUST CHECK SCREEN:"),
    )


def _sampling(env: EnvReader, max_out: int) -> SamplingParams:
    return SamplingParams(
        temperature=env.number("CHAT_TEMPERATURE", 0.7, 0, 2),
        top_p=env.number("CHAT_TOP_P", 0.9, 0.0001, 1),
        top_k=env.integer("CHAT_TOP_K", 0, 0),
        min_p=env.number("CHAT_MIN_P", 0.0, 0, 1),
        repetition_penalty=env.number("CHAT_REPETITION_PENALTY", 1.05, 0.0001, 2),
        presence_penalty=env.number("CHAT_PRESENCE_PENALTY", 0.0, -2, 2),
        frequency_penalty=env.number("CHAT_FREQUENCY_PENALTY", 0.0, -2, 2),
        max_tokens=max_out,
    )


def _tool(env: EnvReader) -> ToolSettings:
    batch = env.integer("TOOL_MAX_BATCH_SIZE", 0, 0, 1024)
    delay = env.number("TOOL_MAX_DELAY_MS", -1.0, -1.0, 1000.0)
    return ToolSettings(
        model=env.text("TOOL_MODEL", ""),
        threshold=env.number("TOOL_DECISION_THRESHOLD", 0.66, 0.0, 1.0),
        max_length=env.integer("TOOL_MAX_LENGTH", 256, 16),
        history_tokens=env.integer("TOOL_HISTORY_TOKENS", DEFAULT_TOOL_HISTORY_TOKENS, 0),
        timeout_s=env.number("TOOL_TIMEOUT_S", 3.0, 0.01),
        max_batch_size=batch or None,
        max_delay_ms=None if delay < 0 else delay,
        device=env.text("TOOL_DEVICE", "auto"),
    )


def load_settings(environ: Mapping[str, str], overrides: Mapping[str, str] | None = None) -> Settings:
    """Read every setting; ``overrides`` (from CLI flags) win over ``environ``.

    Raises:
        ConfigError: listing every invalid or missing setting.
    """
    env = EnvReader({**environ, **(overrides or {})})
    sessions = _sessions(env)
    engine = env.choice("INFERENCE_ENGINE", "hf", ENGINES)
    mode = env.choice("DEPLOY_MODE", "chat", MODES)
    tool = _tool(env)
    chat_device = env.text("CHAT_DEVICE", "auto")
    settings = Settings(
        mode=mode,  # type: ignore[arg-type]
        models_dir=env.text("MODELS_DIR", "models"),
        server=_server(env),
        limits=_limits(env),
        sessions=sessions,
        chat=ChatSettings(
            engine=engine,  # type: ignore[arg-type]
            model=env.text("CHAT_MODEL", ""),
            timeout_s=env.number("CHAT_TIMEOUT_S", 60.0, 0.1),
            sampling=_sampling(env, sessions.chat_max_out),
            sanitize_output=env.flag("SANITIZE_OUTPUT", True),
            device=chat_device,
            dtype=env.choice("CHAT_DTYPE", "auto", ("auto", "float32", "bfloat16", "float16")),
            max_batch_size=env.integer("HF_MAX_BATCH_SIZE", 8, 1, 256),
            cpu_threads=env.integer("HF_CPU_THREADS", 0, 0, 512) or None,
            prefix_cache_mb=env.integer("HF_PREFIX_CACHE_MB", 512, 0, 1_000_000),
            decode_dtype=env.choice("HF_DECODE_DTYPE", "auto", ("auto", "float32", "bfloat16", "float16")),
            cache_reset_interval_s=env.number("CACHE_RESET_INTERVAL_SECONDS", 600.0, 0),
        ),
        echo=EchoSettings(
            tokens_per_second=env.number("ECHO_TOKENS_PER_SECOND", 50.0, 0),
            reply_tokens=env.integer("ECHO_REPLY_TOKENS", 40, 1),
        ),
        tool=tool,
        telemetry=load_telemetry(env),
        gpu=load_gpu_split(env, mode, engine, chat_device, tool.device),
    )
    if not settings.server.api_key:
        env.problem("TEXT_API_KEY is not set: the server refuses to start without an API key")
    env.raise_errors()
    return settings


__all__ = ["load_settings"]
