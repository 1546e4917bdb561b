"""The Pipecat settings of :class:`~cadence.client.pipecat.CadenceLLMService`.

``CadenceLLMSettings`` is Pipecat's ``LLMSettings`` plus Cadence's session
values (``personality``, ``gender``) and its extra sampling keys
(``min_p``, ``repetition_penalty``, ``sanitize_output``). Updates arrive as
``LLMUpdateSettingsFrame(delta=CadenceLLMSettings(...))``; they take effect
at the next turn (a new ``start``, since they are session-level on the server).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipecat.services.settings import LLMSettings
from pipecat.utils.types import NOT_GIVEN, NotGiven, is_given

from cadence.client.outbound import SAMPLING_KEYS

#: Settings fields sent as ``sampling`` (all of Cadence's sampling keys).
SAMPLING_FIELDS = tuple(sorted(SAMPLING_KEYS))


@dataclass
class CadenceLLMSettings(LLMSettings):
    """Runtime-updatable settings of the Cadence LLM service.

    Parameters:
        personality: Replaces ``{personality}`` in the system prompt (``[a-z_-]``, 1-32).
        gender: ``female`` or ``male``; replaces ``{gender}``.
        min_p: Min-p sampling (0 to 1).
        repetition_penalty: Repetition penalty (0 to 2].
        sanitize_output: Whether the server makes the reply speakable (default true).

    ``seed`` is not supported by Cadence and must stay ``None``; ``model`` is
    a label (the server decides the model).
    """

    personality: str | NotGiven | None = field(default_factory=lambda: NOT_GIVEN)
    gender: str | NotGiven | None = field(default_factory=lambda: NOT_GIVEN)
    min_p: float | NotGiven | None = field(default_factory=lambda: NOT_GIVEN)
    repetition_penalty: float | NotGiven | None = field(default_factory=lambda: NOT_GIVEN)
    sanitize_output: bool | NotGiven | None = field(default_factory=lambda: NOT_GIVEN)


def store_settings(personality: str | None, gender: str | None,
                   sampling: Mapping[str, Any] | None) -> CadenceLLMSettings:
    """The complete (store-mode) settings from the constructor's arguments.

    Raises:
        ValueError: ``sampling`` has a key Cadence does not know.
    """
    unknown = sorted(set(sampling or {}) - SAMPLING_KEYS)
    if unknown:
        raise ValueError(f"unknown sampling keys {unknown}; Cadence takes {sorted(SAMPLING_KEYS)}")
    values: dict[str, Any] = dict.fromkeys(SAMPLING_FIELDS)
    values.update(sampling or {})
    return CadenceLLMSettings(
        model="cadence", system_instruction=None, seed=None, filter_incomplete_user_turns=False,
        user_turn_completion_config=None, use_provider_thinking_default=False,
        personality=personality, gender=gender, extra={}, **values,
    )


def sampling_items(settings: CadenceLLMSettings) -> tuple[tuple[str, Any], ...]:
    """The ``sampling`` object of a ``start``, as sorted pairs (unset keys left out)."""
    pairs = ((name, getattr(settings, name)) for name in SAMPLING_FIELDS)
    return tuple((name, value) for name, value in pairs if is_given(value) and value is not None)


def given_str(value: object) -> str | None:
    """A settings field as ``str | None`` (``NOT_GIVEN`` reads as ``None``)."""
    return value if isinstance(value, str) else None


__all__ = ["SAMPLING_FIELDS", "CadenceLLMSettings", "given_str", "sampling_items", "store_settings"]
