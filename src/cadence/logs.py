"""Process-wide logging set-up for ``cadence serve`` (called once at start).

One line per record on stderr: ``time level logger: message``. The server
logs one line per turn, so the per-record cost matters: the timestamp's
date part is formatted once per second, records skip the caller, thread
and process lookups the format never prints, and the line is one f-string
rather than the general ``%``-style machinery.
"""

from __future__ import annotations

import logging
import time


class LineFormatter(logging.Formatter):
    """``%(asctime)s %(levelname)s %(name)s: %(message)s`` with a cached date."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._second = -1
        self._stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        """The same text as :class:`logging.Formatter` with this format, built
        directly (records with exception or stack info take the general path)."""
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        record.message = record.getMessage()
        return f"{self.formatTime(record)} {record.levelname} {record.name}: {record.message}"

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """``YYYY-MM-DD HH:MM:SS,mmm`` in local time, as the default formatter."""
        second = int(record.created)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", self.converter(second))
        return f"{self._stamp},{int(record.msecs):03d}"


def configure_logging(level: str) -> None:
    """Send records at ``level`` and above to stderr; quiet ``websockets``."""
    # The logging HOWTO's "Optimization" settings for what the format never
    # prints: caller location (a stack walk per record), thread, process.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler()
    handler.setFormatter(LineFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("websockets").setLevel(logging.WARNING)


__all__ = ["LineFormatter", "configure_logging"]
