"""A chaos client's actions (see :mod:`chaos`): :class:`ChaosClient` draws
them and runs each over the connections of :class:`ChaosClientBase`."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import orjson
from chaos_actions import _MALFORMED_VARIANTS, Action, draw_action, new_id
from chaos_client_base import ChaosClientBase
from chaos_config import TURN_KINDS, Frame
from chaos_conn import ChaosConn


class ChaosClient(ChaosClientBase):
    """One client on its own session (``chaos-<seed>-<index>``), over as many
    connections as its actions call for; decisions from ``Random(seed + index)``."""

    async def run(self) -> None:
        """Draw and run actions until the turn share or the duration is reached."""
        share = self.cfg.share()
        loop = asyncio.get_running_loop()
        deadline = None if self.cfg.duration_s is None else loop.time() + self.cfg.duration_s
        try:
            while share is None or self.turns_done() < share:
                if deadline is not None and loop.time() >= deadline:
                    break
                if share is not None and self.sent_turns >= 6 * share + 100:
                    self.report.notes["client stopped at its turn-frame cap"] += 1
                    break
                action = draw_action(self.rng, self.cfg)
                self.report.actions[action.kind] += 1
                await self._act(action)
            conn = self.conn
            if conn is not None and conn.open:
                await self._leave(conn, "end")
            elif conn is not None:
                await self._finish(conn, "server")
        finally:  # on error or cancellation: no socket or reader task outlives the client
            for live in list(self._live):
                live.abort()
                await self._finish(live, "abort")

    async def _act(self, action: Action) -> None:
        kind = action.kind
        if kind in TURN_KINDS:
            await self._turn(action)
        elif kind == "cancel":
            await self._cancel(await self._conn_for(action), None, action.variant)
            await asyncio.sleep(action.delay_s)
        elif kind == "ping":
            await self._sync(await self._conn_for(action))
        elif kind == "malformed":
            await self._malformed(await self._conn_for(action), action.variant)
        elif kind in ("end", "abort", "close"):
            await self._leave(await self._conn_for(action), kind)
        elif kind == "takeover":
            await self._takeover(action)
        elif kind == "oversize":
            await self._oversize(await self._conn_for(action))
        elif kind == "flood":
            await self._flood(action)
        elif kind == "cancel_flood":
            await self._cancel_flood(action)
        else:
            await self._abuse(await self._conn_for(action))

    # -- actions ----------------------------------------------------------------------

    async def _turn(self, action: Action) -> None:
        conn = await self._conn_for(action)
        with_utterance = action.kind != "start" or action.variant % 2 == 0
        rid = await self._send_windowed(conn, action.kind, self._payload(action.kind, action, with_utterance))
        if with_utterance:
            await self._follow(conn, rid, action)
        else:
            await self._await_answer(conn, rid)

    async def _follow(self, conn: ChaosConn, rid: str, action: Action) -> None:
        """What the client does while turn ``rid`` runs: wait for its end,
        barge in, or cancel it at a random moment (the cancel reuses the turn's
        id only once the turn has answered, so replies are attributable)."""
        follow, checker = action.follow, conn.checker
        if follow in ("barge", "cancel_soon"):
            await asyncio.sleep(action.delay_s)  # barge: the next action comes at once
        if follow in ("barge", "none"):
            return
        if follow == "cancel_soon":  # before the first token (prefill) or early in decode
            await self._cancel(conn, None, action.variant)
        elif follow == "cancel_at_token":  # after token k; k = the last token a third of the time
            await conn.until(lambda: checker.tokens[rid] >= action.token or checker.answered(rid),
                             self.cfg.answer_timeout_s)
            answered = rid in checker.started or rid in checker.rejected
            await self._cancel(conn, rid if action.same_id and answered else None, action.variant)
        await self._await_answer(conn, rid)
        if follow == "cancel_after_done" and rid in checker.ended and conn.open:
            await self._cancel(conn, rid, action.variant)  # a cancel for the ended id
            await self._sync(conn)

    def _garbage(self, variant: int) -> tuple[str, str | bytes]:
        """A frame the server must answer with one ``invalid_message``."""
        rid = new_id()
        frame = self._frame("message", rid, {"user_utterance": "x"})
        choices: tuple[str | bytes | Frame, ...] = (
            "not json", {**frame, "type": "bogus"}, {**frame, "payload": {"user_utterance": "x", "bogus": 1}},
            b"\x00binary", {**frame, "request_id": "bad id!"}, '{"type": "message", "session_id":',
            "[]", {**frame, "payload": {"user_utterance": 5}}, {**frame, "session_id": f"{self.session_id}-x"},
        )
        chosen = choices[variant % len(choices)]
        return rid, orjson.dumps(chosen).decode() if isinstance(chosen, dict) else chosen

    async def _malformed(self, conn: ChaosConn, variant: int) -> None:
        if variant % _MALFORMED_VARIANTS == 8 and not conn.checker.windowed:
            variant = 0  # another session's id would bind a fresh connection to it
        rid, data = self._garbage(variant)
        conn.checker.garbage.add(rid)
        before = conn.checker.codes["invalid_message"]
        if await conn.send(data) and await self._sync(conn):
            got = conn.checker.codes["invalid_message"] - before
            if got != 1:
                conn.checker.violate(rid, f"malformed frame {data[:80]!r} got {got} invalid_message")

    async def _takeover(self, action: Action) -> None:
        """A second connection claims the session: the first must end its turn
        (``session_taken_over``) and close 4001. Without an attached first
        connection this is a plain reconnect."""
        old = self.conn
        if old is None or not old.open or not old.checker.attached:
            if old is not None and old.open:
                await self._leave(old, "abort")
            await self._turn(dataclasses.replace(action, kind="message" if self.known else "start"))
            return
        new = self.conn = await self._open(action.life)
        if self.known and action.variant % 3 == 0:  # a cancel claims an existing session too
            await self._cancel(new, None, action.variant)
            rid = None
        else:
            kind = "message" if self.known and action.variant % 3 == 1 else "start"
            rid = await self._send_windowed(new, kind, self._payload(kind, action))
        await self._finish(old, "takeover")
        if rid is not None:
            await self._follow(new, rid, action)

    async def _oversize(self, conn: ChaosConn) -> None:
        """A frame past the server's maximum: close 1009."""
        rid = new_id()
        conn.checker.garbage.add(rid)
        text = "a" * (self.cfg.max_message_bytes + 1)
        sent = await conn.send(orjson.dumps(self._frame("message", rid, {"user_utterance": text})).decode())
        await self._finish(conn, "oversize" if sent else "server")

    async def _flood(self, action: Action) -> None:
        """More turn frames than the message window allows, back to back: the
        excess gets ``rate_limited``; then ``end`` (exact-limit check)."""
        conn = await self._conn_for(action)
        kind = "message" if self.known else "start"
        count = self.cfg.max_messages + 1 + action.variant % 3
        if not self.cfg.max_messages:
            count = 3
        rids = [await self._send_windowed(conn, kind, self._payload(kind, action)) for _ in range(count)]
        for rid in rids:
            await self._await_answer(conn, rid)
        limited = any(conn.checker.rejected.get(rid) == "rate_limited" for rid in rids)
        fresh = time.monotonic() - conn.opened_at < self.cfg.window_s
        if conn.open and self.cfg.max_messages and fresh and not limited:
            conn.checker.violate(rids[-1], f"{count} turn frames in a row, none rate_limited")
        if conn.open:
            await self._leave(conn, "end")

    async def _cancel_flood(self, action: Action) -> None:
        """More cancels than the cancel window allows: the excess gets
        ``rate_limited``; then ``end`` (exact-limit check)."""
        conn = await self._conn_for(action)
        count = self.cfg.max_cancels + 1 + action.variant % 3 if self.cfg.max_cancels else 3
        for _ in range(count):
            await self._cancel(conn, None)
        fresh = time.monotonic() - conn.opened_at < self.cfg.window_s
        if await self._sync(conn) and self.cfg.max_cancels and fresh and not conn.checker.cancel_limited:
            conn.checker.violate("-", f"{count} cancels in a row, none rate_limited")
        if conn.open:
            await self._leave(conn, "end")

    async def _abuse(self, conn: ChaosConn) -> None:
        """More invalid frames than ``max_invalid``: every one answered, then close 1008."""
        if not self.cfg.max_invalid:
            await self._malformed(conn, 0)
            return
        sent, ended_before = 0, set(conn.checker.ended)
        for i in range(self.cfg.max_invalid + 1):
            rid, data = self._garbage(i % (_MALFORMED_VARIANTS - 1))
            conn.checker.garbage.add(rid)
            if not await conn.send(data):
                break
            sent += 1
        await self._finish(conn, "abuse" if sent else "server")
        for rid, outcome in conn.checker.ended.items():
            if rid not in ended_before:  # a turn that ran while the invalid frames came
                known = " (issue 17 #6)" if outcome == "cancelled:client_request" else ""
                self.report.notes[f"abuse close: a running turn ended {outcome}{known}"] += 1


__all__ = ["ChaosClient"]
