"""The serve command's log line format."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from cadence.logs import LeanRecord, LineFormatter, LineHandler

_SETTINGS = {"_srcfile": None, "logThreads": False, "logProcesses": False, "logMultiprocessing": False}


def _serve_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """What configure_logging() sets, undone after the test."""
    for name, value in _SETTINGS.items():
        monkeypatch.setattr(logging, name, value)
    if hasattr(logging, "logAsyncioTasks"):
        monkeypatch.setattr(logging, "logAsyncioTasks", False)


def test_lines_match_the_standard_formatter_across_seconds() -> None:
    standard = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    fast = LineFormatter()
    for created in (1_700_000_000.001, 1_700_000_000.999, 1_700_000_001.5, 1_700_000_000.25):
        record = logging.LogRecord("cadence.turns", logging.INFO, __file__, 1,
                                   "turn session=%s outcome=%s", ("s1", "done"), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert fast.format(record) == standard.format(record)


def test_records_with_a_traceback_keep_the_standard_layout() -> None:
    standard = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("cadence.server", logging.ERROR, __file__, 1, "failed %d", (3,),
                                   sys.exc_info())
    assert LineFormatter().format(record) == standard.format(record)
    assert "ValueError: boom" in LineFormatter().format(record)


@pytest.mark.parametrize("args", [("s1", 3, 1.5), ({"key": "v"},), ()])
def test_lean_records_carry_the_standard_attributes(monkeypatch: pytest.MonkeyPatch, args: tuple[object, ...]) -> None:
    _serve_settings(monkeypatch)
    message = "%(key)s" if args and isinstance(args[0], dict) else "turn %s %d %.1f" if args else "plain"
    lean = LeanRecord("cadence.turns", logging.INFO, "(unknown file)", 0, message, args, None)
    standard = logging.LogRecord("cadence.turns", logging.INFO, "(unknown file)", 0, message, args, None)
    timed = {"created", "msecs", "relativeCreated"}
    assert lean.__dict__.keys() == standard.__dict__.keys()
    assert {k: v for k, v in lean.__dict__.items() if k not in timed} == {
        k: v for k, v in standard.__dict__.items() if k not in timed}
    assert lean.getMessage() == standard.getMessage()
    assert 0 <= lean.msecs < 1000 and abs(lean.created - standard.created) < 1


def test_lean_records_take_the_standard_path_outside_the_serve_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    _serve_settings(monkeypatch)
    monkeypatch.setattr(logging, "logThreads", True)
    record = LeanRecord("cadence", logging.INFO, __file__, 7, "m", (), None)
    assert record.threadName is not None and record.filename == "test_logs.py" and record.module == "test_logs"


def test_the_line_handler_writes_one_flushed_line_per_record() -> None:
    stream = io.StringIO()
    handler = LineHandler(stream)
    handler.setFormatter(LineFormatter())
    for index in range(2):
        handler.handle(logging.LogRecord("cadence.turns", logging.INFO, __file__, 1, "turn %d", (index,), None))
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == ["INFO cadence.turns: turn 0", "INFO cadence.turns: turn 1"]
