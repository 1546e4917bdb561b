"""The per-token hot path over a real socket (docs/benchmarks/server.md).

At unlimited echo speed every token leaves through the synchronous fast
path; a reader that falls behind gets the queued tokens of a turn merged
into fewer frames. Either way the client sees the whole reply, in order,
and ``done.text`` is exactly the concatenation of the ``token`` texts.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from harness import client, make_settings, running_server

from cadence.engines.echo import reply_words

UTTERANCE = "one two three four five six seven"
TOKENS = 3000
FAST = make_settings(
    echo={"tokens_per_second": 0, "reply_tokens": TOKENS},
    sessions={"chat_max_out": TOKENS},
    limits={"max_messages": 0},
)


def _check_reply(frames: list[dict[str, Any]], rid: str, tokens: int, finish: str = "stop") -> list[str]:
    """Assert one complete, ordered reply; return its token texts."""
    assert frames[-1]["type"] == "done", frames[-1]
    assert {frame["request_id"] for frame in frames} == {rid}
    kinds = [frame["type"] for frame in frames]
    assert kinds == ["token"] * (len(frames) - 1) + ["done"]
    texts = [frame["payload"]["text"] for frame in frames[:-1]]
    assert all(texts)
    done = frames[-1]["payload"]
    assert "".join(texts) == done["text"] == "".join(reply_words(UTTERANCE, tokens))
    assert done["usage"]["completion_tokens"] == tokens
    assert done["finish_reason"] == finish
    return texts


async def test_many_tokens_at_full_speed_arrive_complete_and_in_order() -> None:
    async with running_server(FAST) as server, client(server) as c:
        rid = await c.start(UTTERANCE, sampling={"max_tokens": TOKENS})
        texts = _check_reply(await c.until_terminal(rid), rid, TOKENS)
        assert len(texts) <= TOKENS


async def test_concurrent_sessions_each_get_their_own_reply_in_order() -> None:
    async def one(server: Any, index: int) -> None:
        async with client(server, session_id=f"hot-{index}") as c:
            for _ in range(2):  # back-to-back turns reuse the per-turn encoder path
                rid = await c.start(UTTERANCE, sampling={"max_tokens": 400})
                frames = await c.until_terminal(rid)
                assert all(frame["session_id"] == f"hot-{index}" for frame in frames)
                _check_reply(frames, rid, 400, finish="length")

    async with running_server(FAST) as server:
        await asyncio.gather(*(one(server, index) for index in range(16)))


async def test_tokens_queued_for_a_slow_reader_are_merged() -> None:
    # Small socket buffers on both sides (the server's is set on its listening
    # socket, which accepted sockets inherit) and a client queue of one message
    # make the server's write buffer pass its high-water mark while we do not
    # read, so tokens wait in the outbound queue and merge there.
    settings = make_settings(
        server={"write_limit_bytes": 1024},
        echo={"tokens_per_second": 0, "reply_tokens": TOKENS},
        sessions={"chat_max_out": TOKENS},
    )
    async with running_server(settings) as server:
        server._server.sockets[0].setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)  # type: ignore[union-attr]
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", server.port))
        async with client(server, sock=sock, max_queue=1) as c:
            rid = await c.start(UTTERANCE, sampling={"max_tokens": TOKENS})
            await asyncio.sleep(0.5)  # the whole reply is generated meanwhile
            texts = _check_reply(await c.until_terminal(rid), rid, TOKENS)
    assert len(texts) < TOKENS // 2, f"{len(texts)} token frames: nothing was merged"
    assert max(len(text.split()) for text in texts) > 1
