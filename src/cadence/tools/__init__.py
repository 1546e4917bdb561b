"""Tool classifier: decides per turn whether the client should take a screenshot.

- :class:`ToolClassifier` (``classifier``): the asyncio API, ``start`` /
  ``classify`` / ``aclose``, with micro-batching in one worker thread
  (``batcher``) and a timeout fallback to ``"no"``.
- :class:`ToolConfig` (``config``): settings, from ``TOOL_*`` variables.
- ``fitting``: the pure fitter of recent user turns and utterance into the
  model's context.
- ``runtime``: the real ``transformers`` model (any
  ``AutoModelForSequenceClassification``).
- ``training`` / ``default_model`` / ``cli``: the default screenshot-intent model, fine-tuned from
  all-MiniLM-L6-v2 on ``data/screenshot_intent.jsonl``;
  :func:`ensure_default_tool_model` trains it once and caches it.

Heavy dependencies (``torch``, ``transformers``) are imported lazily.
"""

from cadence.tools.classifier import ToolClassifier
from cadence.tools.config import ToolConfig, tool_config_from_env
from cadence.tools.default_model import ensure_default_tool_model
from cadence.tools.types import (
    BatchLimits,
    ToolClosedError,
    ToolConfigError,
    ToolDecision,
    ToolError,
    ToolInferenceError,
    ToolInput,
    ToolModelLoadError,
    ToolStats,
)

__all__ = [
    "BatchLimits",
    "ToolClassifier",
    "ToolClosedError",
    "ToolConfig",
    "ToolConfigError",
    "ToolDecision",
    "ToolError",
    "ToolInferenceError",
    "ToolInput",
    "ToolModelLoadError",
    "ToolStats",
    "ensure_default_tool_model",
    "tool_config_from_env",
]
