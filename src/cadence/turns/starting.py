"""Turning an admitted plan into a running turn and its :class:`TurnSpec`."""

from __future__ import annotations

from cadence.protocol.frames import ClientFrame
from cadence.session.state import Session
from cadence.turns.admission import TurnPlan
from cadence.turns.config import CoreConfig
from cadence.turns.effects import TurnSpec
from cadence.turns.filters import Passthrough
from cadence.turns.turn import Turn

#: The identity filter holds no state: every unsanitized turn shares one.
_PASSTHROUGH = Passthrough()


def plan_turn(
    config: CoreConfig, frame: ClientFrame, session: Session, plan: TurnPlan, now: float
) -> tuple[Turn, TurnSpec]:
    """Build the turn's bookkeeping and what the I/O layer must run.

    Sampling resolves turn settings over session settings over server
    defaults; ``sanitize_output`` picks the text filter.
    """
    sampling = plan.sampling.over(session.sampling)
    prompt = plan.prompt
    user = plan.user
    turn = Turn(
        frame.session_id,
        frame.request_id,
        user.text,
        user.truncated,
        now,
        config.make_sanitizer() if config.sanitizes(sampling) else _PASSTHROUGH,
        plan.wants_toolcall,
        prompt is not None,
        prompt_tokens=prompt.tokens if prompt is not None else 0,
    )
    history = session.history
    recent = [entry.content for entry in history if entry.role == "user"] if history else []
    spec = TurnSpec(
        session_id=frame.session_id,
        request_id=frame.request_id,
        prompt=prompt.text if prompt is not None else None,
        sampling=config.resolve(sampling),
        tool_history=tuple(recent[-config.tool_history_turns :]),
        tool_utterance=user.text if plan.wants_toolcall else None,
        deadline=now + config.chat_timeout_s,
        screen_prompt=plan.screen_prompt,
    )
    return turn, spec


__all__ = ["plan_turn"]
