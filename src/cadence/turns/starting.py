"""Turning an admitted plan into a running turn and its :class:`TurnSpec`."""

from __future__ import annotations

from cadence.protocol.frames import ClientFrame
from cadence.session.history import tool_turns
from cadence.session.state import Session
from cadence.turns.admission import TurnPlan
from cadence.turns.config import CoreConfig
from cadence.turns.effects import TurnSpec
from cadence.turns.filters import MarkerFilter, Passthrough, StreamFilter
from cadence.turns.turn import Turn

#: The identity filter holds no state: every unsanitized turn shares one.
_PASSTHROUGH = Passthrough()


def plan_turn(
    config: CoreConfig, frame: ClientFrame, session: Session, plan: TurnPlan, now: float
) -> tuple[Turn, TurnSpec]:
    """Build the turn's bookkeeping and what the I/O layer must run.

    Sampling resolves turn settings over session settings over server
    defaults; ``sanitize_output`` picks the text filter, behind which the
    server's prompt markers are removed.
    """
    sampling = plan.sampling.over(session.sampling)
    prompt = plan.prompt
    user = plan.user
    text_filter: StreamFilter = config.make_sanitizer() if config.sanitizes(sampling) else _PASSTHROUGH
    markers = config.control_markers
    if markers is not None:
        text_filter = MarkerFilter(markers, text_filter)
    turn = Turn(
        frame.session_id,
        frame.request_id,
        user.text,
        user.truncated,
        now,
        text_filter,
        plan.wants_toolcall,
        prompt is not None,
        prompt_tokens=prompt.tokens if prompt is not None else 0,
        looked=plan.looked,
    )
    turns: tuple[str, ...] = ()
    looks: tuple[bool, ...] = ()
    if plan.wants_toolcall and session.history:
        turns, looks = tool_turns(session.history, config.sessions.followup_prefix.strip(),
                                  config.tool_history_turns)
    spec = TurnSpec(
        session_id=frame.session_id,
        request_id=frame.request_id,
        prompt=prompt.text if prompt is not None else None,
        sampling=config.resolve(sampling),
        tool_history=turns,
        tool_utterance=user.text if plan.wants_toolcall else None,
        deadline=now + config.chat_timeout_s,
        screen_prompt=plan.screen_prompt,
        tool_looked=looks,
    )
    return turn, spec


__all__ = ["plan_turn"]
