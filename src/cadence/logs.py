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
from collections.abc import Mapping
from typing import Any

#: A record's ``pathname`` while caller lookup is off (``logging._srcfile = None``).
_UNKNOWN_FILE = "(unknown file)"
#: When the logging module was loaded, as ``LogRecord.relativeCreated`` counts.
_LOGGING_START: float = getattr(logging, "_startTime", time.time())
#: Whether records carry an asyncio task name (Python 3.12+).
_HAS_TASK_NAMES = hasattr(logging, "logAsyncioTasks")


class LeanRecord(logging.LogRecord):
    """A :class:`logging.LogRecord` with the same attributes and values,
    built with less work while :func:`configure_logging`'s settings hold.

    With caller lookup off, the file name and module are constants, and
    with thread, process and task lookups off their fields are ``None``;
    in any other case (another configuration, a record with a real
    ``pathname``) the standard constructor runs.
    """

    def __init__(
        self, name: str, level: int, pathname: str, lineno: int, msg: object, args: Any,
        exc_info: Any, func: str | None = None, sinfo: str | None = None, **kwargs: object,
    ) -> None:
        if (pathname != _UNKNOWN_FILE or logging.logThreads or logging.logProcesses
                or logging.logMultiprocessing or (_HAS_TASK_NAMES and getattr(logging, "logAsyncioTasks", False))):
            super().__init__(name, level, pathname, lineno, msg, args, exc_info, func, sinfo, **kwargs)
            return
        created = time.time()
        self.name = name
        self.msg = msg
        if args and len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
            args = args[0]  # the standard rule: a lone mapping is the format's dict
        self.args = args
        self.levelname = logging.getLevelName(level)
        self.levelno = level
        self.pathname = self.filename = self.module = pathname
        self.exc_info = exc_info
        self.exc_text = None
        self.stack_info = sinfo
        self.lineno = lineno
        self.funcName = func  # type: ignore[assignment]  # None, as the standard record
        self.created = created
        self.msecs = int((created - int(created)) * 1000) + 0.0
        self.relativeCreated = (created - _LOGGING_START) * 1000
        self.thread = self.threadName = self.processName = self.process = None
        if _HAS_TASK_NAMES:
            self.taskName = None


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


class LineHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A :class:`logging.StreamHandler` (stderr by default) that writes and
    flushes each line under the one lock :meth:`handle` already holds."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record`` as one line; failures go to :meth:`handleError`."""
        try:
            stream = self.stream
            stream.write(self.format(record) + self.terminator)
            stream.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


def configure_logging(level: str) -> None:
    """Send records at ``level`` and above to stderr; quiet ``websockets``."""
    # The logging HOWTO's "Optimization" settings for what the format never
    # prints: caller location (a stack walk per record), thread, process.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    if hasattr(logging, "logAsyncioTasks"):  # Python 3.12+
        logging.logAsyncioTasks = False
    logging.setLogRecordFactory(LeanRecord)
    handler = LineHandler()
    handler.setFormatter(LineFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("websockets").setLevel(logging.WARNING)


__all__ = ["LeanRecord", "LineFormatter", "LineHandler", "configure_logging"]
