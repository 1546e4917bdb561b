"""``cadence sanitize`` through a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cadence.sanitize import sanitize_text

TEXT = "Assistant: **Hi** there 😀! Mail a.b@x.com.\n- one\n- two — done…"


def run_cli(*args: str, stdin: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cadence.sanitize.cli", *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("args", [(), ("--chunk", "1"), ("--chunk", "3")])
def test_cli_prints_the_speakable_text(args: tuple[str, ...]) -> None:
    result = run_cli(*args, stdin=TEXT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == sanitize_text(TEXT) + "\n"


def test_cli_strips_given_prefixes() -> None:
    result = run_cli("--prefix", "MUST CHECK SCREEN:", stdin="MUST CHECK SCREEN: ok")
    assert result.stdout.decode("utf-8") == "Ok\n"


@pytest.mark.parametrize("bad", ["0", "-2", "x"])
def test_cli_rejects_a_bad_chunk_size(bad: str) -> None:
    result = run_cli("--chunk", bad, stdin="hi")
    assert result.returncode == 2
    assert b"--chunk" in result.stderr
