"""Settings the connection core needs, resolved once at start."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from cadence.config.settings import DeployMode, LimitSettings, SessionSettings
from cadence.engines.base import SamplingParams
from cadence.protocol.frames import Sampling
from cadence.protocol.validate import PayloadLimits
from cadence.turns.filters import FilterFactory, Passthrough

T = TypeVar("T")


def _passthrough() -> Passthrough:
    return Passthrough()


@dataclasses.dataclass(frozen=True, slots=True)
class CoreConfig:
    """Everything a :class:`~cadence.turns.core.ConnectionCore` is told."""

    mode: DeployMode = "chat"
    limits: LimitSettings = LimitSettings()
    sessions: SessionSettings = SessionSettings()
    sampling: SamplingParams = SamplingParams()
    sanitize_output: bool = True
    chat_timeout_s: float = 60.0
    make_sanitizer: FilterFactory = _passthrough
    tool_history_turns: int = 8

    @property
    def payload_limits(self) -> PayloadLimits:
        """Limits the payload validator applies."""
        return PayloadLimits(
            chat_max_out=self.sessions.chat_max_out,
            history_max_messages=self.sessions.history_max_messages,
        )

    @property
    def default_sampling(self) -> Sampling:
        """Server defaults as a fully-set :class:`Sampling`."""
        s = self.sampling
        return Sampling(
            temperature=s.temperature,
            top_p=s.top_p,
            top_k=s.top_k,
            min_p=s.min_p,
            repetition_penalty=s.repetition_penalty,
            presence_penalty=s.presence_penalty,
            frequency_penalty=s.frequency_penalty,
            max_tokens=min(s.max_tokens, self.sessions.chat_max_out),
            sanitize_output=self.sanitize_output,
        )

    def resolve(self, sampling: Sampling) -> SamplingParams:
        """Turn fully-merged :class:`Sampling` into engine parameters."""
        merged = sampling.over(self.default_sampling)
        return dataclasses.replace(
            self.sampling,
            temperature=_req(merged.temperature),
            top_p=_req(merged.top_p),
            top_k=_req(merged.top_k),
            min_p=_req(merged.min_p),
            repetition_penalty=_req(merged.repetition_penalty),
            presence_penalty=_req(merged.presence_penalty),
            frequency_penalty=_req(merged.frequency_penalty),
            max_tokens=_req(merged.max_tokens),
        )


def _req(value: T | None) -> T:
    assert value is not None
    return value


__all__ = ["CoreConfig"]
