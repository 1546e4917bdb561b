"""One chaos client's decisions (see :mod:`chaos`): :class:`Action`, drawn by
:func:`draw_action` from the client's own ``random.Random``, and request ids."""

from __future__ import annotations

import dataclasses
import random
import uuid

from chaos_config import ChaosConfig

WORDS = ("hi", "tell", "me", "more", "now", "weather", "in", "paris", "stop", "why", "and", "the")
_KINDS = (("message", 30), ("start", 8), ("followup", 8), ("cancel", 5), ("ping", 3),
          ("malformed", 5), ("end", 3), ("abort", 4), ("close", 3), ("takeover", 4),
          ("oversize", 1), ("flood", 1), ("cancel_flood", 1), ("abuse", 1))
_FOLLOWS = (("answer", 35), ("cancel_soon", 12), ("cancel_at_token", 15),
            ("cancel_after_done", 8), ("barge", 15), ("none", 15))
_MALFORMED_VARIANTS = 9


@dataclasses.dataclass(frozen=True, slots=True)
class Action:
    """One client decision with every random parameter it may need."""

    kind: str
    follow: str
    utterance: str
    delay_s: float
    token: int
    same_id: bool
    variant: int
    history: tuple[tuple[str, str], ...]
    max_tokens: int | None
    life: int


def draw_action(rng: random.Random, cfg: ChaosConfig) -> Action:
    """The next action; always draws the same amount from ``rng``."""
    kind = rng.choices([k for k, _ in _KINDS], [w for _, w in _KINDS])[0]
    follow = rng.choices([f for f, _ in _FOLLOWS], [w for _, w in _FOLLOWS])[0]
    utterance = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    last = rng.random() < 0.35  # cancel right at the last token
    token = cfg.reply_tokens if last else rng.randint(1, cfg.reply_tokens)
    first_role = rng.choice(("user", "assistant"))
    roles = ("user", "assistant") if first_role == "user" else ("assistant", "user")
    history = tuple((roles[i % 2], rng.choice(WORDS)) for i in range(rng.choice((0, 0, 1, 2, 3, 6))))
    max_tokens = rng.choice((None, None, None, None, 1, 3, max(1, cfg.reply_tokens // 2)))
    if cfg.engine == "hf":
        max_tokens = cfg.reply_tokens if max_tokens is None else max_tokens
    return Action(kind=kind, follow=follow, utterance=utterance, delay_s=rng.uniform(0, 0.03),
                  token=token, same_id=rng.random() < 0.5, variant=rng.randrange(_MALFORMED_VARIANTS * 2),
                  history=history, max_tokens=max_tokens, life=rng.randint(2, cfg.max_messages + 4))


def new_id() -> str:
    return uuid.uuid4().hex[:12]


__all__ = ["WORDS", "Action", "draw_action", "new_id"]
