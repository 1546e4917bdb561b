"""The server's settings: frozen dataclasses built once from the environment."""

from __future__ import annotations

import dataclasses
from typing import Literal

from cadence.generation import SamplingParams

#: Tokens of earlier user turns the tool classifier reads; the default model
#: is trained with this budget (cadence.tools.config.DEFAULT_HISTORY_TOKENS).
DEFAULT_TOOL_HISTORY_TOKENS = 64

#: GPU memory fractions (the brief's): a model alone on its GPU; chat and tool sharing one.
ALONE_FRAC = 0.9
SHARED_CHAT_FRAC = 0.7
SHARED_TOOL_FRAC = 0.2

EngineName = Literal["hf", "vllm", "trt", "echo"]
DeployMode = Literal["chat", "tool", "both"]


@dataclasses.dataclass(frozen=True, slots=True)
class ServerSettings:
    """Network, authentication and lifetime settings."""

    host: str = "0.0.0.0"
    port: int = 8000
    api_key: str = ""
    max_connections: int = 64
    max_message_bytes: int = 65536
    max_auth_failures: int = 10
    auth_window_s: float = 60.0
    idle_timeout_s: float = 150.0
    send_timeout_s: float = 10.0
    ping_interval_s: float = 20.0
    ping_timeout_s: float = 20.0
    drain_timeout_s: float = 30.0
    write_limit_bytes: int = 65536
    log_level: str = "INFO"
    log_prompts: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class LimitSettings:
    """Per-connection rate limits (0 disables a limit)."""

    max_messages: int = 20
    message_window_s: float = 60.0
    max_cancels: int = 20
    cancel_window_s: float = 60.0
    max_invalid: int = 20


@dataclasses.dataclass(frozen=True, slots=True)
class SessionSettings:
    """Session store and prompt budgets."""

    ttl_s: float = 600.0
    store_max: int = 10000
    chat_prompt_max_tokens: int = 1500
    history_max_tokens: int = 3000
    history_max_messages: int = 256
    history_retention_pct: int = 66
    user_utt_max_tokens: int = 500
    chat_max_out: int = 150
    followup_prefix: str = "ON THE SCREEN NOW: "
    check_screen_prefix: str = "MUST CHECK SCREEN:"


@dataclasses.dataclass(frozen=True, slots=True)
class ChatSettings:
    """Which chat engine runs, on which model, with which defaults."""

    engine: EngineName = "hf"
    model: str = ""
    timeout_s: float = 60.0
    sampling: SamplingParams = SamplingParams()
    sanitize_output: bool = True
    device: str = "auto"
    dtype: str = "auto"
    max_batch_size: int = 8
    cpu_threads: int | None = None
    prefix_cache_mb: int = 512
    decode_dtype: str = "auto"
    cache_reset_interval_s: float = 600.0


@dataclasses.dataclass(frozen=True, slots=True)
class EchoSettings:
    """The deterministic ``echo`` engine."""

    tokens_per_second: float = 50.0
    reply_tokens: int = 40


@dataclasses.dataclass(frozen=True, slots=True)
class ToolSettings:
    """The screenshot-intent classifier (``tool`` and ``both`` modes).

    ``max_batch_size``/``max_delay_ms`` ``None`` pick per-model-size defaults.
    """

    model: str = ""
    threshold: float = 0.66
    max_length: int = 256
    history_tokens: int = DEFAULT_TOOL_HISTORY_TOKENS
    timeout_s: float = 3.0
    max_batch_size: int | None = None
    max_delay_ms: float | None = None
    device: str = "auto"


@dataclasses.dataclass(frozen=True, slots=True)
class GpuSplit:
    """``CHAT_GPU_FRAC``/``TOOL_GPU_FRAC`` (validated) and whether both models share a GPU."""

    chat_frac: float = ALONE_FRAC
    tool_frac: float = ALONE_FRAC
    shared: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class TelemetrySettings:
    """Where errors, traces and metrics go (all off by default).

    ``traces_endpoint``/``metrics_endpoint`` are full OTLP/HTTP URLs ("" is
    off); ``otlp_headers`` go with every export request.
    """

    sentry_dsn: str = ""
    sentry_environment: str = "production"
    sentry_release: str = ""
    sentry_sample_rate: float = 1.0
    traces_endpoint: str = ""
    metrics_endpoint: str = ""
    otlp_headers: tuple[tuple[str, str], ...] = ()
    service_name: str = "cadence"
    environment: str = "production"
    cloud_platform: str = ""
    traces_export_interval_ms: int = 5000
    metrics_export_interval_ms: int = 15000
    traces_batch_size: int = 512
    traces_sample_rate: float = 1.0
    export_timeout_s: float = 5.0
    metrics_public: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs, validated."""

    mode: DeployMode = "chat"
    models_dir: str = "models"
    server: ServerSettings = ServerSettings()
    limits: LimitSettings = LimitSettings()
    sessions: SessionSettings = SessionSettings()
    chat: ChatSettings = ChatSettings()
    echo: EchoSettings = EchoSettings()
    tool: ToolSettings = ToolSettings()
    telemetry: TelemetrySettings = TelemetrySettings()
    gpu: GpuSplit = GpuSplit()

    @property
    def has_chat(self) -> bool:
        """Whether a chat engine is deployed."""
        return self.mode in ("chat", "both")

    @property
    def has_tool(self) -> bool:
        """Whether a tool model is deployed."""
        return self.mode in ("tool", "both")

    @property
    def tool_process_gpu_frac(self) -> float | None:
        """The cap on this process's GPU memory when it runs the tool model, else ``None``.

        vLLM and TensorRT-LLM run the chat model in worker processes, so the
        server process holds the tool model only: ``TOOL_GPU_FRAC``. The
        ``hf`` engine runs in the server process: sharing the GPU, the cap is
        the sum of both fractions; on another GPU, none.
        """
        if not self.has_tool or self.tool.device.strip().lower() == "cpu":
            return None
        chat_here = self.has_chat and self.chat.engine == "hf" and self.chat.device.strip().lower() != "cpu"
        if not chat_here:
            return self.gpu.tool_frac
        return min(1.0, self.gpu.chat_frac + self.gpu.tool_frac) if self.gpu.shared else None


__all__ = [
    "ALONE_FRAC",
    "DEFAULT_TOOL_HISTORY_TOKENS",
    "SHARED_CHAT_FRAC",
    "SHARED_TOOL_FRAC",
    "ChatSettings",
    "DeployMode",
    "EchoSettings",
    "EngineName",
    "GpuSplit",
    "LimitSettings",
    "ServerSettings",
    "SessionSettings",
    "TelemetrySettings",
    "Settings",
    "ToolSettings",
]
