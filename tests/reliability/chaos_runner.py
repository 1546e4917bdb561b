"""The chaos run itself (see :mod:`chaos`): the server, the clients, the
progress monitor and the end-of-run checks (idle server, no leftover task, RSS)."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psutil
from chaos_client import ChaosClient
from chaos_config import ChaosConfig, ChaosReport
from harness import UNIT, make_settings, running_server, stats

from cadence.server.app import CadenceServer


def rss_mb() -> float:
    """This process's resident set size in MiB (the server runs in it)."""
    return float(psutil.Process().memory_info().rss) / 2**20


@asynccontextmanager
async def chaos_server(cfg: ChaosConfig) -> AsyncIterator[CadenceServer]:
    """A started server for ``cfg``: the echo engine, or hf on ``cfg.model_dir``
    (CPU, one thread, batch 4, persona warming and the speech sanitizer, as
    ``cadence serve`` sets them up)."""
    settings = make_settings(
        server={"max_connections": max(64, 4 * cfg.clients), "idle_timeout_s": 600,
                "max_message_bytes": cfg.max_message_bytes},
        limits={"max_messages": cfg.max_messages, "message_window_s": cfg.window_s,
                "max_cancels": cfg.max_cancels, "cancel_window_s": cfg.window_s,
                "max_invalid": cfg.max_invalid},
        echo={"tokens_per_second": cfg.tokens_per_second, "reply_tokens": cfg.reply_tokens},
    )
    if cfg.engine == "echo":
        async with running_server(settings) as server:
            yield server
        return
    from cadence.engines.hf import HFEngine
    from cadence.engines.hf_config import HFEngineConfig
    from cadence.serve import sanitizer_factory

    if cfg.model_dir is None:
        raise ValueError("the hf engine needs ChaosConfig.model_dir")
    settings = dataclasses.replace(
        settings, chat=dataclasses.replace(settings.chat, engine="hf", model=str(cfg.model_dir)))
    engine = HFEngine(HFEngineConfig(model=str(cfg.model_dir), device="cpu", max_batch_size=4, cpu_threads=1))
    async with running_server(settings, engine=engine, max_prompt_tokens=2048, warm_prompts=True,
                              make_sanitizer=sanitizer_factory(settings)) as server:
        yield server


async def _monitor(cfg: ChaosConfig, report: ChaosReport, began: float) -> None:
    """Take the after-warm-up RSS sample and report progress; runs until cancelled."""
    last = began
    while True:
        await asyncio.sleep(0.1)
        now = time.monotonic()
        done = max(report.turns_run / cfg.turns if cfg.turns else 0.0,
                   (now - began) / cfg.duration_s if cfg.duration_s else 0.0)
        if "warm" not in report.rss_mb and done >= cfg.warmup_fraction:
            gc.collect()
            report.rss_mb["warm"] = rss_mb()
        if cfg.progress is not None and now - last >= cfg.progress_interval_s:
            last = now
            cfg.progress(f"{now - began:7.1f} s  {report.turns_run:6d} turns  "
                         f"{report.violation_count} violations  {report.connections} connections  "
                         f"RSS {rss_mb():.1f} MB")


async def _settle(server: CadenceServer, cfg: ChaosConfig, report: ChaosReport,
                  baseline: set[asyncio.Task[Any]]) -> None:
    """Wait (bounded) for an idle server and no new tasks; record what is left."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + cfg.settle_timeout_s * UNIT
    while True:
        body = await stats(server)
        running = int(body["engines"]["chat"]["running_requests"])
        sockets = server.flusher.open_connections if server.flusher is not None else 0
        idle = (body["connections"], body["running_turns"], running, sockets) == (0, 0, 0, 0)
        if idle or loop.time() > deadline:
            break
        await asyncio.sleep(0.02)
    report.stats_end = body
    report.leaked_requests = running
    if not idle:
        report.violate(f"server not idle {cfg.settle_timeout_s * UNIT:.0f} s after the clients: "
                       f"{body}, open sockets {sockets}")
    current = asyncio.current_task()
    while True:
        extra = [t for t in asyncio.all_tasks() - baseline if t is not current and not t.done()]
        if not extra or loop.time() > deadline:
            break
        await asyncio.sleep(0.02)
    report.leftover_tasks = [repr(task)[:300] for task in extra]
    if extra:
        report.violate(f"{len(extra)} leftover asyncio tasks: {report.leftover_tasks[:5]}")


async def run_chaos(cfg: ChaosConfig) -> ChaosReport:
    """Run ``cfg`` against a fresh in-process server; never raises for a
    violation (they are in the report), only for a broken harness."""
    if cfg.turns is None and cfg.duration_s is None:
        raise ValueError("bound the run with turns or duration_s")
    report = ChaosReport(cfg, uvloop=type(asyncio.get_running_loop()).__module__.startswith("uvloop"))
    async with chaos_server(cfg) as server:
        baseline = asyncio.all_tasks()
        gc.collect()
        report.rss_mb["start"] = rss_mb()
        began = time.monotonic()
        monitor = asyncio.create_task(_monitor(cfg, report, began))
        try:
            clients = [ChaosClient(i, cfg, server.port, report) for i in range(cfg.clients)]
            results = await asyncio.gather(*(c.run() for c in clients), return_exceptions=True)
        finally:
            monitor.cancel()
            await asyncio.gather(monitor, return_exceptions=True)
        report.elapsed_s = time.monotonic() - began
        for index, result in enumerate(results):
            if isinstance(result, BaseException):
                report.violate(f"[seed {cfg.seed} client {index}] raised {result!r}")
        if "warm" not in report.rss_mb:
            gc.collect()
            report.rss_mb["warm"] = rss_mb()
        await _settle(server, cfg, report, baseline)
        gc.collect()
        report.rss_mb["end"] = rss_mb()
    if cfg.check_rss and report.rss_mb["end"] > report.rss_limit_mb():
        report.violate(f"RSS grew after warm-up: {report.rss_mb} (limit {report.rss_limit_mb():.1f} MB)")
    return report


__all__ = ["chaos_server", "rss_mb", "run_chaos"]
