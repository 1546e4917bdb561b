"""Settings the connection core needs, resolved once at start."""

from __future__ import annotations

import dataclasses

from cadence.config.settings import DeployMode, LimitSettings, SessionSettings
from cadence.generation import SamplingParams
from cadence.protocol.frames import Sampling
from cadence.protocol.validate import PayloadLimits
from cadence.turns.filters import FilterFactory, Markers, Passthrough


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
    #: Ask the I/O layer to prefill a session's persona at a ``start``
    #: without an utterance (the chat engine reuses prefixes).
    warm_prompts: bool = False
    #: The prompt markers the server adds, which a reply must never carry
    #: (derived from ``sessions``; computed once, read once per turn).
    control_markers: Markers | None = dataclasses.field(init=False, default=None)

    def __post_init__(self) -> None:
        sessions = self.sessions
        prefixes = (sessions.check_screen_prefix, sessions.followup_prefix)
        texts = tuple(p.strip() for p in prefixes if p.strip())
        object.__setattr__(self, "control_markers", Markers.of(texts) if texts else None)

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
        """Engine parameters: each field set in ``sampling`` over the
        :attr:`default_sampling` one (``sampling`` need not be fully merged);
        ``stop`` and ``seed`` always come from the server settings.

        The same as ``dataclasses.replace(self.sampling, **fields of
        sampling.over(self.default_sampling))``, without building the
        intermediate objects (this runs once per turn).
        """
        base = self.sampling
        chat_max_out = self.sessions.chat_max_out
        if sampling.is_empty and base.max_tokens <= chat_max_out:
            return base  # nothing to override: the defaults as they are
        # One unpacking reads every field (Sampling is a named tuple).
        temperature, top_p, top_k, min_p, repetition, presence, frequency, max_tokens, _ = sampling
        if max_tokens is None:
            max_tokens = min(base.max_tokens, chat_max_out)
        return SamplingParams(
            temperature=base.temperature if temperature is None else temperature,
            top_p=base.top_p if top_p is None else top_p,
            top_k=base.top_k if top_k is None else top_k,
            min_p=base.min_p if min_p is None else min_p,
            repetition_penalty=base.repetition_penalty if repetition is None else repetition,
            presence_penalty=base.presence_penalty if presence is None else presence,
            frequency_penalty=base.frequency_penalty if frequency is None else frequency,
            max_tokens=max_tokens,
            stop=base.stop,
            seed=base.seed,
        )

    def sanitizes(self, sampling: Sampling) -> bool:
        """Whether a turn with (partly merged) ``sampling`` sanitizes its output."""
        chosen = sampling.sanitize_output
        return self.sanitize_output if chosen is None else chosen


__all__ = ["CoreConfig"]
