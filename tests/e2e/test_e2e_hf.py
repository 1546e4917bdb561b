"""warmup, conversation and cancel against the ``hf`` engine (a real model).

Skipped unless the default chat model is prepared at
``models/smollm2-135m-instruct``. The server runs ``cadence serve --engine
hf`` with ``CHAT_MODEL`` unset (the default model) on the CPU; budgets are
small (few turns, replies of 8 tokens): on two idle cores the file takes a
minute or two, much longer on a loaded machine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cancel
import conversation
import e2e_server
import warmup

MODEL_CONFIG = e2e_server.ROOT / "models" / "smollm2-135m-instruct" / "config.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.hf,
    pytest.mark.skipif(not MODEL_CONFIG.exists(),
                       reason=f"default chat model not prepared ({MODEL_CONFIG.relative_to(e2e_server.ROOT)} "
                              "is absent)"),
]

HF_ENV = {
    "CHAT_HISTORY_MAX_TOKENS": "300",
    "WS_MAX_MESSAGES_PER_WINDOW": "0",
    "CHAT_TIMEOUT_S": "120",
}


@pytest.fixture(scope="module")
def hf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[e2e_server.RunningServer]:
    with e2e_server.serve("hf", HF_ENV, tmp_path_factory.mktemp("hf"), ready_timeout=300) as server:
        yield server


def args(server: e2e_server.RunningServer, *extra: str) -> list[str]:
    return ["--server", server.ws_url, "--api-key", e2e_server.API_KEY, "--timeout", "120", *extra]


def test_warmup_hf(hf: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    rc = warmup.main(args(hf, "--max-tokens", "8", "--temperature", "0", "--double-ttfb", "Hi! Who are you?"))
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "COLD [done]" in out and "WARM [done]" in out


def test_conversation_hf(hf: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    rc = conversation.main(args(hf, "--turns", "3", "--pad-words", "20", "--max-tokens", "8"))
    out = capsys.readouterr().out
    assert rc == 0, out
    assert out.count("[done]") == 3 and "FIRST  (includes prefill)" in out


def test_cancel_hf(hf: e2e_server.RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    rc = cancel.main(args(hf, "--clients", "1", "--max-tokens", "64", "--recovery-max-tokens", "8",
                          "--drain-timeout", "0.5", "--check-stats"))
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "cancel regression: PASS" in out
