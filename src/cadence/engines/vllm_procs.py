"""The processes vLLM starts, so closing the engine can prove they are gone.

``AsyncLLM.shutdown()`` sends SIGTERM to its engine-core process, waits a
grace period, SIGKILLs what is left and returns without waiting for the
killed processes to exit. :class:`ProcessWatch` records the processes that
appeared while the engine started (the engine core and its workers) and
waits for each to exit, killing stragglers, so that no vLLM process
outlives :meth:`~cadence.engines.vllm.VLLMEngine.aclose`.
"""

from __future__ import annotations

import asyncio
import logging

import psutil  # type: ignore[import-untyped]

log = logging.getLogger("cadence.engines.vllm")

#: multiprocessing's per-interpreter helper; not vLLM's, and shared.
_NOT_OURS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def _descendants() -> dict[int, psutil.Process]:
    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return {}
    return {child.pid: child for child in children}


def _is_helper(process: psutil.Process) -> bool:
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        return False
    return any(marker in command for marker in _NOT_OURS)


class ProcessWatch:
    """Descendant processes that appeared between :meth:`before` and :meth:`after`."""

    def __init__(self) -> None:
        self._before: set[int] = set()
        self.processes: list[psutil.Process] = []

    def before(self) -> None:
        """Remember the descendants that exist now (call before starting vLLM)."""
        self._before = set(_descendants())

    def after(self) -> None:
        """Record the new descendants (call once vLLM is up)."""
        self.processes = [
            process
            for pid, process in _descendants().items()
            if pid not in self._before and not _is_helper(process)
        ]

    def alive(self) -> list[psutil.Process]:
        """The recorded processes still running (zombies count as gone)."""
        living = []
        for process in self.processes:
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    living.append(process)
            except psutil.Error:
                continue
        return living

    async def wait_gone(self, timeout_s: float) -> None:
        """Wait up to ``timeout_s`` for the recorded processes, then SIGKILL them.

        Never raises; a process that survives even SIGKILL is logged.
        """
        processes, self.processes = self.processes, []
        if not processes:
            return
        _, alive = await asyncio.to_thread(psutil.wait_procs, processes, timeout_s)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                continue
        if alive:
            _, still = await asyncio.to_thread(psutil.wait_procs, alive, timeout_s)
            for process in still:
                log.error("vLLM process %d survived SIGKILL", process.pid)


__all__ = ["ProcessWatch"]
