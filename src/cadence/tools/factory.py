"""Building the server's tool classifier from settings."""

from __future__ import annotations

from cadence.config.model_paths import ModelNotPreparedError, model_path
from cadence.config.settings import Settings
from cadence.tools.classifier import ToolClassifier
from cadence.tools.config import ToolConfig

DEFAULT_TOOL_DIR = "screenshot-intent-minilm"


class ToolUnavailableError(Exception):
    """The tool model is missing; the message says how to prepare it."""


def tool_model_path(settings: Settings) -> str:
    """``TOOL_MODEL`` or the trained default under ``MODELS_DIR``.

    Raises:
        ToolUnavailableError: the default model has not been trained.
    """
    try:
        return model_path(settings.tool.model, settings.models_dir, DEFAULT_TOOL_DIR,
                          role="tool", env_name="TOOL_MODEL")
    except ModelNotPreparedError as exc:
        raise ToolUnavailableError(str(exc)) from None


def build_tool_classifier(settings: Settings) -> ToolClassifier:
    """The classifier ``DEPLOY_MODE`` tool/both needs, not yet started.

    On a GPU, this process's share of GPU memory is capped
    (:attr:`~cadence.config.settings.Settings.tool_process_gpu_frac`:
    ``TOOL_GPU_FRAC``, plus ``CHAT_GPU_FRAC`` when the ``hf`` chat engine
    shares the process and the GPU); the cap applies to everything in the
    process that allocates through torch.

    Raises:
        ToolUnavailableError: no model.
    """
    tool = settings.tool
    cap = settings.tool_process_gpu_frac
    if cap is not None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.set_per_process_memory_fraction(cap)
    config = ToolConfig(
        model=tool_model_path(settings),
        threshold=tool.threshold,
        max_length=tool.max_length,
        history_tokens=tool.history_tokens,
        timeout_s=tool.timeout_s,
        max_batch_size=tool.max_batch_size,
        max_delay_ms=tool.max_delay_ms,
        device=tool.device,
    )
    return ToolClassifier(config)


__all__ = ["DEFAULT_TOOL_DIR", "ToolUnavailableError", "build_tool_classifier", "tool_model_path"]
