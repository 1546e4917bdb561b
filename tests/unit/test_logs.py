"""The serve command's log line format."""

from __future__ import annotations

import logging
import sys

from cadence.logs import LineFormatter


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
