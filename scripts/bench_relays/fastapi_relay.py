"""A minimal FastAPI/uvicorn relay, written only to compare with Cadence.

It speaks just enough of PROTOCOL.md for ``scripts/bench_server.py``: on a
``start`` frame with a ``user_utterance`` it streams the same ``token``
frames as Cadence's ``echo`` engine at unlimited speed (the utterance's
words cycled to ``--reply-tokens``, the first without a leading space, one
event-loop step per token like the echo engine's ``sleep(0)``), then a
``done`` frame with the same envelope. There is no authentication, no
validation, no session state, no rate limit and no backpressure policy:
it is the floor a server on this stack could reach, not a server.

    .venv/bin/python scripts/bench_relays/fastapi_relay.py --port 8101
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

import orjson
import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect


def reply(utterance: str, count: int) -> list[str]:
    """The echo engine's reply tokens for ``utterance``."""
    words = list(itertools.islice(itertools.cycle(utterance.split() or ["echo"]), count))
    return [words[0], *(" " + word for word in words[1:])]


def make_app(reply_tokens: int) -> FastAPI:
    """The relay application."""
    app = FastAPI()

    @app.websocket("/ws")
    async def relay(ws: WebSocket) -> None:
        await ws.accept()
        try:
            while True:
                frame = orjson.loads(await ws.receive_text())
                if frame.get("type") == "start":
                    await stream(ws, frame, reply_tokens)
        except WebSocketDisconnect:
            return

    return app


async def stream(ws: WebSocket, frame: dict[str, object], reply_tokens: int) -> None:
    """Send one turn's token frames, then its done frame."""
    sid, rid = frame["session_id"], frame["request_id"]
    payload = frame.get("payload")
    utterance = str(payload.get("user_utterance", "")) if isinstance(payload, dict) else ""
    started = time.monotonic()
    tokens = reply(utterance, reply_tokens)
    for text in tokens:
        await asyncio.sleep(0)
        token = {"type": "token", "session_id": sid, "request_id": rid, "payload": {"text": text}}
        await ws.send_text(orjson.dumps(token).decode())
    total_ms = round((time.monotonic() - started) * 1000, 3)
    done = {
        "type": "done", "session_id": sid, "request_id": rid,
        "payload": {
            "text": "".join(tokens), "finish_reason": "stop",
            "usage": {"prompt_tokens": 0, "completion_tokens": len(tokens),
                      "cached_prompt_tokens": 0, "total_tokens": len(tokens)},
            "timings": {"tool_ms": None, "ttft_ms": None, "total_ms": total_ms},
            "truncated": False,
        },
    }
    await ws.send_text(orjson.dumps(done).decode())


def main() -> None:
    """Serve the relay on uvicorn (uvloop, websockets' sans-I/O protocol)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--reply-tokens", type=int, default=40)
    args = parser.parse_args()
    uvicorn.run(
        make_app(args.reply_tokens), host=args.host, port=args.port, loop="uvloop",
        ws="websockets-sansio", ws_per_message_deflate=False, log_level="warning",
        access_log=False, lifespan="off",
    )


if __name__ == "__main__":
    main()
