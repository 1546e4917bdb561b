"""The settings and the outcome of one chaos run (see :mod:`chaos`):
:class:`ChaosConfig` and :class:`ChaosReport`, and the names they share."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

Frame = dict[str, Any]
TURN_KINDS = ("start", "message", "followup")
MAX_VIOLATIONS_KEPT = 200


@dataclasses.dataclass(frozen=True)
class ChaosConfig:
    """One chaos run. ``turns``: terminal frames to collect in all (split
    evenly over the clients); ``duration_s``: stop drawing actions after this
    long. At least one of them bounds the run. ``reply_tokens`` is the echo
    engine's reply length and, on ``hf``, every turn's ``max_tokens``."""

    seed: int
    clients: int = 16
    turns: int | None = 600
    duration_s: float | None = None
    engine: Literal["echo", "hf"] = "echo"
    model_dir: Path | None = None
    tokens_per_second: float = 400.0
    reply_tokens: int = 12
    max_messages: int = 20
    max_cancels: int = 20
    max_invalid: int = 20
    window_s: float = 60.0
    max_message_bytes: int = 65536
    warmup_fraction: float = 0.2
    check_rss: bool = True
    rss_tolerance_mb: float = 25.0
    rss_tolerance_pct: float = 10.0
    answer_timeout_s: float = 30.0
    settle_timeout_s: float = 15.0
    progress: Callable[[str], None] | None = None
    progress_interval_s: float = 5.0

    def share(self) -> int | None:
        """Terminal frames each client collects (``None``: bounded by time)."""
        return None if self.turns is None else max(1, math.ceil(self.turns / self.clients))

    def replay(self, uvloop: bool = True) -> str:
        """The command that replays this run (``uvloop``: the loop it ran on)."""
        size = f"--turns {self.turns}" if self.turns is not None else f"--duration {self.duration_s:g}"
        return (f"python scripts/chaos.py --seed {self.seed} --clients {self.clients} {size} "
                f"--engine {self.engine} --reply-tokens {self.reply_tokens} "
                f"--tokens-per-second {self.tokens_per_second:g}{'' if uvloop else ' --no-uvloop'}")


@dataclasses.dataclass
class ChaosReport:
    """What a run saw. ``terminals``: how many started turn ids got 0, 1, 2...
    terminal frames (0 only where the socket died under the turn; the ids
    themselves are in the violations), kept as counts so that memory stays
    flat however long the run; ``notes``: counted events that are not
    violations (close codes, terminal kinds, rejections, ``active: false``
    answers, the known issue-17 defects)."""

    config: ChaosConfig
    turns_sent: int = 0
    connections: int = 0
    turns_run: int = 0  # turns that got a terminal frame
    terminals: Counter[int] = dataclasses.field(default_factory=Counter)
    violations: list[str] = dataclasses.field(default_factory=list)
    violation_count: int = 0
    notes: Counter[str] = dataclasses.field(default_factory=Counter)
    actions: Counter[str] = dataclasses.field(default_factory=Counter)
    leaked_requests: int = 0
    leftover_tasks: list[str] = dataclasses.field(default_factory=list)
    stats_end: dict[str, Any] = dataclasses.field(default_factory=dict)
    rss_mb: dict[str, float] = dataclasses.field(default_factory=dict)
    elapsed_s: float = 0.0
    uvloop: bool = False  # whether the run's event loop was uvloop's

    @property
    def seed(self) -> int:
        return self.config.seed

    @property
    def ok(self) -> bool:
        return self.violation_count == 0

    def violate(self, message: str) -> None:
        """Record a violation (the first ``MAX_VIOLATIONS_KEPT`` are kept)."""
        self.violation_count += 1
        if len(self.violations) < MAX_VIOLATIONS_KEPT:
            self.violations.append(message)

    def rss_limit_mb(self) -> float:
        """The end RSS allowed: after warm-up plus the larger tolerance."""
        warm = self.rss_mb.get("warm", 0.0)
        return warm + max(self.config.rss_tolerance_mb, warm * self.config.rss_tolerance_pct / 100)

    def summary(self) -> str:
        """A human-readable report, replay command included."""
        cfg = self.config
        rate = self.turns_run / self.elapsed_s if self.elapsed_s else 0.0
        rss = ", ".join(f"{k} {v:.1f}" for k, v in self.rss_mb.items())
        lines = [
            f"chaos seed={cfg.seed} engine={cfg.engine} clients={cfg.clients}: {self.turns_run} turns run "
            f"({self.turns_sent} turn frames sent, {self.connections} connections) in {self.elapsed_s:.1f} s "
            f"= {rate:.1f} turns/s",
            f"violations: {self.violation_count}; leaked engine requests: {self.leaked_requests}; "
            f"leftover tasks: {len(self.leftover_tasks)}",
            f"started turn ids by terminal frames: {dict(sorted(self.terminals.items()))}",
            f"RSS MB: {rss} (end limit {self.rss_limit_mb():.1f} = warm + max({cfg.rss_tolerance_mb:g} MB, "
            f"{cfg.rss_tolerance_pct:g} %){'' if cfg.check_rss else ', not checked'})",
            f"stats at end: {self.stats_end}",
            f"actions: {dict(sorted(self.actions.items()))}",
            f"notes: {dict(sorted(self.notes.items()))}",
            *(f"VIOLATION {v}" for v in self.violations[:20]),
            f"replay: {cfg.replay(self.uvloop)}",
        ]
        return "\n".join(lines)


__all__ = ["MAX_VIOLATIONS_KEPT", "TURN_KINDS", "ChaosConfig", "ChaosReport", "Frame"]
