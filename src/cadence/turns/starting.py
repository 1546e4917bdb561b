"""Turning an admitted plan into a running turn and its :class:`TurnSpec`."""

from __future__ import annotations

from cadence.protocol.frames import ClientFrame
from cadence.session.state import Session
from cadence.turns.admission import TurnPlan
from cadence.turns.config import CoreConfig
from cadence.turns.effects import TurnSpec
from cadence.turns.filters import Passthrough
from cadence.turns.turn import Turn


def plan_turn(
    config: CoreConfig, frame: ClientFrame, session: Session, plan: TurnPlan, now: float
) -> tuple[Turn, TurnSpec]:
    """Build the turn's bookkeeping and what the I/O layer must run.

    Sampling resolves turn settings over session settings over server
    defaults; ``sanitize_output`` picks the text filter.
    """
    merged = plan.sampling.over(session.sampling).over(config.default_sampling)
    turn = Turn(
        session_id=frame.session_id,
        request_id=frame.request_id,
        user_text=plan.user.text,
        truncated=plan.user.truncated,
        started_at=now,
        text_filter=config.make_sanitizer() if merged.sanitize_output else Passthrough(),
        wants_toolcall=plan.wants_toolcall,
        runs_chat=plan.prompt is not None,
        prompt_tokens=plan.prompt.tokens if plan.prompt else 0,
    )
    recent = [entry.content for entry in session.history if entry.role == "user"]
    spec = TurnSpec(
        session_id=frame.session_id,
        request_id=frame.request_id,
        prompt=plan.prompt.text if plan.prompt else None,
        sampling=config.resolve(merged),
        tool_history=tuple(recent[-config.tool_history_turns :]),
        tool_utterance=plan.user.text if plan.wants_toolcall else None,
        deadline=now + config.chat_timeout_s,
        screen_prompt=plan.screen_prompt,
    )
    return turn, spec


__all__ = ["plan_turn"]
