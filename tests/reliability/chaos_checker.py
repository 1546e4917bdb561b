"""The chaos run's invariants on one connection, checked per request id as
frames arrive (see :mod:`chaos`): :class:`ConnChecker`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from chaos_config import ChaosReport, Frame
from harness import TURN_ENDING_ERRORS

ABUSE_CODES = frozenset({"invalid_message", "invalid_sampling", "prompt_too_long"})
#: Rejections a well-formed chaos frame may get (anything else is a violation).
EXPECTED_REJECTIONS = frozenset({"invalid_message", "rate_limited", "no_session"})


class ConnChecker:
    """Guarantees 1 to 3 on one connection, checked as frames arrive.

    Keeps per-id sets and the text of running turns only. ``sent_*`` register
    a frame before it is sent; :meth:`feed` takes every server frame;
    :meth:`finish` runs the end-of-connection checks once.
    """

    def __init__(self, label: str, report: ChaosReport, on_confirm: Callable[[str], None]) -> None:
        self.label = label
        self.report = report
        self._on_confirm = on_confirm
        self.windowed: dict[str, str] = {}  # start/message/followup ids -> kind (rate-limit window)
        self.turns: set[str] = set()  # ids that run a turn if admitted
        self.expect_session: set[str] = set()  # sent while the session was known to exist
        self.cancels: list[str] = []
        self.garbage: set[str] = set()
        self.started: list[str] = []  # turn ids in the order their first frame came
        self.text: dict[str, str] = {}
        self.tokens: Counter[str] = Counter()
        self.ended: dict[str, str] = {}  # id -> "done", "cancelled:<reason>", "error:<code>"
        self.rejected: dict[str, str] = {}  # turn-frame id -> error code
        self.replies: set[str] = set()  # ids answered by ack, pong, session_end, active:false, error
        self.codes: Counter[str] = Counter()
        self.extra_terminals: Counter[str] = Counter()  # terminal frames past the first
        self.cancel_limited = 0
        self.invalid = 0
        self.attached = False  # this connection holds the session (a turn frame or an ack came)
        self.session_ended = False

    def sent_windowed(self, kind: str, rid: str, runs_turn: bool, session_known: bool) -> None:
        self.windowed[rid] = kind
        if runs_turn:
            self.turns.add(rid)
        if session_known and kind != "start":
            self.expect_session.add(rid)

    def answered(self, rid: str) -> bool:
        """Whether ``rid`` got its terminal frame or a reply."""
        return rid in self.ended or rid in self.rejected or rid in self.replies

    def violate(self, rid: str, message: str) -> None:
        self.report.violate(f"{self.label} {rid}: {message}")

    def feed(self, frame: Frame) -> None:
        """Check and record one server frame."""
        kind, rid = frame.get("type"), str(frame.get("request_id"))
        payload = frame.get("payload") or {}
        if kind == "cancelled" and payload.get("active") is False:
            self._inactive_cancel(rid, payload)
        elif kind == "error" and payload.get("code") not in TURN_ENDING_ERRORS:
            self._rejection(rid, str(payload.get("code")))
        elif kind in ("ack", "pong", "session_end"):
            self.replies.add(rid)
            if kind == "ack":
                self.attached = True
                self._on_confirm(rid)
            self.session_ended |= kind == "session_end"
        elif kind in ("token", "toolcall", "done", "cancelled", "error"):
            self._turn_frame(rid, kind, payload)
        else:
            self.violate(rid, f"unknown server frame {frame}")

    def _inactive_cancel(self, rid: str, payload: Frame) -> None:
        self.replies.add(rid)
        if payload.get("text") != "":
            self.violate(rid, f"active: false with text {payload.get('text')!r}")
        if rid not in self.cancels:
            self.violate(rid, "cancelled (active: false) for an id never sent as a cancel")
        elif rid in self.ended:
            self.report.notes["active:false answer after the turn's terminal (issue 17 #8)"] += 1
        elif rid in self.turns and rid not in self.rejected and rid in self.started:
            self.violate(rid, "cancelled (active: false) for a turn that has not ended")
        else:
            self.report.notes["active:false answer (nothing running)"] += 1

    def _rejection(self, rid: str, code: str) -> None:
        self.codes[code] += 1
        self.replies.add(rid)
        self.report.notes[f"error {code}"] += 1
        if code in ABUSE_CODES:
            self.invalid += 1
        if rid in self.garbage or rid == "unknown":
            if code != "invalid_message":
                self.violate(rid, f"malformed frame answered with {code}")
            return
        if code not in EXPECTED_REJECTIONS:
            self.violate(rid, f"unexpected rejection {code}")
        if rid in self.windowed and rid not in self.rejected and rid not in self.started:
            self.rejected[rid] = code
            if code == "no_session" and rid in self.expect_session:
                self.violate(rid, "no_session for a session that exists")
        elif rid in self.cancels:
            self.cancel_limited += code == "rate_limited"
        else:
            self.violate(rid, f"rejection {code} for an id not awaiting one")

    def _turn_frame(self, rid: str, kind: str, payload: Frame) -> None:
        if rid not in self.turns:
            self.violate(rid, f"{kind} for an id never sent here as a turn")
            return
        terminal = kind in ("done", "cancelled", "error")
        if rid in self.ended:
            if terminal:
                self.extra_terminals[rid] += 1
            self.violate(rid, f"{kind} after the terminal frame ({self.ended[rid]})")
            return
        if rid in self.rejected:
            self.violate(rid, f"{kind} for a rejected turn ({self.rejected[rid]})")
        if not self.started or self.started[-1] != rid:
            last = self.started[-1] if self.started else None
            if last is not None and last not in self.ended:
                self.violate(rid, f"{kind} before the terminal frame of the running turn {last}")
            if rid in self.started:
                self.violate(rid, f"{kind}: turns interleave")
            self.started.append(rid)
            self.attached = True
            if self.windowed.get(rid) == "start":
                self._on_confirm(rid)
        if kind == "toolcall":
            if rid in self.text:
                self.violate(rid, "toolcall after tokens")
        elif kind == "token":
            if not payload.get("text"):
                self.violate(rid, f"empty token {payload}")
            self.text[rid] = self.text.get(rid, "") + str(payload.get("text", ""))
            self.tokens[rid] += 1
        else:
            self._terminal(rid, kind, payload)

    def _terminal(self, rid: str, kind: str, payload: Frame) -> None:
        sent = self.text.pop(rid, "")
        self.tokens.pop(rid, None)
        self.report.turns_run += 1
        if kind == "error":
            self.ended[rid] = f"error:{payload.get('code')}"
            self.violate(rid, f"turn-ending error {payload}")
        else:
            self.ended[rid] = "done" if kind == "done" else f"cancelled:{payload.get('reason')}"
            if kind == "cancelled":
                self.report.notes["cancelled mid-reply" if sent else "cancelled before the first token"] += 1
            if payload.get("text") != sent:
                self.violate(rid, f"{kind}.text {payload.get('text')!r} is not the tokens' {sent!r}")
        self.report.notes[self.ended[rid]] += 1

    def finish(self, close_code: int | None, how: str, lifetime_s: float) -> None:
        """End-of-connection checks; ``how``: the client's last act on it
        (``end``, ``abort``, ``close``, ``takeover``, ``oversize``, ``abuse``,
        ``server``: the server closed it first)."""
        cfg = self.report.config
        self.report.notes[f"close {close_code} after {how}"] += 1
        expected = {"end": {1000}, "close": {1000, None}, "takeover": {4001}, "oversize": {1009},
                    "abuse": {1008}, "server": set()}.get(how)
        abused = self.invalid > cfg.max_invalid > 0
        if expected is not None and close_code not in expected | ({1008} if abused else set()):
            self.violate("-", f"closed with {close_code} after {how} ({self.invalid} invalid frames)")
        for rid in self.started:
            self.report.terminals[(rid in self.ended) + self.extra_terminals[rid]] += 1
        died = how in ("abort", "close", "oversize")
        unended = [rid for rid in self.started if rid not in self.ended]
        if unended and (len(unended) > 1 or not died or unended[-1] != self.started[-1]):
            self.violate(",".join(unended), f"turn(s) without a terminal frame (after {how}, close {close_code})")
        if how == "end" and close_code == 1000 and self.session_ended:
            unanswered = [rid for rid in self.windowed if not self.answered(rid)]
            if unanswered:
                self.violate(",".join(unanswered), "frames never answered before session_end")
            if lifetime_s < cfg.window_s:
                self._check_limits()

    def _check_limits(self) -> None:
        """Exact rate limits on a connection whose every frame was answered."""
        cfg = self.report.config
        admitted = sum(1 for rid in self.windowed if rid not in self.rejected)
        limited = sum(1 for code in self.rejected.values() if code == "rate_limited")
        if cfg.max_messages and (admitted > cfg.max_messages or (limited and admitted != cfg.max_messages)):
            self.violate("-", f"message limit {cfg.max_messages}: {admitted} admitted, {limited} rate_limited")
        cancels = len(self.cancels) - self.cancel_limited
        if cfg.max_cancels and (cancels > cfg.max_cancels
                                or (self.cancel_limited and cancels != cfg.max_cancels)):
            self.violate("-", f"cancel limit {cfg.max_cancels}: {cancels} admitted, "
                              f"{self.cancel_limited} rate_limited")


__all__ = ["ABUSE_CODES", "EXPECTED_REJECTIONS", "ConnChecker"]
