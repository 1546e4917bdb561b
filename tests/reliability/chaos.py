"""Seeded chaos over real sockets against a real, in-process Cadence server.

:func:`run_chaos` starts a server (echo or hf engine) with
``harness.running_server`` and lets ``ChaosConfig.clients`` clients loose on
it. Client ``i`` draws every decision from ``random.Random(seed + i)`` and
nothing else (an :class:`Action` carries all of its random parameters, drawn
whatever the outcome), so a seed replays the same decisions; the interleaving
with the server still depends on timing.

Actions: ``start`` (with or without utterance, with history), ``message``,
``followup``, then answered, barged in on, or cancelled at a random moment:
before the first token, after token k, right at the last token, after the
terminal frame with the ended turn's id; ``cancel`` with nothing running,
``ping``, malformed frames (each must get one ``invalid_message``),
``end``, abrupt disconnects, clean closes, reconnect-and-resume, takeovers
from a second connection, oversize frames (close 1009), floods past the
message and cancel rate limits (``rate_limited``), invalid-frame floods
(close 1008).

Invariants, checked per request id as frames arrive (:class:`ConnChecker`):
at most one terminal frame and nothing after it; ``toolcall``, ``token``\\ s,
terminal, with ``done``/``cancelled`` text equal to the tokens' concatenation;
turns of a connection never interleave (guarantee 3); ``cancelled`` with
``active: false`` is never a terminal (recorded, and only for ids we sent as
cancels); no ``no_session`` for a session known to exist; no turn-ending
error. When a connection ends: every started turn but the last has its
terminal, and the last one too unless the socket died under it (abort, client
close, 1009); close codes are the ones our actions call for; after ``end``
every frame was answered and the rate limits were exact. At the end:
``/stats`` shows no connection, running turn or engine request (bounded wait),
no asyncio task is left over, and RSS at the end is within
``rss_tolerance_mb`` or ``rss_tolerance_pct`` of RSS after warm-up.

The code lives in ``chaos_config`` (:class:`ChaosConfig`, :class:`ChaosReport`),
``chaos_actions`` (:class:`Action`, :func:`draw_action`), ``chaos_checker``
(:class:`ConnChecker`), ``chaos_conn`` (one socket), ``chaos_client_base`` and
``chaos_client`` (:class:`ChaosClient`) and ``chaos_runner`` (:func:`run_chaos`);
this module re-exports the public names.
"""

from __future__ import annotations

from chaos_actions import Action, draw_action
from chaos_checker import ConnChecker
from chaos_client import ChaosClient
from chaos_config import ChaosConfig, ChaosReport
from chaos_runner import chaos_server, run_chaos

__all__ = ["Action", "ChaosClient", "ChaosConfig", "ChaosReport", "ConnChecker", "chaos_server",
           "draw_action", "run_chaos"]
