"""Python client for the Cadence WebSocket protocol (PROTOCOL.md).

Typical use::

    async with CadenceClient("ws://127.0.0.1:8000/ws", api_key=key) as client:
        turn = await client.start(prompt, personality="wholesome", gender="female",
                                  user_utterance="hi there")
        async for frame in turn:
            if isinstance(frame, TokenFrame):
                print(frame.text, end="", flush=True)
        result = await turn.result()
        print(result.outcome, result.timings.ttft_ms, result.timings.first_3_words_ms)

The library does not depend on Pipecat; an adapter can sit on top of it.
"""

from cadence.client.backoff import ReconnectPolicy
from cadence.client.connection import normalize_url, redact
from cadence.client.errors import (
    AuthenticationError,
    ClientError,
    ConnectionLost,
    FrameError,
    HandshakeRejected,
    SessionClosed,
    TurnTimeout,
)
from cadence.client.frames import (
    AckFrame,
    CancelledFrame,
    DoneFrame,
    ErrorFrame,
    PongFrame,
    ServerFrame,
    ServerTimings,
    SessionEndFrame,
    TokenFrame,
    ToolcallFrame,
    ToolDecision,
    UnknownFrame,
    Usage,
    parse_frame,
)
from cadence.client.result import Outcome, TurnResult
from cadence.client.session import CadenceClient
from cadence.client.stats import Summary, percentile, summarize
from cadence.client.timings import TimingRecorder, TurnTimings
from cadence.client.turn import Turn

__all__ = [
    "AckFrame",
    "AuthenticationError",
    "CadenceClient",
    "CancelledFrame",
    "ClientError",
    "ConnectionLost",
    "DoneFrame",
    "ErrorFrame",
    "FrameError",
    "HandshakeRejected",
    "Outcome",
    "PongFrame",
    "ReconnectPolicy",
    "ServerFrame",
    "ServerTimings",
    "SessionClosed",
    "SessionEndFrame",
    "Summary",
    "TimingRecorder",
    "TokenFrame",
    "ToolDecision",
    "ToolcallFrame",
    "Turn",
    "TurnResult",
    "TurnTimeout",
    "TurnTimings",
    "UnknownFrame",
    "Usage",
    "normalize_url",
    "parse_frame",
    "percentile",
    "redact",
    "summarize",
]
