from __future__ import annotations

from harness import client, running_server


async def test_start_then_message_streams_echo_reply() -> None:
    async with running_server() as server, client(server) as c:
        rid = await c.start("hello there friend")
        frames = await c.until_terminal(rid)
        tokens = [f["payload"]["text"] for f in frames if f["type"] == "token"]
        done = frames[-1]
        assert done["type"] == "done", frames
        assert "".join(tokens) == done["payload"]["text"]
        assert done["payload"]["text"].startswith("hello there friend hello")
        assert done["payload"]["usage"]["completion_tokens"] == 40
