"""What a chaos client's actions stand on (see :mod:`chaos`): its state, its
connections (open, resume, leave, finish) and the frames it sends and awaits."""

from __future__ import annotations

import asyncio
import random

from chaos_actions import Action, new_id
from chaos_checker import ConnChecker
from chaos_config import ChaosConfig, ChaosReport, Frame
from chaos_conn import ChaosConn
from harness import API_KEY, PROMPT, UNIT
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus


class ChaosClientBase:
    """The state, connections and frames of one chaos client; its actions
    are :class:`chaos_client.ChaosClient`'s."""

    def __init__(self, index: int, cfg: ChaosConfig, port: int, report: ChaosReport) -> None:
        self.index = index
        self.cfg = cfg
        self.port = port
        self.report = report
        self.rng = random.Random(cfg.seed + index)
        self.session_id = f"chaos-{cfg.seed}-{index}"
        self.conn: ChaosConn | None = None
        self.known = False  # the session exists for sure (an ack or a start's turn frame came)
        self.epoch = 0  # bumped by every `end`: a later ack of an earlier start proves nothing
        self._start_epoch: dict[str, int] = {}
        self._opened = 0
        self._done_before = 0
        self._live: set[ChaosConn] = set()  # opened, not yet finished
        self.sent_turns = 0

    def turns_done(self) -> int:
        """Terminal frames this client has received."""
        live = self.conn is not None and not self.conn.finished
        return self._done_before + (len(self.conn.checker.ended) if live and self.conn else 0)

    # -- connections ------------------------------------------------------------------

    async def _conn_for(self, action: Action) -> ChaosConn:
        """The open connection, or a new one (after retiring a used-up one);
        a new connection sends a bare ``start`` unless the session is known."""
        conn = self.conn
        if conn is not None and conn.open and len(conn.checker.windowed) < conn.life:
            return conn
        if conn is not None and conn.open:
            await self._leave(conn, "end" if action.variant % 2 else "close")
        elif conn is not None:
            await self._finish(conn, "server")
        conn = self.conn = await self._open(action.life)
        if self.known:
            self.report.notes["session resumed on a new connection"] += 1
        else:
            rid = await self._send_windowed(conn, "start", self._payload("start", action, utterance=False))
            await self._await_answer(conn, rid)
        return conn

    async def _open(self, life: int) -> ChaosConn:
        url = f"ws://127.0.0.1:{self.port}/ws?api_key={API_KEY}"
        for attempt in range(20):
            try:
                ws = await connect(url, compression=None, open_timeout=30 * UNIT, max_size=2**22)
                break
            except InvalidStatus as exc:  # at capacity while aborted sockets are being noticed
                self.report.notes[f"handshake refused {exc.response.status_code}"] += 1
                await asyncio.sleep(0.05 * (attempt + 1))
        else:
            raise RuntimeError(f"client {self.index}: handshake refused 20 times")
        self._opened += 1
        self.report.connections += 1
        label = f"[seed {self.cfg.seed} client {self.index} conn {self._opened}]"
        conn = ChaosConn(ws, ConnChecker(label, self.report, self._confirm), life)
        self._live.add(conn)
        return conn

    def _confirm(self, rid: str) -> None:
        """A start was answered with an ack or a turn frame: the session exists."""
        if self._start_epoch.pop(rid, -1) == self.epoch:
            self.known = True

    async def _finish(self, conn: ChaosConn, how: str) -> None:
        if not conn.finished:
            self._live.discard(conn)
            await conn.finish(how, self.cfg.answer_timeout_s)
            self._done_before += len(conn.checker.ended)

    async def _leave(self, conn: ChaosConn, how: str) -> None:
        """End the connection: ``end`` (session forgotten), ``abort`` (no close
        frame) or ``close`` (close frame; the session stays for a resume)."""
        if how == "end":
            rid = new_id()
            self.epoch += 1
            self.known = False
            if await conn.send(self._frame("end", rid, {})):
                await conn.until(lambda: rid in conn.checker.replies, self.cfg.answer_timeout_s)
        elif how == "abort":
            conn.abort()
        else:
            await conn.ws.close()
        await self._finish(conn, how)

    # -- frames -----------------------------------------------------------------------

    def _frame(self, kind: str, rid: str, payload: Frame) -> Frame:
        return {"type": kind, "session_id": self.session_id, "request_id": rid, "payload": payload}

    def _payload(self, kind: str, action: Action, utterance: bool = True) -> Frame:
        sampling = {} if action.max_tokens is None else {"sampling": {"max_tokens": action.max_tokens}}
        if kind == "start":
            body: Frame = {"chat_prompt": PROMPT, **sampling}
            if action.history:
                body["history"] = [{"role": role, "content": text} for role, text in action.history]
            if utterance:
                body["user_utterance"] = action.utterance
            return body
        if kind == "message":
            return {"user_utterance": action.utterance, **sampling}
        return {"analysis_text": action.utterance}

    async def _send_windowed(self, conn: ChaosConn, kind: str, payload: Frame) -> str:
        """Send a start/message/followup, registered with the checker first."""
        rid = new_id()
        runs_turn = kind != "start" or "user_utterance" in payload
        conn.checker.sent_windowed(kind, rid, runs_turn, self.known)
        if kind == "start":
            self._start_epoch[rid] = self.epoch
        self.sent_turns += runs_turn
        self.report.turns_sent += runs_turn
        await conn.send(self._frame(kind, rid, payload))
        return rid

    async def _cancel(self, conn: ChaosConn, rid: str | None, variant: int = 0) -> str:
        """Send a cancel (with ``rid``, or a fresh id); return its id."""
        cid = rid or new_id()
        conn.checker.cancels.append(cid)
        await conn.send(self._frame("cancel", cid, {"reason": "chaos"} if variant % 3 == 0 else {}))
        return cid

    async def _sync(self, conn: ChaosConn) -> bool:
        """Ping and wait for the pong: every earlier frame has been answered
        (the server answers in order). False if the socket closed first."""
        rid = new_id()
        if not await conn.send(self._frame("ping", rid, {})):
            return False
        return await conn.until(lambda: rid in conn.checker.replies, self.cfg.answer_timeout_s)

    async def _await_answer(self, conn: ChaosConn, rid: str) -> None:
        """Wait for ``rid``'s terminal frame or reply; a silent open socket
        past ``answer_timeout_s`` is a violation (and is aborted)."""
        if await conn.until(lambda: conn.checker.answered(rid), self.cfg.answer_timeout_s) or not conn.open:
            return
        conn.checker.violate(rid, f"no answer within {self.cfg.answer_timeout_s * UNIT:.0f} s")
        conn.abort()
        await self._finish(conn, "abort")


__all__ = ["ChaosClientBase"]
